/**
 * Synthesizes the fleet for the local run into a directory of its own, with the same code as `fleet synth`
 * (config loader + stacks), so that what is provisioned locally is exactly what would be deployed.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import type { FleetConfig } from "../../core/config/schema";
import { CENTRAL_STACK_ID, stackDir, tenantStackId, workloadStackId } from "../../core/stack-ids";
import { buildFleet } from "../../stacks/fleet";
import { loadFleet } from "../../core/config/loader";

export interface Synthesized {
  readonly config: FleetConfig;
  readonly outdir: string;
  /** `<outdir>/stacks/<id>/cdk.tf.json` of central and every tenant stack. */
  readonly plumbing: readonly { id: string; file: string }[];
  /** `<outdir>/stacks/workload-<env>/…` per environment. */
  readonly workloadDirs: Readonly<Record<string, string>>;
}

export function synthesizeFleet(dir: string, outdir: string): Synthesized {
  const config = loadFleet(dir);
  const app = new App({ outdir, skipValidation: false });
  buildFleet(app, config);
  app.synth();
  const stackFile = (id: string) => join(outdir, "stacks", id, "cdk.tf.json");
  const ids = [CENTRAL_STACK_ID, ...config.environments.map((e) => tenantStackId(e.name))];
  for (const id of ids) if (!existsSync(stackFile(id))) throw new Error(`synthesis wrote no ${stackFile(id)}`);
  return {
    config,
    outdir,
    plumbing: ids.map((id) => ({ id, file: stackFile(id) })),
    workloadDirs: Object.fromEntries(config.environments.map((e) => [e.name, join(outdir, stackDir(workloadStackId(e.name)))])),
  };
}
