/** What `fleet rollback` releases where. */
import { STATUS_SCHEMA, type Status } from "../../core/records";
import { failedEnvironments, rollbackVersion } from "../../core/rollout/rollback-plan";
import { formatReleaseId } from "../../core/version";

let n = 0;
function rec(env: string, version: string, result: Status["result"]): Status {
  n++;
  const at = new Date(Date.UTC(2026, 10, 30, 10, n));
  return { schema: STATUS_SCHEMA, env, app: "shop", releaseId: formatReleaseId(at, "00000"), version, phase: "finished", result, buildId: "b", startedAt: at.toISOString(), finishedAt: at.toISOString() };
}

describe("Function: rollbackVersion", () => {
  it("after a failed release, goes back to the version that last succeeded", () => {
    expect(rollbackVersion("a", [rec("a", "1.0.0", "succeeded"), rec("a", "1.1.0", "succeeded"), rec("a", "1.2.0", "failed")], undefined)).toEqual({ env: "a", version: "1.1.0" });
  });

  it("after a successful release, goes back to the succeeded version before it, whatever the order given", () => {
    const records = [rec("a", "1.0.0", "succeeded"), rec("a", "1.1.0", "succeeded"), rec("a", "1.1.0", "succeeded")];
    expect(rollbackVersion("a", [...records].reverse(), undefined)).toEqual({ env: "a", version: "1.0.0" });
  });

  it("says why when there is nothing to go back to, and --version overrides", () => {
    expect(rollbackVersion("a", [rec("a", "1.0.0", "failed")], undefined).problem).toBe("a has no succeeded deploy to go back to; give --version");
    expect(rollbackVersion("a", [rec("a", "1.0.0", "succeeded")], undefined).problem).toBe("a ran no version before 1.0.0; give --version");
    expect(rollbackVersion("a", [], "0.9.0")).toEqual({ env: "a", version: "0.9.0" });
  });
});

describe("Function: failedEnvironments", () => {
  it("lists environments whose newest record failed or was refused, not those that recovered", () => {
    const records = new Map([
      ["a", [rec("a", "1.0.0", "succeeded"), rec("a", "1.1.0", "failed")]],
      ["b", [rec("b", "1.1.0", "failed"), rec("b", "1.1.0", "succeeded")]],
      ["c", [rec("c", "1.1.0", "refused")]],
    ]);
    expect(failedEnvironments(records)).toEqual(["a", "c"]);
  });
});
