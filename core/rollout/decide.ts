/**
 * The rollout decision: one pure function, (state, status records and commands, now) → (releases to
 * write, new state). The controller Lambda and `fleet rollout run` both call it; neither decides anything
 * on its own. The rules, in the order they apply on every call:
 *
 * 1. Commands (halt, resume) not yet applied, oldest first. Resume retries only failed and never-started
 *    tenants: a new generation (`epoch`) in which earlier failures no longer count.
 * 2. Finished status records of the tenants' current release ids (any other record, a late one of an
 *    earlier attempt, a duplicate, an in-progress one after the finished one, changes nothing).
 * 3. Timeouts: a tenant without a finished status `tenantTimeoutMinutes` after its release failed.
 *    A failure with `onFailure: rollback` releases the tenant's last succeeded version again
 *    (allowDowngrade) and leaves it rolled back: this rollout never offers it this version again.
 * 4. Halt when a wave's failures exceed its tolerance or the rollout's exceed its budget.
 * 5. Unless halted: waves in ascending order; a wave starts once every earlier wave is final (its
 *    failures within tolerance, or the rollout would have halted) and the last one's bake has elapsed;
 *    in flight ≤ min(maxConcurrent, tolerance − failures + 1, budget − failures + 1), so a halted wave
 *    holds at most tolerance + 1 failures.
 * 6. Completed when no tenant is pending or in flight.
 *
 * Releases are not written here: each new one is put in the state's outbox with its derived release id,
 * and stays there until the controller acknowledges that it is stored (see controller.ts).
 */
import type { Status } from "../records";
import { attemptReleaseId } from "./keys";
import { applyCommands, applyRecords, applyTimeouts, halt, type Ctx } from "./rules";
import type { ReleaseIntent, RolloutCommand, RolloutState, Tenant, Wave } from "./state";

export interface DecideInput {
  /** Status records of this app; only those whose release id is a tenant's current one count. */
  readonly records: readonly Status[];
  readonly commands?: readonly RolloutCommand[];
}

export interface Decision {
  readonly state: RolloutState;
  /** The outbox: releases to write with If-None-Match: *, then acknowledge (controller.ts). */
  readonly releases: readonly ReleaseIntent[];
  /** False when the state is unchanged (nothing to store). */
  readonly changed: boolean;
  /** What happened, one line each, for logs and `fleet rollout run`. */
  readonly log: readonly string[];
  /**
   * The next moment this decision would change without any new input (a bake ends, a tenant times out),
   * in ms, or null. A controller that is awake anyway may wait for it instead of the next schedule.
   */
  readonly wakeAt: number | null;
}

export interface WaveCounts {
  pending: number;
  inFlight: number;
  /** Failed or rolled back in the current generation. */
  failures: number;
}

/** Per wave number, and the rollout's failures of the current generation. */
export function countTenants(s: RolloutState): { waves: Map<number, WaveCounts>; failures: number } {
  const waves = new Map<number, WaveCounts>();
  let failures = 0;
  for (const t of s.tenants) {
    let c = waves.get(t.wave);
    if (!c) waves.set(t.wave, (c = { pending: 0, inFlight: 0, failures: 0 }));
    if (t.state === "pending") c.pending++;
    else if (t.state === "in-flight") c.inFlight++;
    else if ((t.state === "failed" || t.state === "rolled-back") && t.failedEpoch === s.epoch) {
      c.failures++;
      failures++;
    }
  }
  return { waves, failures };
}

type Counts = ReturnType<typeof countTenants>;

function checkHalt(ctx: Ctx, counts: Counts): void {
  const s = ctx.s;
  if (s.phase !== "running") return;
  for (const w of s.waves) {
    const f = counts.waves.get(w.wave)?.failures ?? 0;
    if (f > w.tolerance) return halt(ctx, `wave ${w.wave}: ${f} failure${f === 1 ? "" : "s"}, more than its tolerance of ${w.tolerance}`);
  }
  if (s.budget !== null && counts.failures > s.budget) halt(ctx, `${counts.failures} failures, more than the rollout's failure budget of ${s.budget}`);
}

function start(ctx: Ctx, i: number, t: Tenant): void {
  const s = ctx.s;
  const attempt = t.attempt + 1;
  const releaseId = attemptReleaseId(s.rolloutId, t.env, attempt, "rollout", ctx.now);
  s.outbox.push({
    kind: "rollout",
    env: t.env,
    version: s.version,
    artifactSha256: s.artifactSha256,
    releaseId,
    attempt,
    allowDowngrade: false,
    reason: `rollout ${s.rolloutId}${s.reason ? `: ${s.reason}` : ""}`.slice(0, 1024),
    createdAt: ctx.iso,
  });
  const { finishedAt: _f, reason: _r, ...rest } = t;
  void [_f, _r];
  s.tenants[i] = { ...rest, state: "in-flight", attempt, releaseId, startedAt: ctx.iso };
  ctx.changed = true;
  ctx.log.push(`${t.env}: released ${s.version} (wave ${t.wave}, attempt ${attempt}, ${releaseId})`);
}

