/**
 * A rollout in virtual time, through the real controller (core/rollout: the decision and the controller
 * step) against the in-memory store: tenants "deploy" by writing status records after random build times,
 * with faults (failures, lost records, late records, stale in-progress rewrites), duplicated and delayed
 * controller triggers, concurrent controllers, the one-minute schedule, and halt/resume commands.
 * Every stored state transition is checked against the invariants (invariants.ts) as it happens.
 * Shared by the property tests (__tests__/rollout) and the benchmark (bench/rollout).
 */
import type { RolloutPolicy } from "../../core/config/schema";
import { MANIFEST_SCHEMA, STATUS_SCHEMA, type Status } from "../../core/records";
import { MemoryStore, requestCommand, startRollout, step, type RolloutState } from "../../core/rollout";
import { formatReleaseId } from "../../core/version";
import { checkFinal, checkTransition, type Violation } from "./invariants";

export interface SimOptions {
  readonly seed: number;
  /** Tenants per wave. */
  readonly waves: readonly number[];
  readonly policy: RolloutPolicy;
  /** Probabilities per build (0..1). */
  readonly failRate: number;
  readonly lostRate: number;
  readonly holdRate?: number;
  /** Build duration range, ms. */
  readonly buildMs: readonly [number, number];
  /** Extra trigger deliveries per status write (0..n, random) and their delay range, ms. */
  readonly duplicates?: number;
  readonly delayMs?: readonly [number, number];
  /** Halt/resume commands at these virtual times (ms after the start). */
  readonly commands?: readonly { readonly at: number; readonly action: "halt" | "resume" }[];
  /** Give up after this much virtual time. */
  readonly limitMs?: number;
  /** How differently controllers read the clock, ms. @default 1000 */
  readonly clockJitterMs?: number;
  /** Check every stored transition (the benchmark turns it off while it measures CPU). @default true */
  readonly checkInvariants?: boolean;
}

export interface SimResult {
  readonly state: RolloutState;
  readonly violations: readonly Violation[];
  readonly statusEvents: number;
  readonly steps: number;
  /** CPU spent in controller steps (process.cpuUsage, user+system), µs. */
  readonly stepCpuUs: number;
  /** The CPU of each step, µs. */
  readonly stepsCpuUs: readonly number[];
  readonly virtualMs: number;
  readonly store: MemoryStore;
}

/** mulberry32: a small seeded PRNG, so a failing scenario is reproducible from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Job = { at: number; seq: number; run: () => Promise<void> };

export const SIM_T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
export const CLOCK_JITTER_MS = 1_000;
/** How far ahead the controller waits for a bake end or a timeout instead of leaving it to the schedule. */
const WAIT_MS = 60_000;
const SHA_NEW = "c".repeat(64);
const SHA_OLD = "d".repeat(64);

function seedStore(store: MemoryStore, app: string, names: readonly string[]): void {
  for (const [v, sha] of [["1.0.0", SHA_OLD], ["2.0.0", SHA_NEW]] as const) {
    store.manifests.set(`${app}/${v}`, { schema: MANIFEST_SCHEMA, app, version: v, sha256: sha, size: 1, files: 1, createdAt: new Date(SIM_T0).toISOString(), gate: { lint: "passed", test: "passed", sonar: "passed" } });
  }
  names.forEach((env, i) => {
    const releaseId = formatReleaseId(new Date(SIM_T0 - 86_400_000 + i), "00001");
    store.putStatus({ schema: STATUS_SCHEMA, env, app, releaseId, version: "1.0.0", phase: "finished", result: "succeeded", buildId: "old", startedAt: new Date(SIM_T0 - 86_400_000).toISOString(), finishedAt: new Date(SIM_T0 - 86_300_000).toISOString() });
  });
}

