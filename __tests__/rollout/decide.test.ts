/** The rollout decision, one rule at a time. */
import { acknowledge, decide, type RolloutState } from "../../core/rollout";
import { MIN, T0, command, deepFreeze, inFlight, plan, record, stateOf } from "./fixtures";

/** One decision on `records`, at `at`. */
function next(s: RolloutState, at: number, ...records: ReturnType<typeof record>[]) {
  return decide(s, { records }, at);
}

/** Succeeds every tenant in flight, at `at`. */
function succeedAll(s: RolloutState, at: number) {
  return next(s, at, ...inFlight(s).map((e) => record(s, e, "succeeded", at)));
}

describe("Function: decide", () => {
  it("starts wave 0 only, at most maxConcurrent at once, in name order", () => {
    // Prepare
    const s = plan([3, 2], { maxConcurrent: 2, failureTolerance: 5 });
    // Act
    const d = next(s, T0);
    // Assess
    expect(inFlight(d.state)).toEqual(["w0t01", "w0t02"]);
    expect(d.releases.map((r) => [r.env, r.version, r.attempt, r.allowDowngrade])).toEqual([
      ["w0t01", "2.0.0", 1, false],
      ["w0t02", "2.0.0", 1, false],
    ]);
  });

  it("starts the next wave only once every tenant of the previous one succeeded", () => {
    let s = next(plan([2, 2], { failureTolerance: 5 }), T0).state;
    s = next(s, T0 + MIN, record(s, "w0t01", "succeeded", T0 + MIN)).state;
    expect(inFlight(s)).toEqual(["w0t02"]);
    s = next(s, T0 + 2 * MIN, record(s, "w0t02", "succeeded", T0 + 2 * MIN)).state;
    expect(inFlight(s)).toEqual(["w1t01", "w1t02"]);
  });

  it("reads maxConcurrent as a percentage of the wave, never below 1", () => {
    expect(inFlight(next(plan([10], { maxConcurrent: "30%", failureTolerance: 5 }), T0).state)).toHaveLength(3);
    expect(inFlight(next(plan([3], { maxConcurrent: "10%", failureTolerance: 5 }), T0).state)).toHaveLength(1);
  });

  it("keeps in flight ≤ tolerance − failures + 1, so a halted wave holds at most tolerance + 1 failures", () => {
    let s = next(plan([6], { maxConcurrent: 5, failureTolerance: 1 }), T0).state;
    expect(inFlight(s)).toHaveLength(2);
    s = next(s, T0 + MIN, record(s, "w0t01", "failed", T0 + MIN, "boom")).state;
    // One failure: tolerance − failures + 1 = 1, and one is still in flight.
    expect(inFlight(s)).toEqual(["w0t02"]);
    const d = next(s, T0 + 2 * MIN, record(s, "w0t02", "failed", T0 + 2 * MIN, "boom"));
    expect(d.state.phase).toBe("halted");
    expect(d.state.haltReason).toBe("wave 0: 2 failures, more than its tolerance of 1");
    expect(d.state.tenants.filter((t) => t.state === "failed")).toHaveLength(2);
    expect(inFlight(d.state)).toEqual([]);
  });

  it("rounds a percentage tolerance down (10 % of 9 tenants is 0)", () => {
    const s = plan([9, 20], { failureTolerance: "10%" });
    expect(s.waves.map((w) => w.tolerance)).toEqual([0, 2]);
  });

  it("halts when the rollout's failures exceed its budget, across waves", () => {
    let s = next(plan([2, 3], { maxConcurrent: 3, failureTolerance: 1, failureBudget: 1 }), T0).state;
    s = next(s, T0 + MIN, record(s, "w0t01", "failed", T0 + MIN), record(s, "w0t02", "succeeded", T0 + MIN)).state;
    expect(s.phase).toBe("running");
    // Budget 1 with 1 failure: budget − failures + 1 = 1 in flight.
    expect(inFlight(s)).toEqual(["w1t01"]);
    const d = next(s, T0 + 2 * MIN, record(s, "w1t01", "failed", T0 + 2 * MIN));
    expect(d.state.phase).toBe("halted");
    expect(d.state.haltReason).toBe("2 failures, more than the rollout's failure budget of 1");
  });

  it("starts nothing after a halt, but still records the tenants that were in flight", () => {
    let s = next(plan([4], { maxConcurrent: 2, failureTolerance: 1 }), T0).state;
    s = decide(s, { records: [], commands: [command("halt", T0 + MIN)] }, T0 + MIN).state;
    expect(s.phase).toBe("halted");
    const d = next(s, T0 + 2 * MIN, record(s, "w0t01", "failed", T0 + 2 * MIN), record(s, "w0t02", "succeeded", T0 + 2 * MIN));
    expect([stateOf(d.state, "w0t01"), stateOf(d.state, "w0t02")]).toEqual(["failed", "succeeded"]);
    expect(inFlight(d.state)).toEqual([]);
    expect(d.state.tenants.filter((t) => t.state === "pending").map((t) => t.env)).toEqual(["w0t03", "w0t04"]);
    expect(d.releases).toEqual(s.outbox);
  });

  it("waits bakeMinutes after a wave before starting the next", () => {
    let s = next(plan([1, 1], { bakeMinutes: 10 }), T0).state;
    s = succeedAll(s, T0 + MIN).state;
    expect(inFlight(s)).toEqual([]);
    expect(next(s, T0 + 10 * MIN).changed).toBe(false);
    expect(inFlight(next(s, T0 + 11 * MIN).state)).toEqual(["w1t01"]);
  });

  it("turns silence into a failure after tenantTimeoutMinutes (fractions allowed), and ignores the late record", () => {
    let s = next(plan([1, 1], { tenantTimeoutMinutes: 0.5 }), T0).state;
    expect(next(s, T0 + 29_000).changed).toBe(false);
    const late = record(s, "w0t01", "succeeded", T0 + 40_000);
    s = next(s, T0 + 30_000).state;
    expect(stateOf(s, "w0t01")).toBe("failed");
    expect(s.tenants.at(0)?.reason).toMatch(/no finished status 0.5 minutes after its release/);
    expect(s.phase).toBe("halted");
    const d = next(s, T0 + 41_000, late);
    expect(stateOf(d.state, "w0t01")).toBe("failed");
    expect(d.changed).toBe(false);
  });

  it("onFailure rollback re-releases the last succeeded version with allowDowngrade, and resume never offers this version again", () => {
    let s = next(plan([3], { maxConcurrent: 3, failureTolerance: 0, onFailure: "rollback" }), T0).state;
    s = acknowledge(s, s.outbox.map((r) => r.releaseId));
    const d = next(s, T0 + MIN, record(s, "w0t01", "failed", T0 + MIN, "apply failed"));
    expect(stateOf(d.state, "w0t01")).toBe("rolled-back");
    expect(d.releases).toEqual([expect.objectContaining({ kind: "rollback", env: "w0t01", version: "1.0.0", allowDowngrade: true, artifactSha256: "b".repeat(64) })]);
    expect(d.state.phase).toBe("halted");
    s = acknowledge(d.state, d.releases.map((r) => r.releaseId));
    const resumed = decide(s, { records: [], commands: [command("resume", T0 + 3 * MIN)] }, T0 + 3 * MIN);
    expect(stateOf(resumed.state, "w0t01")).toBe("rolled-back");
    expect(inFlight(resumed.state)).toEqual(["w0t02"]);
    expect(resumed.releases.map((r) => [r.kind, r.env])).toEqual([["rollout", "w0t02"]]);
  });

  it("fails without a rollback when the tenant never ran a version before", () => {
    let s = next(plan([1], { onFailure: "rollback" }, { w0t01: { previous: undefined } }), T0).state;
    s = acknowledge(s, s.outbox.map((r) => r.releaseId));
    const d = next(s, T0 + MIN, record(s, "w0t01", "failed", T0 + MIN));
    expect(stateOf(d.state, "w0t01")).toBe("failed");
    expect(d.releases).toEqual([]);
  });

  it("skips held tenants and tenants pinned to another version, with the reason, and respects a pin to this version", () => {
    const s = plan([4], { failureTolerance: 3 }, { w0t01: { hold: true }, w0t02: { pin: "1.0.0" }, w0t03: { pin: "2.0.0" } });
    expect(s.tenants.map((t) => [t.env, t.state, t.reason])).toEqual([
      ["w0t01", "skipped", "on hold (hold: true): skipped"],
      ["w0t02", "skipped", "pinned to 1.0.0: skipped"],
      ["w0t03", "pending", undefined],
      ["w0t04", "pending", undefined],
    ]);
    expect(s.waves.at(0)?.size).toBe(2);
    expect(inFlight(next(s, T0).state)).toEqual(["w0t03", "w0t04"]);
  });

  it("resume retries only the failed and never-started tenants, each under a new release id", () => {
    let s = next(plan([4]), T0).state;
    s = succeedAll(s, T0 + MIN).state;
    const firstId = s.tenants.at(1)?.releaseId;
    s = next(s, T0 + 2 * MIN, record(s, "w0t02", "failed", T0 + 2 * MIN)).state;
    expect(s.phase).toBe("halted");
    const d = decide(s, { records: [], commands: [command("resume", T0 + 3 * MIN)] }, T0 + 3 * MIN);
    expect([d.state.phase, d.state.epoch]).toEqual(["running", 1]);
    expect(inFlight(d.state)).toEqual(["w0t02"]);
    const retried = d.state.tenants.find((t) => t.env === "w0t02");
    expect([retried?.attempt, retried?.releaseId === firstId]).toEqual([2, false]);
    expect(stateOf(d.state, "w0t01")).toBe("succeeded");
    expect(inFlight(succeedAll(d.state, T0 + 4 * MIN).state)).toEqual(["w0t03"]);
  });

  it("applies a halt command once, and ignores a resume of a running rollout", () => {
    const s = next(plan([4], { maxConcurrent: 1 }), T0).state;
    const halt = command("halt", T0 + MIN);
    const d = decide(s, { records: [], commands: [halt] }, T0 + MIN);
    expect([d.state.phase, d.state.haltReason]).toEqual(["halted", "halted by ops"]);
    const again = decide(d.state, { records: [], commands: [halt] }, T0 + 2 * MIN);
    expect(again.changed).toBe(false);
    const ignored = decide(s, { records: [], commands: [command("resume", T0 + MIN)] }, T0 + MIN);
    expect(ignored.log).toEqual(["resume by ops ignored: the rollout is running"]);
  });

  it("is unmoved by duplicates, an in-progress record after the finished one, and records of other releases", () => {
    let s = next(plan([2], { maxConcurrent: 1 }), T0).state;
    const done = record(s, "w0t01", "succeeded", T0 + MIN);
    const stale = record(s, "w0t01", "in-progress", T0 + MIN);
    const other = { ...done, env: "w0t02" };
    const wrongVersion = { ...record(s, "w0t01", "failed", T0 + MIN), version: "9.9.9" };
    s = decide(s, { records: [stale, done, done, other, wrongVersion] }, T0 + MIN).state;
    expect([stateOf(s, "w0t01"), stateOf(s, "w0t02")]).toEqual(["succeeded", "in-flight"]);
    const d = decide(s, { records: [done, stale] }, T0 + MIN);
    expect(d.changed).toBe(false);
  });

  it("treats refused like failed, and a deployer's skip as final without a failure", () => {
    let s = next(plan([2], { maxConcurrent: 2, failureTolerance: 1 }), T0).state;
    s = next(s, T0 + MIN, record(s, "w0t01", "refused", T0 + MIN, "checksum mismatch"), record(s, "w0t02", "skipped", T0 + MIN, "on hold")).state;
    expect([stateOf(s, "w0t01"), stateOf(s, "w0t02"), s.phase]).toEqual(["failed", "skipped", "completed"]);
    expect(s.tenants.at(0)?.reason).toBe("refused: checksum mismatch");
  });

  it("never mutates its input, and derives the same release ids from the same inputs", () => {
    const s = deepFreeze(plan([5], { maxConcurrent: 3, failureTolerance: 2 }));
    const a = decide(s, { records: [] }, T0);
    const b = decide(s, { records: [] }, T0);
    expect(a.releases.map((r) => r.releaseId)).toEqual(b.releases.map((r) => r.releaseId));
    expect(new Set(a.releases.map((r) => r.releaseId)).size).toBe(3);
  });

  it("completes when every tenant that takes part is final, and a rollout of nobody completes at once", () => {
    let s = next(plan([1]), T0).state;
    s = succeedAll(s, T0 + MIN).state;
    expect(s.phase).toBe("completed");
    expect(plan([2], {}, { w0t01: { hold: true }, w0t02: { hold: true } }).phase).toBe("completed");
  });
});

describe("Function: acknowledge", () => {
  it("removes stored releases from the outbox and keeps the others", () => {
    const s = next(plan([3], { maxConcurrent: 3 }), T0).state;
    const [first, ...rest] = s.outbox;
    const acked = acknowledge(s, [first?.releaseId ?? ""]);
    expect(acked.outbox).toEqual(rest);
    expect(acknowledge(acked, ["20260101T000000Z-00000000"])).toBe(acked);
  });
});
