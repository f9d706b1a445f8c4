/**
 * The whole fleet as cdktf stacks: `central`, and per environment `tenant-<env>` and `workload-<env>`.
 * Stack ids come from names (never positions): adding or removing an environment never renames another's
 * stack. Expensive work (reading, zipping and hashing bundles; validating workload settings) happens once here
 * and is shared by all stacks.
 */
import type { App, TerraformStack } from "cdktf";
import type { FleetConfig } from "../core/config/schema";
import { type FleetAssets, prepareAssets } from "./assets";
import { CentralStack } from "./central-stack";
import { UnknownEnvironmentError } from "./errors";
import { envFacts } from "./names";
import { TenantStack } from "./tenant-stack";
import { withoutTokenStackTraces } from "./token-stacks";
import { parseWorkloadConfigs } from "./workload-config";
import { WorkloadStack } from "./workload-stack";

export interface BuildFleetOptions {
  /** Only these environments' tenant and workload stacks (central always serves every environment). */
  readonly only?: readonly string[];
  /** Bundles already prepared (tests); by default read from `dist/` and written to the app's outdir. */
  readonly assets?: FleetAssets;
}

export interface Fleet {
  readonly central: CentralStack;
  readonly tenants: readonly TenantStack[];
  readonly workloads: readonly WorkloadStack[];
  /** Every stack, central first. */
  readonly stacks: readonly TerraformStack[];
}

export function buildFleet(app: App, config: FleetConfig, options: BuildFleetOptions = {}): Fleet {
  const fleet = withoutTokenStackTraces(() => build(app, config, options));
  // Synth creates tokens too; the caller still just calls app.synth().
  const synth = app.synth.bind(app);
  app.synth = () => withoutTokenStackTraces(synth);
  return fleet;
}

function build(app: App, config: FleetConfig, options: BuildFleetOptions): Fleet {
  const known = new Set(config.environments.map((e) => e.name));
  const unknown = (options.only ?? []).filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new UnknownEnvironmentError(`unknown environment${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}; known: ${[...known].sort().join(", ")}`);
  }
  const settings = parseWorkloadConfigs(config.environments);
  const assets = options.assets ?? prepareAssets(app.outdir);
  const facts = config.environments.map((env) => envFacts(config, env));

  const central = new CentralStack(app, { config, envs: facts, controllerZip: assets.controllerZip });
  const selected = options.only === undefined ? facts : facts.filter((f) => options.only!.includes(f.name));
  const tenants: TenantStack[] = [];
  const workloads: WorkloadStack[] = [];
  for (const f of selected) {
    tenants.push(new TenantStack(app, { config, facts: f, assets }));
    workloads.push(new WorkloadStack(app, { config, facts: f, settings: settings.get(f.name)!, assets }));
  }
  return { central, tenants, workloads, stacks: [central, ...tenants, ...workloads] };
}