export async function simulate(o: SimOptions): Promise<SimResult> {
  const random = rng(o.seed);
  const between = ([lo, hi]: readonly [number, number]) => lo + Math.floor(random() * (hi - lo + 1));
  let clock = SIM_T0;
  // Each controller reads the clock a little differently (real ones do): without compare-and-swap, two
  // racing steps would then derive different release ids for one attempt, which the invariants catch.
  const jitter = o.clockJitterMs ?? CLOCK_JITTER_MS;
  const store = new MemoryStore(() => clock + Math.floor(random() * jitter));
  const app = "shop";
  const environments = o.waves.flatMap((n, wave) =>
    Array.from({ length: n }, (_, k) => ({ name: `w${wave}t${String(k).padStart(4, "0")}`, wave, hold: random() < (o.holdRate ?? 0), config: {}, tags: {}, accountId: "111111111111", region: "eu-west-1", file: "x" })),
  );
  seedStore(store, app, environments.map((e) => e.name));
  const violations: Violation[] = [];
  // Every stored transition is checked: the store sees them in compare-and-swap order.
  const write = store.writeState.bind(store);
  if (o.checkInvariants !== false) store.writeState = async (next, etag) => {
    const prev = (await store.readState(next.app, next.rolloutId))?.state;
    const r = await write(next, etag);
    if (r !== undefined) violations.push(...checkTransition(prev, next, clock));
    return r;
  };

  const queue: Job[] = [];
  let seq = 0;
  const at = (t: number, run: () => Promise<void>) => queue.push({ at: t, seq: seq++, run });
  let steps = 0;
  let stepCpuUs = 0;
  const stepsCpuUs: number[] = [];
  let statusEvents = 0;
  let rolloutId = "";
  const seen = new Set<string>();

  const trigger = async () => {
    const before = process.cpuUsage();
    steps++;
    try {
      const r = await step(store, app, rolloutId);
      // What the Lambda does: a bake end or timeout within a minute is waited for, not left to the schedule.
      if (r.wakeAt !== null && r.wakeAt - clock <= WAIT_MS) at(r.wakeAt + jitter, trigger);
    } catch (err) {
      if ((err as Error).name !== "RolloutContentionError") throw err;
    }
    const d = process.cpuUsage(before);
    stepCpuUs += d.user + d.system;
    stepsCpuUs.push(d.user + d.system);
    afterStep();
  };
  const deliver = () => {
    const n = 1 + Math.floor(random() * ((o.duplicates ?? 0) + 1));
    const first = clock + between(o.delayMs ?? [0, 0]);
    // Half the duplicates arrive at the same instant as the first delivery: those invocations race.
    for (let i = 0; i < n; i++) at(i === 0 || random() < 0.5 ? first : clock + between(o.delayMs ?? [0, 0]), trigger);
  };
  const putStatus = (s: Status) => {
    statusEvents++;
    store.putStatus(s);
    deliver();
  };
  /** A deployer for each release it has not seen: in-progress, then the outcome after the build. */
  const afterStep = () => {
    for (const [key, r] of store.releases) {
      if (seen.has(key)) continue;
      seen.add(key);
      const base = { schema: STATUS_SCHEMA, env: r.env, app, releaseId: r.releaseId, version: r.version, buildId: `b-${r.releaseId}`, startedAt: new Date(clock).toISOString() } as const;
      const build = between(o.buildMs);
      const roll = random();
      const outcome = r.allowDowngrade ? "succeeded" : roll < o.failRate ? "failed" : roll < o.failRate + o.lostRate ? "lost" : "succeeded";
      at(clock + between([100, 2_000]), async () => putStatus({ ...base, phase: "applying", result: "in-progress" }));
      if (outcome === "lost") {
        // Sometimes the record arrives late, after the timeout has judged the tenant.
        if (random() < 0.5) at(clock + build + 3_600_000, async () => putStatus({ ...base, phase: "finished", result: "succeeded", finishedAt: new Date(clock).toISOString() }));
        continue;
      }
      at(clock + build, async () => putStatus({ ...base, phase: "finished", result: outcome, finishedAt: new Date(clock).toISOString(), ...(outcome === "failed" ? { error: "apply failed" } : {}) }));
      // A stale in-progress rewrite landing after the outcome (a reordered delivery): must change nothing.
      if (random() < 0.05) at(clock + build + between([1, 5_000]), async () => putStatus({ ...base, phase: "applying", result: "in-progress" }));
    }
  };

  const fleet = { app: { name: app }, defaults: { region: "eu-west-1", codebuild: { computeType: "BUILD_GENERAL1_SMALL" as const, image: "x", timeoutMinutes: 60 }, tags: {} }, environments, rollout: o.policy };
  const started = await startRollout(store, { fleet, app, version: "2.0.0", requestedBy: "sim" });
  rolloutId = started.state.rolloutId;
  afterStep();
  for (const c of o.commands ?? []) {
    at(SIM_T0 + c.at, async () => {
      try {
        await requestCommand(store, app, rolloutId, c.action, "sim", "");
      } catch (err) {
        if ((err as Error).name !== "RolloutError") throw err;
      }
      afterStep();
    });
  }
  const limit = SIM_T0 + (o.limitMs ?? 7 * 86_400_000);
  let nextTick = SIM_T0 + 60_000;
  const over = async () => {
    const s = (await store.readState(app, rolloutId))?.state;
    return !s || ((s.phase === "completed" || s.phase === "halted") && !s.tenants.some((t) => t.state === "in-flight") && s.outbox.length === 0);
  };
  while (clock < limit) {
    queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const first = queue[0];
    if (first === undefined || first.at >= nextTick) {
      // The one-minute schedule. Stop once the rollout is over and nothing is left to deliver.
      if (first === undefined && (await over()) && !(o.commands ?? []).some((c) => SIM_T0 + c.at > clock)) break;
      clock = nextTick;
      nextTick += 60_000;
      await trigger();
      continue;
    }
    // Everything due at this instant runs concurrently: duplicate triggers race as real invocations do.
    const due = queue.filter((j) => j.at === first.at);
    queue.splice(0, due.length);
    clock = first.at;
    await Promise.all(due.map((j) => j.run()));
  }
  const state = (await store.readState(app, rolloutId))!.state;
  violations.push(...checkFinal(state, store));
  return { state, violations, statusEvents, steps, stepCpuUs, stepsCpuUs, virtualMs: clock - SIM_T0, store };
}
