/**
 * A rollout's stored state → the page's rollout part: per-wave counts, which wave halted and why, the policy
 * as written; and on the page.
 */
import { buildFleetStatus } from "../../core/fleet-status";
import { buildStatusPageModel } from "../../core/status-page/model";
import { renderStatusPage } from "../../core/status-page/render";
import { rolloutViewFromState, type RolloutStateLike } from "../../core/status-page/rollout-view";

const state = (over: Partial<RolloutStateLike> = {}): RolloutStateLike => ({
  rolloutId: "20261130T110000Z-0a0b0c0d",
  version: "1.4.0",
  createdAt: "2026-11-30T11:00:00.000Z",
  phase: "halted",
  haltReason: "wave 1: 2 failures, more than the tolerance of 1",
  policy: { maxConcurrent: "50%", failureTolerance: 1, failureBudget: null, bakeMinutes: 10, tenantTimeoutMinutes: 90, onFailure: "rollback" },
  waves: [{ wave: 0, doneAt: "2026-11-30T11:05:00.000Z" }, { wave: 1 }, { wave: 2 }],
  tenants: [
    { wave: 0, state: "succeeded" },
    { wave: 0, state: "skipped" },
    { wave: 1, state: "succeeded" },
    { wave: 1, state: "failed" },
    { wave: 1, state: "rolled-back" },
    { wave: 1, state: "in-flight" },
    { wave: 1, state: "pending" },
    { wave: 2, state: "pending" },
  ],
  ...over,
});

describe("rolloutViewFromState", () => {
  it("counts each wave, marks the wave it halted in with the reason, and keeps the policy as written", () => {
    const view = rolloutViewFromState(state());
    expect(view.waves).toEqual([
      { wave: 0, state: "done", total: 2, succeeded: 1, failed: 0, inProgress: 0, skipped: 1, notStarted: 0 },
      { wave: 1, state: "halted", total: 5, succeeded: 1, failed: 2, inProgress: 1, skipped: 0, notStarted: 1, haltReason: "wave 1: 2 failures, more than the tolerance of 1" },
      { wave: 2, state: "waiting", total: 1, succeeded: 0, failed: 0, inProgress: 0, skipped: 0, notStarted: 1 },
    ]);
    expect(view.policy).toEqual({ maxConcurrent: "50%", failureTolerance: 1, bakeMinutes: 10, tenantTimeoutMinutes: 90, onFailure: "rollback" });
    expect(view).toMatchObject({ id: "20261130T110000Z-0a0b0c0d", version: "1.4.0", state: "halted", haltReason: "wave 1: 2 failures, more than the tolerance of 1" });
  });

  it("a running rollout has no halt reason and its current wave is running", () => {
    const view = rolloutViewFromState(state({ phase: "running", haltReason: undefined, policy: { ...state().policy, failureBudget: "5%" } }));
    expect(view.haltReason).toBeUndefined();
    expect(view.waves.map((w) => w.state)).toEqual(["done", "running", "waiting"]);
    expect(view.policy.failureBudget).toBe("5%");
  });

  it("shows on the page: halted, the reason, the policy, the wave's progress", () => {
    const status = buildFleetStatus({ app: "shop", fleet: [], records: [], knownVersions: [] });
    const html = renderStatusPage(buildStatusPageModel({ status, fleet: [], rollout: rolloutViewFromState(state()), source: "s3://b", generatedAt: "2026-11-30T12:00:00.000Z" }));
    expect(html).toContain('<p class="halt"><strong>Halted:</strong> wave 1: 2 failures, more than the tolerance of 1</p>');
    expect(html).toContain("<div><dt>on failure</dt><dd>rollback</dd></div>");
    expect(html).toContain("<div><dt>failure budget</dt><dd>none beyond the waves'</dd></div>");
    expect(html).toContain('<th scope="row">Wave 1</th><td><span class="st s-failed"><span aria-hidden="true">✖ </span>halted</span></td><td><progress max="5" value="3"></progress> 3/5</td>');
  });
});
