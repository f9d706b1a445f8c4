/**
 * Properties of the rollout decision over random fleets, policies, fault patterns and event orders.
 * Two drivers: the pure decision fed random subsets of the records produced so far (duplicated, shuffled,
 * stale, late, lost), and the whole controller (bench/rollout/simulate.ts) with racing invocations.
 * Each checks every transition against the invariants (bench/rollout/invariants.ts).
 */
import fc from "fast-check";
import type { RolloutPolicy } from "../../core/config/schema";
import { acknowledge, decide, FINAL_STATES, type RolloutCommand, type RolloutState } from "../../core/rollout";
import type { Status } from "../../core/records";
import { checkTransition, type Violation } from "../../bench/rollout/invariants";
import { rng, simulate } from "../../bench/rollout/simulate";
import { MIN, T0, command, plan, record } from "./fixtures";

const spec = (max: number) => fc.oneof(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`));
const policyArb: fc.Arbitrary<RolloutPolicy> = fc.record(
  {
    maxConcurrent: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`)),
    failureTolerance: spec(3),
    failureBudget: spec(4),
    bakeMinutes: fc.constantFrom(0, 1, 5),
    tenantTimeoutMinutes: fc.constantFrom(0.5, 3, 10),
    onFailure: fc.constantFrom("halt" as const, "rollback" as const),
  },
  { requiredKeys: [] },
);
const wavesArb = fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 4 });

interface PureRun {
  readonly state: RolloutState;
  readonly violations: Violation[];
}

/** The decision alone, fed random subsets of every record produced so far, with commands at random times. */
function drivePure(start: RolloutState, seed: number, failRate: number, lostRate: number, commandAt: readonly number[]): PureRun {
  const random = rng(seed);
  const violations: Violation[] = [];
  const produced: Status[] = [];
  const judged = new Set<string>();
  const ids = new Map<string, string>();
  const commands: RolloutCommand[] = [];
  let s = start;
  let now = T0;
  for (let tick = 0; tick < 2_000; tick++) {
    now += Math.floor(random() * 40_000);
    for (const t of s.tenants) {
      if (t.state !== "in-flight" || !t.releaseId || judged.has(t.releaseId)) continue;
      if (random() < 0.5) continue;
      judged.add(t.releaseId);
      const roll = random();
      if (roll < lostRate) continue;
      produced.push(record(s, t.env, "in-progress", now), record(s, t.env, roll < lostRate + failRate ? "failed" : "succeeded", now));
    }
    // The i-th command (halt, resume, halt, …) arrives at its tick.
    while (commands.length < commandAt.length && (commandAt[commands.length] ?? 0) <= tick) commands.push(command(commands.length % 2 ? "resume" : "halt", now));
    // Any subset, in any order, with repeats: what a store read after duplicated and reordered events can give.
    const delivered = produced.filter(() => random() < 0.7).flatMap((r) => (random() < 0.2 ? [r, r] : [r]));
    delivered.sort(() => random() - 0.5);
    const d = decide(s, { records: delivered, commands }, now);
    violations.push(...checkTransition(s, d.state, now));
    for (const r of d.releases) {
      const slot = `${r.kind}/${r.env}/${r.attempt}`;
      if (ids.has(slot) && ids.get(slot) !== r.releaseId) violations.push({ rule: "one-release-per-attempt", detail: `${slot}: ${ids.get(slot)} and ${r.releaseId}` });
      ids.set(slot, r.releaseId);
    }
    s = acknowledge(d.state, d.releases.map((r) => r.releaseId));
    const quiet = !s.tenants.some((t) => t.state === "in-flight");
    if (quiet && (s.phase === "completed" || (s.phase === "halted" && commands.length >= commandAt.length))) break;
  }
  for (const t of s.tenants) if (!FINAL_STATES.includes(t.state)) violations.push({ rule: "final-state", detail: `${t.env} ended ${t.state}` });
  if (s.phase === "running") violations.push({ rule: "final-state", detail: "still running" });
  return { state: s, violations };
}

describe("Property: the rollout decision", () => {
  it("holds every invariant whatever the fleet, policy, faults and event order", () => {
    fc.assert(
      fc.property(wavesArb, policyArb, fc.integer(), fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 0.2, noNaN: true }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 3 }).map((xs) => [...xs].sort((a, b) => a - b)), (waves, policy, seed, failRate, lostRate, commandAt) => {
        const run = drivePure(plan(waves, policy), seed, failRate, lostRate, commandAt);
        expect(run.violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("never lets a halted wave hold more than tolerance + 1 failures, even with every tenant failing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 5 }), fc.integer(), (size, maxConcurrent, tolerance, seed) => {
        const run = drivePure(plan([size], { maxConcurrent, failureTolerance: tolerance }), seed, 1, 0, []);
        const failures = run.state.tenants.filter((t) => t.state === "failed").length;
        expect(failures).toBeLessThanOrEqual(tolerance + 1);
        expect(run.state.phase).toBe(size > tolerance ? "halted" : "completed");
      }),
      { numRuns: 200 },
    );
  });
});

describe("Property: the controller against the in-memory store", () => {
  it("holds every invariant with duplicated, delayed and racing invocations and halt/resume commands", async () => {
    await fc.assert(
      fc.asyncProperty(
        wavesArb,
        policyArb,
        fc.integer(),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 30 * MIN }), action: fc.constantFrom("halt" as const, "resume" as const) }), { maxLength: 3 }),
        async (waves, policy, seed, commands) => {
          const r = await simulate({ seed, waves, policy, failRate: 0.15, lostRate: 0.05, holdRate: 0.05, buildMs: [20_000, 300_000], duplicates: 2, delayMs: [0, 20_000], commands });
          expect(r.violations).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
