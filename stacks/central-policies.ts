/**
 * The central account's policies as pure functions of the fleet configuration (typed data; no constructs),
 * so that their size is known at synth time and the isolation test can evaluate them.
 */
import type { FleetConfig } from "../core/config/schema";
import { STATUS_PAGE_KEY } from "../core/keys";
import { type PolicyDocument, type PolicyStatement, policy, policyJson } from "./iam";
import { type EnvFacts, NAMES, arn, bitbucketAudience, bitbucketIssuer, deployerRoleName, partitionOf, stateKey } from "./names";
import { QUOTAS, WARN_RATIO } from "./quotas";
import { QuotaError } from "./errors";

/**
 * How the bucket policy says which deployer may touch which environment's prefixes.
 * - `pinned`: one group of statements per environment naming its deployer role ARN (account + role name).
 *   Nothing to trust but the ARN; ~0.65 KB per environment, so it fits up to about 25 environments (80 % of
 *   20 KB) and S3's hard limit at about 31.
 * - `organization`: constant size. Principal `*` limited to the organization (`aws:PrincipalOrgID`), to roles
 *   named `fleet-deployer-<env>`, whose tag `fleet-environment` equals that `<env>`, and the environment in the
 *   key is the tag (`${aws:PrincipalTag/fleet-environment}`). It relies on the organization not letting a tenant
 *   account's admins create or retag `fleet-deployer-*` roles (an SCP; docs/stacks.md gives it).
 */
export type BucketPolicyMode = "pinned" | "organization";

export interface BucketPolicyChoice {
  readonly mode: BucketPolicyMode;
  readonly document: PolicyDocument;
  /** Size of the JSON S3 receives. */
  readonly bytes: number;
  /** Why this mode, when it is not the default. */
  readonly note?: string;
}

const GET = ["s3:GetObject", "s3:GetObjectVersion"];
const TAG_VAR = `\${aws:PrincipalTag/${NAMES.environmentTagKey}}`;

function commonStatements(config: FleetConfig): PolicyStatement[] {
  const p = partitionOf(config.central.region);
  const b = config.central.artifactBucket;
  const uploader = arn.role(p, config.central.accountId, NAMES.uploaderRole);
  return [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      // The one wildcard action of the fleet, and in a Deny: no request of any kind over plain HTTP.
      Action: "s3:*",
      Resource: [arn.bucket(p, b), arn.objects(p, b, "*")],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      // Artifacts and releases are immutable: a put must be conditional (If-None-Match: *), so an existing key
      // is never overwritten. CreateMultipartUpload/UploadPart cannot carry the header; s3:ObjectCreationOperation
      // exempts them (the completing request carries it). status/ is NOT listed: status records are mutable by
      // design (a deployer writes one at the start and rewrites it at the end of a deploy).
      Sid: "DenyUnconditionalPutsToImmutablePrefixes",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: [arn.objects(p, b, "artifacts/*"), arn.objects(p, b, "releases/*")],
      Condition: { Null: { "s3:if-none-match": "true" }, Bool: { "s3:ObjectCreationOperation": "true" } },
    },
    {
      Sid: "UploaderPublishes",
      Effect: "Allow",
      Principal: { AWS: uploader },
      Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"],
      Resource: [arn.objects(p, b, "artifacts/*"), arn.objects(p, b, "releases/*")],
    },
  ];
}

function pinnedStatements(config: FleetConfig, envs: readonly EnvFacts[]): PolicyStatement[] {
  const p = partitionOf(config.central.region);
  const b = config.central.artifactBucket;
  // Principal "*" narrowed by aws:PrincipalArn rather than Principal {AWS: <role ARN>}: S3 rejects a policy
  // naming a role that does not exist yet, and `central` is deployed before the tenant stacks create their
  // roles. A fixed aws:PrincipalArn keeps the policy non-public for Block Public Access.
  return envs.flatMap((e): PolicyStatement[] => {
    const who = { ArnEquals: { "aws:PrincipalArn": e.deployerRoleArn } };
    return [
      { Effect: "Allow", Principal: "*", Action: GET, Resource: [arn.objects(p, b, "artifacts/*"), arn.objects(p, b, `${e.releasesPrefix}*`)], Condition: who },
      { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: arn.bucket(p, b), Condition: { ...who, StringLike: { "s3:prefix": `${e.releasesPrefix}*` } } },
      { Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: arn.objects(p, b, `${e.statusPrefix}*`), Condition: who },
    ];
  });
}

