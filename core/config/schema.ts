/**
 * The one schema of each configuration file (docs/configuration.md). Types are inferred from these schemas and the
 * editor JSON Schema (`fleet schema`) is generated from them, so the three cannot disagree.
 * Objects are strict: an unknown key is a typo that must not pass silently.
 */
import { z } from "zod";
// ---- health (per-environment alarms and bake): core/health.ts owns the shape ----
import { HealthSchema } from "../health";
// ---- end health ----
import { ACCOUNT_ID_RE, BITBUCKET_UUID_RE, BUCKET_RE, NAME_RE, ORG_ID_RE, REGION_RE, VERSION_RE } from "../patterns";

const name = (what: string) =>
  z.string().regex(NAME_RE, `${what} must match ${NAME_RE.source} (lower-case letters, digits and inner dashes, 2-40 characters)`);

export const AccountIdSchema = z
  .string()
  .regex(ACCOUNT_ID_RE, "an AWS account id is exactly 12 digits, written as a quoted string")
  .meta({ description: "12-digit AWS account id, quoted: '012345678901'" });

export const RegionSchema = z.string().regex(REGION_RE, "an AWS region name such as eu-west-1").meta({ description: "AWS region, e.g. eu-west-1" });

const BucketSchema = z.string().regex(BUCKET_RE, "an S3 bucket name: 3-63 lower-case letters, digits and dashes");

// --- Tags: what AWS accepts ------------------------------------------------------------------------
/** At most this many tags on one resource, counting fleet defaults, the environment's and the fleet's own. */
export const MAX_TAGS_PER_RESOURCE = 50;
/** Tags the fleet puts on every resource itself (provider default_tags). */
export const FLEET_TAG_KEYS = ["fleet", "environment", "managed-by"] as const;
const TAG_CHARS_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Tag keys and values as AWS accepts them (keys 1-128, values ≤ 256 characters; no `aws:` prefix). */
export const TagsSchema = z
  .record(
    z
      .string()
      .min(1, "a tag key has 1 to 128 characters")
      .max(128, "a tag key has 1 to 128 characters")
      .regex(TAG_CHARS_RE, "a tag key of letters, digits, spaces and _.:/=+-@")
      .refine((k) => !k.toLowerCase().startsWith("aws:"), "tag keys starting with aws: are reserved for AWS; choose another prefix")
      .refine((k) => !(FLEET_TAG_KEYS as readonly string[]).includes(k), `the fleet sets the tags ${FLEET_TAG_KEYS.join(", ")} itself; choose another key`),
    z.string().max(256, "a tag value has at most 256 characters").regex(TAG_CHARS_RE, "a tag value of letters, digits, spaces and _.:/=+-@"),
  )
  .meta({ description: "Tags applied to every resource (merged over fleet defaults); at most 50 per resource in all" });
// --- end of tags -------------------------------------------------------------------------------------

// --- Who may release: the Bitbucket deployment environments of the release path ------------------------
/**
 * Bitbucket deployment environments (by UUID) whose steps may publish and release. A deployment step's
 * OIDC token carries its environment's UUID in `sub`; the uploader role trusts those tokens only, so a
 * pull-request pipeline or any other step of the repository cannot release. Which branches may run a
 * deployment environment is set on the environment in Bitbucket (deployment permissions).
 */
export const ReleaseEnvironmentsSchema = z
  .array(z.string().regex(BITBUCKET_UUID_RE, "a Bitbucket deployment environment UUID in braces, e.g. {3c9a7e21-5d4b-4f6a-8b2c-1e0d9f8a7b6c}"))
  .min(1, "at least one deployment environment: the steps that publish and release (Repository settings → Deployments; the UUID is BITBUCKET_DEPLOYMENT_ENVIRONMENT_UUID in the step)")
  .meta({ description: "UUIDs of the Bitbucket deployment environments whose steps may publish and release (the uploader role trusts only them)" });
// --- end of release environments -----------------------------------------------------------------------

