/**
 * Every change this project makes to how cdktf synthesizes, in one place, and a switch back:
 * `FLEET_STOCK_SYNTH=1` gives cdktf 0.21.0's own behaviour (same output, byte for byte; the tests compare
 * both, and bench/synth measures both in the same run). cdktf is archived: this file is what moving to
 * another cdktf-compatible engine has to look at, and everything else uses only cdktf's public API.
 *
 * 1. `FleetStack.toTerraform`: cdktf resolves every element three times at synth: a "preparing" pass (which
 *    exists to discover cross-stack references and create their outputs and remote-state data sources),
 *    then each element, then the merged document once more. Fleet stacks never reference each other (every
 *    shared value is computed from configuration: stacks/names.ts), and once each element is resolved the
 *    merged document holds no tokens (the overrides are literals), so both extra passes only cost time: at
 *    1,000 tenants they were about half of synth. The override below is cdktf 0.21.0's own, minus the final
 *    resolve; it needs two internal modules (`cdktf/lib/_tokens`, `cdktf/lib/util`).
 * 2. `withoutTokenStackTraces`: cdktf records a complete, unlimited stack trace every time a token is created
 *    (each `resource.arn`, every Lazy value during synth), only to quote it if that token later fails to
 *    resolve; collecting and formatting those traces is one of the largest costs of synth at fleet scale.
 *    cdktf captures into a plain object (`Error.captureStackTrace({ stack: "" })`), never into an `Error`:
 *    while `fn` runs, a capture into a plain object is skipped (cdktf then records an empty trace); every
 *    `Error` keeps its full trace, so real failures still say where they come from.
 */
import { TerraformElement, TerraformOutput, TerraformStack, type App } from "cdktf";
import type { IConstruct } from "constructs";
// cdktf 0.21.0 is final (archived upstream): these internal modules cannot change under us.
import { resolve } from "cdktf/lib/_tokens";
import { deepMerge } from "cdktf/lib/util";

/** True when `FLEET_STOCK_SYNTH=1`: cdktf synthesizes exactly as it ships. */
export const stockSynth = (): boolean => process.env.FLEET_STOCK_SYNTH === "1";

/** Base of the fleet's stacks: cdktf's TerraformStack without the redundant passes (1. above). */
export class FleetStack extends TerraformStack {
  override prepareStack(): void {
    if (stockSynth()) return super.prepareStack();
    this.ensureBackendExists();
  }

  override toTerraform(): Record<string, unknown> {
    if (stockSynth()) return super.toTerraform() as Record<string, unknown>;
    const internals = this as unknown as { rawOverrides: Record<string, unknown>; cdktfVersion: string };
    const overrides = Object.keys(internals.rawOverrides);
    const metadata: Record<string, unknown> = {
      version: internals.cdktfVersion,
      stackName: this.node.id,
      backend: "local",
      cloud: undefined,
      ...(overrides.length > 0 ? { overrides: { stack: overrides } } : {}),
    };
    const elements = elementsOf(this);
    for (const e of elements) deepMerge(metadata, resolve(this, e.toMetadata()));
    const outputs: Record<string, unknown> = {};
    for (const item of elements) {
      if (!TerraformOutput.isTerraformOutput(item)) continue;
      deepMerge(
        outputs,
        item.node.path.split("/").reduceRight<Record<string, unknown>>((inner, part) => (Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner }), {}),
      );
    }
    const tf: Record<string, unknown> = { "//": { metadata, outputs } };
    for (const e of elements) deepMerge(tf, resolve(this, e.toTerraform()));
    deepMerge(tf, internals.rawOverrides);
    return tf;
  }
}

/** The stack's Terraform elements, in construct order, not descending into nested stacks (as cdktf does). */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) elementsOf(child, into);
  }
  return into;
}

type Capture = (target: object, constructorOpt?: Function) => void; // eslint-disable-line @typescript-eslint/no-unsafe-function-type

/** Runs `fn` without the token creation traces (2. above). */
export function withoutTokenStackTraces<T>(fn: () => T): T {
  if (stockSynth()) return fn();
  const holder = Error as unknown as { captureStackTrace: Capture };
  const original = holder.captureStackTrace;
  holder.captureStackTrace = function (target, constructorOpt) {
    if (target instanceof Error) original.call(Error, target, constructorOpt);
  };
  try {
    return fn();
  } finally {
    holder.captureStackTrace = original;
  }
}

/** Builds the stacks and makes the app's later `synth()` run without token traces too. */
export function buildWithoutTokenStackTraces<T>(app: App, build: () => T): T {
  const built = withoutTokenStackTraces(build);
  // Synth creates tokens too; the caller still just calls app.synth().
  const synth = app.synth.bind(app);
  app.synth = () => withoutTokenStackTraces(synth);
  return built;
}