function organizationStatements(config: FleetConfig, orgId: string): PolicyStatement[] {
  const p = partitionOf(config.central.region);
  const b = config.central.artifactBucket;
  const who = {
    StringEquals: { "aws:PrincipalOrgID": orgId },
    // Binds the tag to the role name: fleet-deployer-<env> may only carry fleet-environment=<env>.
    ArnLike: { "aws:PrincipalArn": `arn:${p}:iam::*:role/${deployerRoleName(TAG_VAR)}` },
  };
  return [
    { Sid: "DeployersReadArtifactsAndOwnReleases", Effect: "Allow", Principal: "*", Action: GET, Resource: [arn.objects(p, b, "artifacts/*"), arn.objects(p, b, `releases/${TAG_VAR}/*`)], Condition: who },
    { Sid: "DeployersListOwnReleases", Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: arn.bucket(p, b), Condition: { ...who, StringLike: { "s3:prefix": `releases/${TAG_VAR}/*` } } },
    { Sid: "DeployersWriteOwnStatus", Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: arn.objects(p, b, `status/${TAG_VAR}/*`), Condition: who },
  ];
}

export function bucketPolicyFor(config: FleetConfig, envs: readonly EnvFacts[], mode: BucketPolicyMode): PolicyDocument {
  const orgId = config.central.organizationId;
  if (mode === "organization") {
    if (orgId === undefined) throw new QuotaError("organization mode needs central.organizationId in fleet.yaml");
    return policy(...commonStatements(config), ...organizationStatements(config, orgId));
  }
  return policy(...commonStatements(config), ...pinnedStatements(config, envs));
}

/** Picks the strictest bucket policy that fits S3's 20 KB limit (with the 80 % margin when it can). */
export function chooseBucketPolicy(config: FleetConfig, envs: readonly EnvFacts[]): BucketPolicyChoice {
  const pinned = bucketPolicyFor(config, envs, "pinned");
  const pinnedBytes = Buffer.byteLength(policyJson(pinned));
  if (pinnedBytes < QUOTAS.bucketPolicyBytes * WARN_RATIO) return { mode: "pinned", document: pinned, bytes: pinnedBytes };
  if (config.central.organizationId !== undefined) {
    const org = bucketPolicyFor(config, envs, "organization");
    return {
      mode: "organization",
      document: org,
      bytes: Buffer.byteLength(policyJson(org)),
      note:
        `per-environment statements for ${envs.length} environments would take ${pinnedBytes} bytes of the 20 KB bucket policy; ` +
        `using organization mode (aws:PrincipalOrgID + role name bound to the fleet-environment tag). Its isolation relies on an SCP ` +
        `that forbids tenant admins to create or tag fleet-deployer-* roles: see docs/stacks.md.`,
    };
  }
  if (pinnedBytes <= QUOTAS.bucketPolicyBytes) return { mode: "pinned", document: pinned, bytes: pinnedBytes };
  throw new QuotaError(
    `the bucket policy of ${config.central.artifactBucket} for ${envs.length} environments would be ${pinnedBytes} bytes, over S3's 20 KB limit. ` +
      `Set central.organizationId in fleet.yaml to switch to organization mode (constant size; see docs/stacks.md).`,
  );
}

/**
 * events:PutEvents on the exact tenant bus ARNs, split into managed policies of ≤ 6,144 characters (an inline
 * policy of one role holds only 10,240 characters in total: ~140 ARNs; 1,000 need ~12 managed policies).
 */
export function forwarderPolicies(envs: readonly EnvFacts[]): PolicyDocument[] {
  const budget = QUOTAS.managedPolicyChars - 200;
  const docs: PolicyDocument[] = [];
  let current: string[] = [];
  let size = 0;
  for (const e of envs) {
    if (current.length > 0 && size + e.busArn.length + 3 > budget) {
      docs.push(forwarderDoc(current));
      current = [];
      size = 0;
    }
    current.push(e.busArn);
    size += e.busArn.length + 3;
  }
  if (current.length > 0) docs.push(forwarderDoc(current));
  return docs;
}

function forwarderDoc(busArns: readonly string[]): PolicyDocument {
  return policy({ Sid: "ForwardToTenantInboundBuses", Effect: "Allow", Action: "events:PutEvents", Resource: busArns });
}

/** The read-only role of review steps (pull requests): reads artifacts and status records, writes nothing. */
export const REVIEWER_ROLE = "fleet-reviewer";

/**
 * Trust of the uploader role: Bitbucket OIDC tokens of the workspace, from steps of the configured
 * deployment environments in the configured repositories only. A deployment step's `sub` is
 * `{repository UUID}:{environment UUID}:{step UUID}`; any other step's is `{repository UUID}:{step UUID}`,
 * which no pattern here matches, so a pull-request pipeline cannot publish or release.
 */
export function uploaderTrust(config: FleetConfig): PolicyDocument {
  const bb = config.central.bitbucket;
  return bitbucketTrust(config, bb.repositoryUuids.flatMap((repo) => bb.releaseEnvironments.map((env) => `${repo}:${env}:*`)));
}

