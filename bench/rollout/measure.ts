/**
 * The rollout benchmark's measurements (run by bench/rollout/run.mjs, which bundles this file):
 * 1. CPU per status event: a 1,000-tenant rollout in virtual time through the controller step (decision +
 *    controller I/O layer) against the in-memory store; baseline in the same run: the same rollout of 30
 *    tenants (how the cost grows with the fleet).
 * 2. Controller overhead per wave: in virtual time, from the last finished status of a wave to the first
 *    release of the next, minus the bake and the event delivery delay; plus the CPU of the slowest step.
 *    Also what the in-memory store does not pay and S3 does: serializing, parsing and validating the
 *    1,000-tenant state once per read and write (the S3 store's codec), median of 20.
 * 3. Invariants on N random scenarios (fleets, policies, faults, duplicates, delays, racing controllers,
 *    halt/resume), every stored transition checked.
 * Prints one JSON object.
 */
import type { RolloutPolicy } from "../../core/config/schema";
import { RolloutStateSchema, type RolloutState } from "../../core/rollout";
import { rng, simulate, type SimOptions } from "./simulate";

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const pct = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

/** Waves as a 1,000-tenant fleet would have them: canaries, then growing rings. */
function fleetWaves(n: number): number[] {
  const shares = [0.01, 0.09, 0.3, 0.6];
  const waves = shares.slice(0, -1).map((s) => Math.max(1, Math.floor(n * s)));
  return [...waves, n - waves.reduce((a, b) => a + b, 0)];
}

const POLICY: RolloutPolicy = { maxConcurrent: 50, failureTolerance: "10%", bakeMinutes: 10, tenantTimeoutMinutes: 30, onFailure: "halt" };

function run(n: number, seed: number, extra: Partial<SimOptions> = {}): ReturnType<typeof simulate> {
  return simulate({ seed, waves: fleetWaves(n), policy: POLICY, failRate: 0.02, lostRate: 0, buildMs: [120_000, 600_000], duplicates: 2, delayMs: [0, 2_000], checkInvariants: false, ...extra });
}

/** Per wave: last finished status → next wave's first release, minus the bake (ms, virtual). */
function waveGaps(s: RolloutState): number[] {
  const gaps: number[] = [];
  for (const [w, next] of s.waves.slice(0, -1).map((w, i) => [w, s.waves.at(i + 1) ?? w] as const)) {
    const lastDone = Math.max(...s.tenants.filter((t) => t.wave === w.wave).map((t) => (t.finishedAt ? Date.parse(t.finishedAt) : -Infinity)));
    const firstStart = Math.min(...s.tenants.filter((t) => t.wave === next.wave).map((t) => (t.startedAt ? Date.parse(t.startedAt) : Infinity)));
    if (Number.isFinite(lastDone) && Number.isFinite(firstStart)) gaps.push(firstStart - lastDone - s.policy.bakeMinutes * 60_000);
  }
  return gaps;
}

async function cpuPerEvent(n: number, runs: number): Promise<{ usPerEvent: number[]; steps: number; events: number; phase: string; maxStepUs: number; p99StepUs: number }> {
  const usPerEvent: number[] = [];
  let last: Awaited<ReturnType<typeof simulate>> | undefined;
  for (let i = 0; i < runs; i++) {
    last = await run(n, 1000 + i);
    usPerEvent.push(last.stepCpuUs / last.statusEvents);
  }
  return { usPerEvent, steps: last?.steps ?? 0, events: last?.statusEvents ?? 0, phase: last?.state.phase ?? "?", maxStepUs: Math.max(...(last?.stepsCpuUs ?? [0])), p99StepUs: pct(last?.stepsCpuUs ?? [0], 0.99) };
}