/** Marks waves whose tenants are all final; returns the first wave that is not, if any. */
function currentWave(ctx: Ctx, counts: Map<number, WaveCounts>): number | undefined {
  let current: number | undefined;
  ctx.s.waves = ctx.s.waves.map((w) => {
    const c = counts.get(w.wave);
    const open = c !== undefined && c.pending + c.inFlight > 0;
    if (open && current === undefined) current = ctx.s.waves.indexOf(w);
    if (open || w.doneAt !== undefined) return w;
    ctx.changed = true;
    return { ...w, doneAt: ctx.iso };
  });
  return current;
}

/** The bake still to wait before wave `index` may start (ms), after the nearest earlier wave that released something. */
function bakeLeft(ctx: Ctx, index: number): number {
  const bakeMs = ctx.s.policy.bakeMinutes * 60_000;
  if (bakeMs === 0) return 0;
  const earlier = ctx.s.waves.slice(0, index).reverse();
  const last: Wave | undefined = earlier.find((w) => w.size > 0 && w.doneAt !== undefined);
  return last?.doneAt === undefined ? 0 : Math.max(0, Date.parse(last.doneAt) + bakeMs - ctx.now);
}

/** `counts` are those of the tenants as they are now (a halt changes none). */
function startTenants(ctx: Ctx, counts: Counts): void {
  const s = ctx.s;
  if (s.phase !== "running") return;
  const index = currentWave(ctx, counts.waves);
  if (index === undefined) {
    s.phase = "completed";
    ctx.changed = true;
    ctx.log.push(`completed: ${s.version} reached every tenant that takes part`);
    return;
  }
  const wave = s.waves.at(index);
  const c = wave && counts.waves.get(wave.wave);
  if (!wave || !c || bakeLeft(ctx, index) > 0) return;
  const budgetRoom = s.budget === null ? Infinity : s.budget - counts.failures + 1;
  let room = Math.min(wave.maxConcurrent, wave.tolerance - c.failures + 1, budgetRoom) - c.inFlight;
  for (const [i, t] of s.tenants.entries()) {
    if (room <= 0) break;
    if (t.wave !== wave.wave || t.state !== "pending") continue;
    start(ctx, i, t);
    room--;
  }
}

/** The earliest bake end or tenant timeout still ahead; one pass over the tenants (it runs on every step). */
function nextWake(s: RolloutState, now: number): number | null {
  let at = Infinity;
  let firstStarted: string | undefined;
  const open = new Set<number>();
  for (const t of s.tenants) {
    if (t.state === "pending") open.add(t.wave);
    else if (t.state === "in-flight") {
      open.add(t.wave);
      // Release ids hold their start time too, but startedAt is the one the timeout counts from; ISO strings order as times.
      if (t.startedAt !== undefined && (firstStarted === undefined || t.startedAt < firstStarted)) firstStarted = t.startedAt;
    }
  }
  if (firstStarted !== undefined) at = Date.parse(firstStarted) + s.policy.tenantTimeoutMinutes * 60_000;
  if (s.phase === "running" && s.policy.bakeMinutes > 0) {
    const index = s.waves.findIndex((w) => open.has(w.wave));
    const last = s.waves.slice(0, Math.max(0, index)).reverse().find((w) => w.size > 0 && w.doneAt !== undefined);
    if (index > 0 && last?.doneAt !== undefined) {
      const end = Date.parse(last.doneAt) + s.policy.bakeMinutes * 60_000;
      if (end > now) at = Math.min(at, end);
    }
  }
  return at === Infinity ? null : at;
}

/** The whole decision; `now` is the storage's clock in milliseconds. Never mutates `state`. */
export function decide(state: RolloutState, input: DecideInput, now: number): Decision {
  const s: RolloutState = { ...state, tenants: state.tenants.slice(), waves: state.waves.slice(), outbox: state.outbox.slice() };
  const ctx: Ctx = { s, now, iso: new Date(now).toISOString(), log: [], changed: false };
  applyCommands(ctx, input.commands ?? []);
  applyRecords(ctx, input.records);
  applyTimeouts(ctx);
  const counts = countTenants(s);
  checkHalt(ctx, counts);
  startTenants(ctx, counts);
  if (ctx.changed) {
    s.revision = state.revision + 1;
    s.updatedAt = ctx.iso;
  }
  const out = ctx.changed ? s : state;
  return { state: out, releases: out.outbox, changed: ctx.changed, log: ctx.log, wakeAt: nextWake(out, now) };
}

/** The state once the given releases are stored: they leave the outbox. */
export function acknowledge(state: RolloutState, releaseIds: readonly string[]): RolloutState {
  const done = new Set(releaseIds);
  const outbox = state.outbox.filter((r) => !done.has(r.releaseId));
  if (outbox.length === state.outbox.length) return state;
  return { ...state, outbox, revision: state.revision + 1 };
}
