/**
 * What every stack of the fleet carries: an S3 backend with its own key, encryption, native
 * S3 locking and an assumed role into the state account; one AWS provider that assumes a role into its target
 * account, refuses any other account, and tags everything.
 */
import { S3Backend, type TerraformStack } from "cdktf";
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

/** Base of the fleet's stacks: cdktf's own, minus passes the fleet never needs (see synth-patches.ts). */
export { FleetStack } from "./synth-patches";