/** Trust of Bitbucket OIDC tokens of the workspace whose `sub` matches one of the patterns. */
function bitbucketTrust(config: FleetConfig, subjects: string[]): PolicyDocument {
  const bb = config.central.bitbucket;
  const issuer = bitbucketIssuer(bb.workspace);
  return policy({
    Effect: "Allow",
    Principal: { Federated: arn.oidcProvider(partitionOf(config.central.region), config.central.accountId, issuer) },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: { [`${issuer}:aud`]: bitbucketAudience(bb.workspaceUuid) },
      StringLike: { [`${issuer}:sub`]: subjects },
    },
  });
}

/** Trust of the reviewer role: any step of the configured repositories (pull requests included). */
export function reviewerTrust(config: FleetConfig): PolicyDocument {
  return bitbucketTrust(config, config.central.bitbucket.repositoryUuids.map((u) => `${u}:*`));
}

/** What a review step may do in the central bucket: read artifacts and status records. No put, no delete. */
export function reviewerPolicy(config: FleetConfig): PolicyDocument {
  const p = partitionOf(config.central.region);
  const b = config.central.artifactBucket;
  return policy(
    { Sid: "ReadArtifactsAndStatus", Effect: "Allow", Action: GET, Resource: [arn.objects(p, b, "artifacts/*"), arn.objects(p, b, "status/*")] },
    { Sid: "ListArtifactsAndStatus", Effect: "Allow", Action: "s3:ListBucket", Resource: arn.bucket(p, b), Condition: { StringLike: { "s3:prefix": ["artifacts/*", "status/*"] } } },
  );
}

/**
 * What the pipe needs: conditional puts of artifacts and releases, HeadObject verify, abort of a failed
 * upload, and the bucket's versioning status (publish refuses a bucket without it); and for the status
 * page, reading status records and writing the one page.
 */
export function uploaderPolicy(config: FleetConfig): PolicyDocument {
  const p = partitionOf(config.central.region);
  const b = config.central.artifactBucket;
  const objects = [arn.objects(p, b, "artifacts/*"), arn.objects(p, b, "releases/*")];
  return policy(
    { Sid: "Publish", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"], Resource: objects },
    // Listing lets HeadObject on a missing key say 404 (not 403) and lets `fleet release` find existing releases;
    // status/ is listed and read for the status page the pipe makes after a release.
    { Sid: "ListPublishedPrefixes", Effect: "Allow", Action: "s3:ListBucket", Resource: arn.bucket(p, b), Condition: { StringLike: { "s3:prefix": ["artifacts/*", "releases/*", "status/*"] } } },
    { Sid: "ReadStatusRecords", Effect: "Allow", Action: "s3:GetObject", Resource: arn.objects(p, b, "status/*") },
    // Exactly the page's key: the pipe can never write a status record.
    { Sid: "PublishStatusPage", Effect: "Allow", Action: "s3:PutObject", Resource: arn.objects(p, b, STATUS_PAGE_KEY) },
    { Sid: "CheckVersioning", Effect: "Allow", Action: "s3:GetBucketVersioning", Resource: arn.bucket(p, b) },
  );
}

/**
 * Per-environment state role in the central account (the workload backend assumes it from the tenant's
 * deployer role): only `workload-<env>/terraform.tfstate` and its lock file. One role per environment keeps
 * the state bucket's policy empty of tenants (its 20 KB limit would bind as early as the artifact bucket's).
 */
export function stateRoleTrust(e: EnvFacts): PolicyDocument {
  return roleOnlyTrust(e);
}

/**
 * Trust of exactly one tenant deployer role. Written as its account plus aws:PrincipalArn (not Principal
 * {AWS: <role ARN>}) because IAM rejects a trust policy naming a role that does not exist yet, and the role is
 * created by the tenant stack, which is deployed after central.
 */
export function roleOnlyTrust(e: EnvFacts): PolicyDocument {
  return policy({
    Effect: "Allow",
    Principal: { AWS: arn.accountRoot(e.partition, e.account) },
    Action: "sts:AssumeRole",
    Condition: { ArnEquals: { "aws:PrincipalArn": e.deployerRoleArn } },
  });
}

export function stateRolePolicy(config: FleetConfig, workloadStack: string): PolicyDocument {
  const p = partitionOf(config.central.region);
  const b = config.central.stateBucket;
  const key = stateKey(workloadStack);
  return policy(
    { Sid: "State", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: arn.objects(p, b, key) },
    { Sid: "Lock", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: arn.objects(p, b, `${key}.tflock`) },
    { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: arn.bucket(p, b), Condition: { StringLike: { "s3:prefix": `${workloadStack}/*` } } },
  );
}
