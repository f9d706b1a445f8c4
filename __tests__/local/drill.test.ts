import { join } from "node:path";
import { runLocal } from "../../cli/local/run";
import { describeWithMoto } from "../helpers/moto";
import { capture, ensureBundles, ROOT, statusTable } from "./helpers";

describeWithMoto("fleet local --drill", () => {
  beforeAll(() => ensureBundles());

  it("gives every injected fault exactly its effect, and counts the builds", async () => {
    // Prepare
    const out = capture();

    // Act
    const result = await runLocal({ dir: join(ROOT, "environments"), drill: true, out, statusTable });

    // Assess (the run's own output explains a failure)
    if (!result.ok) console.log(out.text());
    expect(result.drill?.map((f) => [f.fault, f.ok])).toEqual([
      ["duplicate delivery", true],
      ["older release after a newer one", true],
      ["tampered artifact", true],
      ["tenant on hold", true],
      ["build already running", true],
    ]);
    expect(result.tenants.map((t) => [t.env, t.deployedVersion, t.lastResult])).toEqual([
      ["alpha", "1.1.0", "succeeded"],
      ["bravo", "1.1.0", "skipped"],
      ["charlie", "0.0.0", "refused"],
    ]);
    // alpha: 1.1.0 (delivered twice, one build) + the late 1.0.0; bravo: 1.1.0 (after one refusal) + the
    // release while on hold; charlie: the tampered release.
    expect(result.buildsStarted).toBe(5);
    expect(result.ok).toBe(true);
    expect(out.text()).toMatch(/charlie\s+refused\s+1\.1\.0: checksum mismatch/);
  }, 180_000);
});
