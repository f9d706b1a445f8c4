/**
 * The whole fleet as cdktf stacks: `central`, and per environment `tenant-<env>` and `workload-<env>`.
 * Stack ids come from names (never positions): adding or removing an environment never renames another's
 * stack. Expensive work (reading, zipping and hashing bundles; validating workload settings) happens once here
 * and is shared by all stacks.
 */
import { App, TerraformResource, type TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import type { FleetConfig } from "../core/config/schema";
import { type FleetAssets, prepareAssets } from "./assets";
import { BootstrapStack } from "./bootstrap-stack";
import { CentralStack } from "./central-stack";
import { UnknownEnvironmentError } from "./errors";
import { envFacts } from "./names";
import { TenantStack } from "./tenant-stack";
import { buildWithoutTokenStackTraces } from "./synth-patches";
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
  /** Present when fleet.yaml has `bootstrap`. */
  readonly bootstrap?: BootstrapStack;
  /** Every stack, central first (bootstrap last). */
  readonly stacks: readonly TerraformStack[];
}

export function buildFleet(app: App, config: FleetConfig, options: BuildFleetOptions = {}): Fleet {
  return buildWithoutTokenStackTraces(app, () => build(app, config, options));
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
  const bootstrap = config.bootstrap === undefined ? undefined : bootstrapStack(app, { ...config, bootstrap: config.bootstrap }, { central, tenants, workloads, assets, settings });
  return { central, tenants, workloads, ...(bootstrap ? { bootstrap } : {}), stacks: [central, ...tenants, ...workloads, ...(bootstrap ? [bootstrap] : [])] };
}

/** Terraform resource types a stack synthesizes. */
export function resourceTypesOf(stack: IConstruct): string[] {
  const types = new Set<string>();
  for (const c of stack.node.findAll()) if (TerraformResource.isTerraformResource(c)) types.add(c.terraformResourceType);
  return [...types].sort();
}

/**
 * The bootstrap roles are derived from the resource types the stacks really synthesize. Every tenant (and
 * workload) stack has the same types; with no environment selected, one stack of each is built for a probe
 * environment in a throwaway app, only to read its types.
 */
function bootstrapStack(
  app: App,
  config: FleetConfig & { readonly bootstrap: NonNullable<FleetConfig["bootstrap"]> },
  built: { central: CentralStack; tenants: readonly TenantStack[]; workloads: readonly WorkloadStack[]; assets: FleetAssets; settings: ReturnType<typeof parseWorkloadConfigs> },
): BootstrapStack {
  let tenant: IConstruct | undefined = built.tenants[0];
  let workload: IConstruct | undefined = built.workloads[0];
  if (tenant === undefined || workload === undefined) {
    const probeEnv = { name: "probe", accountId: "000000000000", region: config.defaults.region, wave: 0, config: {}, tags: {}, hold: false, file: "probe.yaml" };
    const probeApp = new App({ outdir: app.outdir, skipValidation: true });
    const facts = envFacts(config, probeEnv);
    tenant = new TenantStack(probeApp, { config, facts, assets: built.assets });
    workload = new WorkloadStack(probeApp, { config, facts, settings: parseWorkloadConfigs([probeEnv]).get("probe")!, assets: built.assets });
  }
  return new BootstrapStack(app, { config, tenantTypes: resourceTypesOf(tenant), workloadTypes: resourceTypesOf(workload), centralTypes: resourceTypesOf(built.central) });
}