/** Median ms of one write + read through the S3 store's codec (JSON out, JSON in, schema check) of `s`. */
function codecMs(s: RolloutState): { ms: number; bytes: number } {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 20; i++) {
    const t = process.hrtime.bigint();
    const text = `${JSON.stringify(s, null, 1)}\n`;
    RolloutStateSchema.parse(JSON.parse(text));
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    bytes = Buffer.byteLength(text);
  }
  return { ms: round(median(times)), bytes };
}

async function invariants(scenarios: number): Promise<{ scenarios: number; violations: number; completed: number; halted: number; first?: string }> {
  const random = rng(42);
  const pick = <T>(xs: readonly [T, ...T[]]): T => xs[Math.floor(random() * xs.length)] ?? xs[0];
  let violations = 0;
  let completed = 0;
  let halted = 0;
  let first: string | undefined;
  for (let i = 0; i < scenarios; i++) {
    const waves = Array.from({ length: 1 + Math.floor(random() * 4) }, () => Math.floor(random() * 12));
    const policy: RolloutPolicy = {
      maxConcurrent: pick([1, 2, 3, 5, 8, "20%", "50%"]),
      failureTolerance: pick([0, 1, 2, "10%", "30%"]),
      ...(random() < 0.5 ? { failureBudget: pick([0, 1, 3, "10%"]) } : {}),
      bakeMinutes: pick([0, 0, 1, 5]),
      tenantTimeoutMinutes: pick([0.5, 5, 20]),
      onFailure: pick(["halt", "rollback"] as const),
    };
    const commands = random() < 0.3 ? [{ at: Math.floor(random() * 1_800_000), action: "halt" as const }, { at: 1_800_000 + Math.floor(random() * 1_800_000), action: "resume" as const }] : [];
    const r = await simulate({ seed: i, waves, policy, failRate: random() * 0.3, lostRate: random() * 0.1, holdRate: 0.05, buildMs: [10_000, 600_000], duplicates: 3, delayMs: [0, 30_000], commands });
    if (r.violations.length > 0) {
      violations++;
      first ??= `seed ${i}: ${JSON.stringify(r.violations[0])}`;
    }
    if (r.state.phase === "completed") completed++;
    else halted++;
  }
  return { scenarios, violations, completed, halted, ...(first ? { first } : {}) };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? "5");
  const scenarios = Number(process.argv[3] ?? "10000");
  const big = await cpuPerEvent(1000, runs);
  const small = await cpuPerEvent(30, runs);
  // Overhead: no delivery delay, no clock jitter, no faults: what remains between waves is the controller's.
  const clean = await run(1000, 7, { failRate: 0, delayMs: [0, 0], clockJitterMs: 0 });
  const delayed = await run(1000, 7, { failRate: 0, delayMs: [0, 2_000], clockJitterMs: 0 });
  const t0 = process.hrtime.bigint();
  const inv = await invariants(scenarios);
  const invSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(
    `${JSON.stringify({
      node: process.version,
      cpuPerStatusEvent: {
        tenants1000: { medianMs: round(median(big.usPerEvent) / 1000), runs: big.usPerEvent.map((u) => round(u / 1000)), statusEvents: big.events, steps: big.steps, phase: big.phase, p99StepMs: round(big.p99StepUs / 1000), maxStepMs: round(big.maxStepUs / 1000) },
        baselineTenants30: { medianMs: round(median(small.usPerEvent) / 1000), runs: small.usPerEvent.map((u) => round(u / 1000)) },
        ratio1000to30: round(median(big.usPerEvent) / median(small.usPerEvent), 2),
        targetMs: 1,
      },
      overheadPerWave: {
        noDelayVirtualGapsMs: waveGaps(clean.state),
        withDelivery0to2sVirtualGapsMs: waveGaps(delayed.state),
        maxStepCpuMs: round(Math.max(...clean.stepsCpuUs) / 1000),
        s3StateCodec1000: codecMs(clean.state),
        phase: clean.state.phase,
        targetMs: 1000,
      },
      invariants: { ...inv, seconds: round(invSeconds, 1) },
    })}\n`,
  );
}

void main();
