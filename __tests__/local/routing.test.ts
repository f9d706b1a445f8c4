import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runLocal } from "../../cli/local/run";
import { describeWithMoto } from "../helpers/moto";
import { capture, ensureBundles, ROOT } from "./helpers";

interface TfJson {
  resource: Record<string, Record<string, { event_pattern?: string; name?: string }>>;
}

describeWithMoto("fleet local with wrong routing", () => {
  beforeAll(() => ensureBundles());

  it("fails the way AWS would: the tenant whose forwarding rule matches nothing gets nothing, and is named", async () => {
    // Prepare: break bravo's forwarding rule in the synthesized central stack (a typo in the key prefix).
    const out = capture();
    const breakBravo = (outdir: string) => {
      const file = join(outdir, "stacks", "central", "cdk.tf.json");
      const tf = JSON.parse(readFileSync(file, "utf8")) as TfJson;
      const rule = Object.values(tf.resource.aws_cloudwatch_event_rule ?? {}).find((r) => r.name === "fleet-forward-bravo")!;
      rule.event_pattern = rule.event_pattern!.replace("releases/bravo/", "releases/bravoo/");
      writeFileSync(file, JSON.stringify(tf));
    };

    // Act
    const result = await runLocal({ dir: join(ROOT, "environments"), out, afterSynth: breakBravo, waveTimeoutSeconds: 6 });

    // Assess (the run's own output explains a failure)
    if (result.ok) console.log(out.text());
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/^wave 1: bravo got nothing: no release event for releases\/bravo\/payments-api\/1\.0\.0\/\S+ reached its Lambda target/);
    expect(result.problems).toContain("stopped after wave 1: later waves were not released");
    expect(result.tenants.map((t) => [t.env, t.deployedVersion])).toEqual([
      ["alpha", "1.0.0"],
      ["bravo", "0.0.0"],
      ["charlie", "0.0.0"],
    ]);
    expect(result.buildsStarted).toBe(1);
  }, 180_000);
});
