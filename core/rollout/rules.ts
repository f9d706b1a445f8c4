/**
 * The rules of the decision that read inputs (commands, status records, the clock) and mark tenants
 * final; decide.ts orders them and starts tenants. Each mutates the working copy in `Ctx` only.
 */
import type { Status } from "../records";
import { attemptReleaseId } from "./keys";
import type { RolloutCommand, RolloutState, Tenant } from "./state";

export interface Ctx {
  readonly s: RolloutState;
  readonly now: number;
  readonly iso: string;
  readonly log: string[];
  changed: boolean;
}

const FINISHED = new Set(["succeeded", "skipped", "refused", "failed"]);

function set(ctx: Ctx, i: number, t: Tenant): void {
  ctx.s.tenants[i] = t;
  ctx.changed = true;
}

export function halt(ctx: Ctx, reason: string): void {
  ctx.s.phase = "halted";
  ctx.s.haltReason = reason;
  ctx.s.haltedAt = ctx.iso;
  ctx.changed = true;
  ctx.log.push(`halted: ${reason}`);
}

export function fail(ctx: Ctx, i: number, reason: string): void {
  const s = ctx.s;
  const t = s.tenants[i];
  if (!t) return;
  const { startedAt: _s, ...base } = t;
  void _s;
  const failed = { ...base, ...(t.startedAt ? { startedAt: t.startedAt } : {}), failedEpoch: s.epoch, finishedAt: ctx.iso, reason: reason.slice(0, 600) };
  if (s.policy.onFailure === "rollback" && t.previous) {
    const releaseId = attemptReleaseId(s.rolloutId, t.env, t.attempt, "rollback", ctx.now);
    s.outbox.push({
      kind: "rollback",
      env: t.env,
      version: t.previous.version,
      artifactSha256: t.previous.sha256,
      releaseId,
      attempt: Math.max(1, t.attempt),
      allowDowngrade: true,
      reason: `rollout ${s.rolloutId} of ${s.version} failed here (${reason}): back to ${t.previous.version}`.slice(0, 1024),
      createdAt: ctx.iso,
    });
    set(ctx, i, { ...failed, state: "rolled-back", rollback: { version: t.previous.version, releaseId } });
    ctx.log.push(`${t.env}: failed (${reason}); rolling back to ${t.previous.version}`);
  } else {
    set(ctx, i, { ...failed, state: "failed" });
    ctx.log.push(`${t.env}: failed (${reason})`);
  }
}

export function applyCommands(ctx: Ctx, commands: readonly RolloutCommand[]): void {
  const s = ctx.s;
  const fresh = commands.filter((c) => !s.commandsApplied.includes(c.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const c of fresh) {
    s.commandsApplied = [...s.commandsApplied, c.id];
    ctx.changed = true;
    const by = `${c.requestedBy}${c.reason ? `: ${c.reason}` : ""}`;
    if (c.action === "halt" && s.phase === "running") halt(ctx, `halted by ${by}`);
    else if (c.action === "resume" && s.phase === "halted") resume(ctx, by);
    else ctx.log.push(`${c.action} by ${by} ignored: the rollout is ${s.phase}`);
  }
}

function resume(ctx: Ctx, by: string): void {
  const s = ctx.s;
  s.phase = "running";
  s.epoch += 1;
  delete s.haltReason;
  delete s.haltedAt;
  const retried: string[] = [];
  s.tenants.forEach((t, i) => {
    if (t.state !== "failed") return;
    const { failedEpoch: _e, finishedAt: _f, reason: _r, startedAt: _st, releaseId: _id, ...rest } = t;
    void [_e, _f, _r, _st, _id];
    set(ctx, i, { ...rest, state: "pending" });
    retried.push(t.env);
  });
  const open = new Set(s.tenants.filter((t) => t.state === "pending").map((t) => t.wave));
  s.waves = s.waves.map((w) => {
    if (!open.has(w.wave) || w.doneAt === undefined) return w;
    const { doneAt: _d, ...rest } = w;
    void _d;
    return rest;
  });
  ctx.log.push(`resumed by ${by}; retrying ${retried.length ? retried.join(", ") : "no failed tenant"} and every tenant not started`);
}

export function applyRecords(ctx: Ctx, records: readonly Status[]): void {
  const s = ctx.s;
  const byId = new Map<string, Status>();
  for (const r of records) {
    if (r.app !== s.app) continue;
    const seen = byId.get(r.releaseId);
    // A duplicate or reordered delivery: a finished record is never replaced by an unfinished one.
    if (!seen || (!FINISHED.has(seen.result) && FINISHED.has(r.result))) byId.set(r.releaseId, r);
  }
  if (byId.size === 0) return;
  s.tenants.forEach((t, i) => {
    if (t.rollback && (t.rollback.result === undefined || !FINISHED.has(t.rollback.result))) {
      const r = byId.get(t.rollback.releaseId);
      if (r && r.env === t.env && r.result !== t.rollback.result) set(ctx, i, { ...t, rollback: { ...t.rollback, result: r.result } });
    }
    if (t.state !== "in-flight" || t.releaseId === undefined) return;
    const r = byId.get(t.releaseId);
    if (!r || r.env !== t.env || !FINISHED.has(r.result)) return;
    if (r.version !== s.version) {
      ctx.log.push(`${t.env}: status ${r.releaseId} says version ${r.version}, not ${s.version}; ignored`);
      return;
    }
    const finishedAt = r.finishedAt ?? ctx.iso;
    if (r.result === "succeeded") {
      set(ctx, i, { ...t, state: "succeeded", finishedAt });
      ctx.log.push(`${t.env}: succeeded`);
    } else if (r.result === "skipped") {
      set(ctx, i, { ...t, state: "skipped", finishedAt, reason: `skipped by its deployer: ${r.error ?? "no reason given"}`.slice(0, 600) });
      ctx.log.push(`${t.env}: skipped by its deployer`);
    } else {
      fail(ctx, i, `${r.result}: ${r.error ?? "no reason given"}`);
    }
  });
}

export function applyTimeouts(ctx: Ctx): void {
  const minutes = ctx.s.policy.tenantTimeoutMinutes;
  const limit = minutes * 60_000;
  ctx.s.tenants.forEach((t, i) => {
    if (t.state !== "in-flight" || t.startedAt === undefined) return;
    if (ctx.now - Date.parse(t.startedAt) >= limit) fail(ctx, i, `no finished status ${minutes} minutes after its release (a lost event or a stopped build)`);
  });
}

