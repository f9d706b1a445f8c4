import { join } from "node:path";
import { runLocal } from "../../cli/local/run";
import { describeWithMoto } from "../helpers/moto";
import { capture, ensureBundles, ROOT, statusTable } from "./helpers";

describeWithMoto("fleet local (the whole chain on moto)", () => {
  beforeAll(() => ensureBundles());

  it("deploys the sample fleet wave by wave: every tenant on the released version, one build each", async () => {
    // Prepare
    const out = capture();

    // Act
    const result = await runLocal({ dir: join(ROOT, "environments"), out, statusTable });

    // Assess (the run's own output explains a failure)
    if (!result.ok) console.log(out.text());
    const text = out.text();
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.tenants.map((t) => [t.env, t.deployedVersion, t.lastResult])).toEqual([
      ["alpha", "1.0.0", "succeeded"],
      ["bravo", "1.0.0", "succeeded"],
      ["charlie", "1.0.0", "succeeded"],
    ]);
    expect(result.buildsStarted).toBe(3);
    expect(result.builds.map((b) => b.buildStatus)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    expect(text).toContain("moto cannot run Lambda functions: tenant rule → queue → bundled handler");
    expect(text).toMatch(/apply step: (terraform \S+ found|terraform is not on PATH)/);
    expect(text).toMatch(/alpha\s+build started\s+fleet-deploy-alpha:/);
    // The status table: waves in order, each tenant on 1.0.0, no lag.
    expect(text).toMatch(/alpha\s+0\s+1\.0\.0\s+\S+\s+1\.0\.0\s+succeeded/);
    expect(text).toMatch(/charlie\s+2\s+1\.0\.0\s+\S+\s+1\.0\.0\s+succeeded/);
    // Waves run in order: wave 1 is released only after alpha deployed.
    expect(text.indexOf("alpha    deployed 1.0.0")).toBeLessThan(text.indexOf("wave 1: releasing"));
  }, 180_000);
});