export const CodeBuildDefaultsSchema = z.strictObject({
  computeType: z
    .enum(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"])
    .default("BUILD_GENERAL1_SMALL"),
  image: z.string().min(1).default("aws/codebuild/amazonlinux-x86_64-standard:5.0"),
  timeoutMinutes: z.number().int().min(5).max(2160).default(60),
});

// --- Rollout policy (fleet.yaml `rollout:`) ----------------------------------------------------------------
// Every field is optional; core/rollout/policy.ts applies the defaults named in the descriptions.

/** A whole number, or a percentage written as text ("25%"). */
const PERCENT_RE = /^(100|[1-9]?[0-9])%$/;
const countOrPercent = (min: number) => {
  // The same words whichever branch zod reports (a number that is too small, text that is not a percentage).
  const allowed = `a whole number ≥ ${min}, or a percentage from 0% to 100% written in quotes, such as "25%"`;
  return z.union([z.number().int(allowed).min(min, allowed), z.string().regex(PERCENT_RE, allowed)], { error: allowed });
};

export const RolloutPolicySchema = z
  .strictObject({
    maxConcurrent: countOrPercent(1)
      .optional()
      .meta({ description: 'Tenants of a wave in flight at once: a count, or "N%" of the wave (at least 1). Default 10' }),
    failureTolerance: countOrPercent(0)
      .optional()
      .meta({ description: 'Failures allowed per wave before the rollout halts: a count, or "N%" of the wave, rounded down. Default 0' }),
    failureBudget: countOrPercent(0)
      .optional()
      .meta({ description: 'Failures allowed over the whole rollout: a count, or "N%" of its tenants, rounded down. Default: no budget beyond the waves\' tolerance' }),
    bakeMinutes: z.number().min(0, "bakeMinutes is a number of minutes ≥ 0").max(10_080, "bakeMinutes is at most 10080 (one week)").optional().meta({ description: "Minutes to wait after a wave before the next starts. Default 0" }),
    tenantTimeoutMinutes: z
      .number()
      .positive("tenantTimeoutMinutes is a number of minutes > 0 (fractions allowed)")
      .max(2_880, "tenantTimeoutMinutes is at most 2880 (two days)")
      .optional()
      .meta({ description: "A tenant without a finished status this many minutes after its release counts as failed (fractions allowed). Default: the CodeBuild timeout plus 30" }),
    onFailure: z.enum(["halt", "rollback"]).optional().meta({ description: "halt: stop starting tenants. rollback: also re-release the failed tenant's last succeeded version. Default halt" }),
  })
  .meta({ description: "How a rollout moves through the waves" });

export type RolloutPolicy = z.infer<typeof RolloutPolicySchema>;
// --- end of rollout policy ---------------------------------------------------------------------------------

// --- Bootstrap (tenant lifecycle) ------------------------------------------------------------------------------
// Kept in its own block: the `bootstrap` stack's settings. Optional: without it, no bootstrap stack is built and
// the accounts' roles and the state bucket are expected to exist already.
const OU_ID_RE = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const PRINCIPAL_ARN_RE = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|(role|user|assumed-role)\/[\w+=,.@/*-]+)$/;

export const BootstrapSchema = z
  .strictObject({
    accountId: AccountIdSchema.meta({ description: "Management or delegated-admin account that owns the StackSet" }),
    organizationalUnitIds: z
      .array(z.string().regex(OU_ID_RE, "an Organizations OU id such as ou-ab12-cdef3456, or a root id such as r-ab12"))
      .min(1, "at least one organizational unit: the StackSet deploys to the accounts in it"),
    operatorPrincipalArn: z
      .string()
      .regex(PRINCIPAL_ARN_RE, "an IAM principal ARN such as arn:aws:iam::123456789012:role/platform-admins (a * may stand for a changing part)")
      .meta({ description: "Who may assume fleet-provisioner in every account (the SRE team's role)" }),
    callAs: z.enum(["SELF", "DELEGATED_ADMIN"]).default("SELF").meta({ description: "SELF from the management account, DELEGATED_ADMIN from a delegated administrator" }),
    centralAccessRoleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, "an IAM role name")
      .default("OrganizationAccountAccessRole")
      .meta({ description: "Role the bootstrap stack assumes in the central account (unless it is the bootstrap account itself)" }),
  })
  .meta({ description: "Bootstrap of every account: the StackSet with the per-account roles, the state bucket and its roles" });
// --- end of bootstrap block -------------------------------------------------------------------------------------

export const FleetFileSchema = z
  .strictObject({
    central: z.strictObject({
      accountId: AccountIdSchema,
      region: RegionSchema,
      artifactBucket: BucketSchema.meta({ description: "Central bucket for artifacts, releases and status records" }),
      stateBucket: BucketSchema.meta({ description: "Terraform state bucket (S3 backend with use_lockfile)" }),
      organizationId: z.string().regex(ORG_ID_RE, "an AWS Organizations id such as o-abc123def4").optional(),
      bitbucket: z.strictObject({
        workspace: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "a Bitbucket workspace slug"),
        workspaceUuid: z.string().regex(BITBUCKET_UUID_RE, "a Bitbucket UUID in braces, e.g. {0f6e2a9c-1b77-4c3e-9d11-5b1c2f0e7a1d}"),
        repositoryUuids: z
          .array(z.string().regex(BITBUCKET_UUID_RE, "a Bitbucket UUID in braces, e.g. {0f6e2a9c-1b77-4c3e-9d11-5b1c2f0e7a1d}"))
          .min(1, "at least one repository may publish"),
        releaseEnvironments: ReleaseEnvironmentsSchema,
      }),
    }),
    app: z.strictObject({ name: name("app.name") }),
    // Bootstrap block (see above): optional, its own key.
    bootstrap: BootstrapSchema.optional(),
    defaults: z
      .strictObject({
        region: RegionSchema,
        codebuild: CodeBuildDefaultsSchema.default({
          computeType: "BUILD_GENERAL1_SMALL",
          image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
          timeoutMinutes: 60,
        }),
        tags: TagsSchema.default({}),
      }),
    rollout: RolloutPolicySchema.optional(),
  })
  .meta({ title: "cdktf-fleet fleet.yaml", description: "Central settings and defaults of the fleet" });

/** JSON value, for the free-form `config` of an environment. */
const JsonValue: z.ZodType<unknown> = z
  .lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]))
  // The id names its definition in the generated JSON Schema (instead of `__schema0`).
  .meta({ id: "JsonValue", description: "Any YAML value: text, number, boolean, null, list or mapping" });

