/**
 * Fleet-wide names and ARNs (the contract between the stacks, the Lambda, the deployer and the CLI), derived from data only.
 * Every ARN is computed here as a plain string, never taken from a resource attribute, so that:
 *  - policies are literal JSON in the synthesized output (auditable, size-checkable at synth time, and
 *    parseable by the isolation test);
 *  - no stack references another stack's attributes (cross-account stacks must not share state).
 */
import type { Environment, FleetConfig } from "../core/config/schema";
import { releasesPrefix, statusPrefix } from "../core/keys";

export { deployedVersionParameterName } from "../core/parameters";
export { CENTRAL_STACK_ID as centralStackId, tenantStackId, workloadStackId } from "../core/stack-ids";

/** Names fixed by the contract. */
export const NAMES = {
  uploaderRole: "fleet-uploader",
  forwarderRole: "fleet-forwarder",
  inboundBus: "fleet-inbound",
  trackerRule: "fleet-assets-tracker",
  inboundDlq: "fleet-inbound-dlq",
  trackerFunction: "fleet-assets-tracker",
  trackerRole: "fleet-assets-tracker",
  trackerFailures: "fleet-assets-tracker-failures",
  trackerLogGroup: "/aws/lambda/fleet-assets-tracker",
  /**
   * Role that the SRE's `cdktf deploy` (central and tenant stacks) assumes in every account: created once per
   * account at bootstrap (README), outside these stacks, because a stack cannot create the role it deploys with.
   */
  provisionerRole: "fleet-provisioner",
  /** Role in the central account that central and tenant stacks' S3 backends assume (bootstrap). */
  stateAdminRole: "fleet-state-admin",
  /**
   * Read-only role in every tenant account for plan review and drift checks (bootstrap StackSet); trusted by
   * {@link NAMES.planReviewRole} of the central account.
   */
  planRole: "fleet-plan",
  /** Role in the central account that runs plan reviews and assumes each tenant's `fleet-plan`. */
  planReviewRole: "fleet-plan-review",
  /** The bootstrap StackSet that puts the per-account roles into every account of the fleet's OUs. */
  baselineStackSet: "fleet-account-baseline",
  /** Tag on each deployer role naming its environment; read by the bucket policy in organization mode. */
  environmentTagKey: "fleet-environment",
} as const;

export const forwardRuleName = (env: string): string => `fleet-forward-${env}`;
export const forwardDlqName = (env: string): string => `fleet-forward-dlq-${env}`;
export const deployProjectName = (env: string): string => `fleet-deploy-${env}`;
export const deployerRoleName = (env: string): string => `fleet-deployer-${env}`;
/** Role the workload stack's provider assumes (tenant account): holds the workload's permissions only. */
export const workloadRoleName = (env: string): string => `fleet-workload-${env}`;
/** Boundary every role the workload creates must carry (no privilege escalation through the deploy role). */
export const workloadBoundaryName = (env: string): string => `fleet-workload-boundary-${env}`;
/** Role in the central account that the workload's S3 backend assumes: only `workload-<env>/` state. */
export const stateRoleName = (env: string): string => `fleet-state-${env}`;
/** Tenant-owned bucket holding the deployer bundle (globally unique: account and region in the name). */
export const deployerBucketName = (accountId: string, region: string): string => `fleet-deployer-${accountId}-${region}`;

export const stateKey = (stackId: string): string => `${stackId}/terraform.tfstate`;

/** Sample workload names (stacks/workload-stack.ts). */
export const workloadFunctionName = (app: string, env: string): string => `${app}-${env}`;
export const workloadFunctionRoleName = (app: string, env: string): string => `${app}-${env}-fn`;

/** AWS partition of a region: ARNs must carry it (GovCloud and China differ from `aws`). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}

/** ARN builders; `p` is the partition. */
export const arn = {
  role: (p: string, account: string, name: string) => `arn:${p}:iam::${account}:role/${name}`,
  policy: (p: string, account: string, name: string) => `arn:${p}:iam::${account}:policy/${name}`,
  accountRoot: (p: string, account: string) => `arn:${p}:iam::${account}:root`,
  bucket: (p: string, bucket: string) => `arn:${p}:s3:::${bucket}`,
  objects: (p: string, bucket: string, keyPattern: string) => `arn:${p}:s3:::${bucket}/${keyPattern}`,
  bus: (p: string, region: string, account: string, bus: string) => `arn:${p}:events:${region}:${account}:event-bus/${bus}`,
  /** Rules on the default bus have `rule/<name>`; rules on a custom bus `rule/<bus>/<name>`. */
  rule: (p: string, region: string, account: string, name: string, bus?: string) =>
    `arn:${p}:events:${region}:${account}:rule/${bus === undefined || bus === "default" ? "" : `${bus}/`}${name}`,
  queue: (p: string, region: string, account: string, name: string) => `arn:${p}:sqs:${region}:${account}:${name}`,
  function: (p: string, region: string, account: string, name: string) => `arn:${p}:lambda:${region}:${account}:function:${name}`,
  logGroup: (p: string, region: string, account: string, name: string) => `arn:${p}:logs:${region}:${account}:log-group:${name}`,
  project: (p: string, region: string, account: string, name: string) => `arn:${p}:codebuild:${region}:${account}:project/${name}`,
  alarm: (p: string, region: string, account: string, name: string) => `arn:${p}:cloudwatch:${region}:${account}:alarm:${name}`,
  parameter: (p: string, region: string, account: string, name: string) =>
    `arn:${p}:ssm:${region}:${account}:parameter/${name.replace(/^\//, "")}`,
  oidcProvider: (p: string, account: string, hostPath: string) => `arn:${p}:iam::${account}:oidc-provider/${hostPath}`,
};

/** Everything about one environment that more than one stack needs, computed once. */
export interface EnvFacts {
  readonly env: Environment;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly deployerRoleArn: string;
  readonly busArn: string;
  /** The central rule that forwards this environment's releases. */
  readonly forwardRuleArn: string;
  readonly releasesPrefix: string;
  readonly statusPrefix: string;
}

export function envFacts(config: FleetConfig, env: Environment): EnvFacts {
  const partition = partitionOf(env.region);
  const c = config.central;
  return {
    env,
    name: env.name,
    account: env.accountId,
    region: env.region,
    partition,
    deployerRoleArn: arn.role(partition, env.accountId, deployerRoleName(env.name)),
    busArn: arn.bus(partition, env.region, env.accountId, NAMES.inboundBus),
    forwardRuleArn: arn.rule(partitionOf(c.region), c.region, c.accountId, forwardRuleName(env.name)),
    releasesPrefix: releasesPrefix(env.name),
    statusPrefix: statusPrefix(env.name),
  };
}

/** Bitbucket OIDC issuer host/path (no scheme), as IAM names the provider and its condition keys. */
export const bitbucketIssuer = (workspace: string): string => `api.bitbucket.org/2.0/workspaces/${workspace}/pipelines-config/identity/oidc`;
/** OIDC audience: the workspace UUID without braces. */
export const bitbucketAudience = (workspaceUuid: string): string => `ari:cloud:bitbucket::workspace/${workspaceUuid.replace(/[{}]/g, "")}`;
