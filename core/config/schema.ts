/**
 * The one schema of each configuration file (DESIGN.md §3). Types are inferred from these schemas and the
 * editor JSON Schema (`fleet schema`) is generated from them, so the three cannot disagree.
 * Objects are strict: an unknown key is a typo that must not pass silently.
 */
import { z } from "zod";
import { ACCOUNT_ID_RE, BITBUCKET_UUID_RE, BUCKET_RE, NAME_RE, ORG_ID_RE, REGION_RE, VERSION_RE } from "../patterns";

const name = (what: string) =>
  z.string().regex(NAME_RE, `${what} must match ${NAME_RE.source} (lower-case letters, digits and inner dashes, 2-40 characters)`);

export const AccountIdSchema = z
  .string()
  .regex(ACCOUNT_ID_RE, "an AWS account id is exactly 12 digits, written as a quoted string")
  .meta({ description: "12-digit AWS account id, quoted: '012345678901'" });

export const RegionSchema = z.string().regex(REGION_RE, "an AWS region name such as eu-west-1").meta({ description: "AWS region, e.g. eu-west-1" });

const BucketSchema = z.string().regex(BUCKET_RE, "an S3 bucket name: 3-63 lower-case letters, digits and dashes");

/** Tag keys and values as AWS accepts them (keys ≤ 128, values ≤ 256 characters). */
export const TagsSchema = z
  .record(z.string().min(1).max(128).regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, "a tag key of letters, digits, spaces and _.:/=+-@"), z.string().max(256))
  .meta({ description: "Tags applied to every resource (merged over fleet defaults)" });

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
      }),
    }),
    app: z.strictObject({ name: name("app.name") }),
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
  readonly environments: readonly Environment[];
}