export const EnvironmentFileSchema = z
  .strictObject({
    name: name("name").meta({ description: "Environment name; must equal the file name without .yaml" }),
    accountId: AccountIdSchema,
    region: RegionSchema.optional().meta({ description: "AWS region; defaults to fleet.yaml defaults.region" }),
    wave: z.number().int().min(0, "wave is a whole number ≥ 0").meta({ description: "Release wave: 0 is released first" }),
    config: z.record(z.string(), JsonValue).default({}).meta({ description: "Free-form settings for the workload stack" }),
    tags: TagsSchema.default({}),
    hold: z.boolean().default(false).meta({ description: "true: no new releases reach this environment" }),
    pin: z.string().regex(VERSION_RE, "a SemVer version without build metadata, e.g. 1.4.2").optional().meta({ description: "Only this version may be released here" }),
    // ---- health: alarms the deployer watches after each apply, and for how long ----
    health: HealthSchema.optional(),
    // ---- end health ----
  })
  .meta({ title: "cdktf-fleet environment", description: "One tenant environment in its own AWS account" });

export type FleetFile = z.infer<typeof FleetFileSchema>;
export type EnvironmentFile = z.infer<typeof EnvironmentFileSchema>;

/** A validated environment with the fleet defaults applied. */
export type Environment = Omit<EnvironmentFile, "region"> & {
  readonly region: string;
  /** Path of the file it came from, for messages. */
  readonly file: string;
};

/** The whole validated fleet: what stacks and commands consume. Environments are sorted by name. */
export interface FleetConfig {
  readonly central: FleetFile["central"];
  readonly app: FleetFile["app"];
  readonly defaults: FleetFile["defaults"];
  /** The `rollout:` policy as written (defaults applied by core/rollout/policy.ts). */
  readonly rollout?: RolloutPolicy;
  readonly bootstrap?: FleetFile["bootstrap"];
  readonly environments: readonly Environment[];
}
