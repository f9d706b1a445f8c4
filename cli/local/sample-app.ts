/**
 * The application the local run publishes: a README, a VERSION file and the synthesized workload stacks,
 * packaged by the pipe's own function as a real release would be.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FleetConfig } from "../../core/config/schema";
import { stackDir, workloadStackId } from "../../core/stack-ids";

const SAMPLE_README = `# payments-api (sample)

The application artifact of the local run: this file, and the synthesized stacks in cdktf.out/. The
deployer applies cdktf.out/stacks/workload-<env>.
`;

/** Writes the sample app into `appDir` from the synthesized output. */
export function writeSampleApp(appDir: string, synthOut: string, config: FleetConfig): void {
  mkdirSync(appDir, { recursive: true });
  writeFileSync(join(appDir, "README.md"), SAMPLE_README);
  copyWorkloadStacks(synthOut, join(appDir, "cdktf.out"), config);
}

/**
 * The application's share of the synthesized output: cdktf's manifest, each workload stack and the assets
 * they reference. The tenant plumbing is not part of the app artifact (the SRE team deploys it), and leaving
 * it out keeps the artifact small at fleet scale.
 */
function copyWorkloadStacks(from: string, to: string, config: FleetConfig): void {
  cpSync(join(from, "manifest.json"), join(to, "manifest.json"));
  const assets = new Set<string>();
  for (const e of config.environments) {
    const stack = stackDir(workloadStackId(e.name));
    cpSync(join(from, stack), join(to, stack), { recursive: true });
    const text = readFileSync(join(from, stack, "cdk.tf.json"), "utf8");
    for (const m of text.matchAll(/\.\.\/\.\.\/assets\/([A-Za-z0-9._/-]+)/g)) if (m[1]) assets.add(m[1]);
  }
  for (const a of assets) cpSync(join(from, "assets", a), join(to, "assets", a), { recursive: true });
}
