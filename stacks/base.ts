/**
 * What every stack of the fleet carries: an S3 backend with its own key, encryption, native
 * S3 locking and an assumed role into the state account; one AWS provider that assumes a role into its target
 * account, refuses any other account, and tags everything.
 */
import { S3Backend, TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
// cdktf 0.21.0 is final (discontinued upstream): these internal modules cannot change under us.
import { resolve } from "cdktf/lib/_tokens";
import { deepMerge } from "cdktf/lib/util";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { FleetConfig } from "../core/config/schema";
import { arn, partitionOf, stateKey } from "./names";

/** Native S3 locking (`use_lockfile`) needs Terraform 1.10; 1.11 deprecates the DynamoDB lock. */
export const REQUIRED_TERRAFORM = ">= 1.11";

export interface StackTarget {
  readonly account: string;
  readonly region: string;
  /** Role assumed in `account` by the provider. */
  readonly roleName: string;
  /** `environment` tag value: the environment name, or `central`. */
  readonly environment: string;
  /** Extra tags (defaults.tags, then env.tags). */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface BackendTarget {
  /** Role assumed in the central account by the backend. */
  readonly roleName: string;
}

/** Adds backend, provider and required_version to `stack`; returns the provider. */
export function configureStack(stack: TerraformStack, stackId: string, config: FleetConfig, target: StackTarget, backend: BackendTarget): AwsProvider {
  const c = config.central;
  new S3Backend(stack, {
    bucket: c.stateBucket,
    key: stateKey(stackId),
    region: c.region,
    encrypt: true,
    // The state account is the central account for every stack; the backend refuses any other.
    allowedAccountIds: [c.accountId],
    assumeRole: { roleArn: arn.role(partitionOf(c.region), c.accountId, backend.roleName), sessionName: `fleet-state-${stackId}`.slice(0, 64) },
  });
  // cdktf 0.21's S3BackendConfig has no `useLockfile`: set it through the override.
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
  stack.addOverride("terraform.required_version", REQUIRED_TERRAFORM);

  return new AwsProvider(stack, "aws", {
    region: target.region,
    assumeRole: [{ roleArn: arn.role(partitionOf(target.region), target.account, target.roleName), sessionName: `fleet-${stackId}`.slice(0, 64) }],
    allowedAccountIds: [target.account],
    defaultTags: [
      {
        // The fleet's own keys come last: a user tag must not relabel which environment a resource belongs to.
        tags: { ...config.defaults.tags, ...target.tags, fleet: config.app.name, environment: target.environment, "managed-by": "cdktf-fleet" },
      },
    ],
  });
}

/**
 * Base of the fleet's stacks. cdktf resolves every element three times at synth: a "preparing" pass (which
 * exists to discover cross-stack references and create their outputs and remote-state data sources), then
 * each element, then the merged document once more. Fleet stacks never reference each other (every shared
 * value is computed from configuration: stacks/names.ts), and once each element is resolved the merged
 * document holds no tokens (the overrides are literals), so both extra passes can only cost time: at 1,000
 * tenants they were about half of synth (docs/stacks.md). `toTerraform` below is cdktf 0.21.0's own, minus
 * the final resolve; the tests compare it with the original for every stack of the sample fleet, and guard
 * that no cross-stack references appear.
 */
export class FleetStack extends TerraformStack {
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  override toTerraform(): Record<string, unknown> {
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
