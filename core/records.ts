/**
 * The JSON objects of the central bucket: manifest, release and status records. One schema
 * each; the pipe writes them, the deployer and `fleet status` read them back through the same schema.
 * Reading is strict about what matters (names, versions, hashes) and ignores unknown fields, so that a
 * newer writer does not break an older reader.
 */
import { z } from "zod";
import { NAME_RE, VERSION_RE } from "./patterns";
import { isValidReleaseId } from "./version";

const Name = z.string().regex(NAME_RE);
const Version = z.string().regex(VERSION_RE, "a SemVer version without build metadata");
const ReleaseId = z.string().refine(isValidReleaseId, "a release id YYYYMMDDTHHMMSSZ-<8 hex>");
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex characters");
const IsoTime = z.iso.datetime();

export const MANIFEST_SCHEMA = "cdktf-fleet/manifest@1";
export const RELEASE_SCHEMA = "cdktf-fleet/release@1";
export const STATUS_SCHEMA = "cdktf-fleet/status@1";

const GateStep = z.enum(["passed", "skipped"]);

export const ManifestSchema = z.object({
  schema: z.literal(MANIFEST_SCHEMA),
  app: Name,
  version: Version,
  sha256: Sha256,
  size: z.number().int().positive(),
  files: z.number().int().nonnegative(),
  commit: z.string().max(64).optional(),
  buildNumber: z.string().max(32).optional(),
  branch: z.string().max(256).optional(),
  tag: z.string().max(256).optional(),
  createdAt: IsoTime,
  gate: z.object({
    lint: GateStep,
    test: GateStep,
    sonar: GateStep,
    sonarProjectKey: z.string().optional(),
    sonarAnalysisId: z.string().optional(),
    sonarDashboardUrl: z.string().optional(),
  }),
});

export const ReleaseSchema = z.object({
  schema: z.literal(RELEASE_SCHEMA),
  env: Name,
  app: Name,
  version: Version,
  artifactKey: z.string().min(1),
  artifactSha256: Sha256,
  releaseId: ReleaseId,
  requestedBy: z.string().min(1).max(256),
  reason: z.string().max(1024),
  allowDowngrade: z.boolean(),
  createdAt: IsoTime,
  /**
   * `destroy`: the environment is being decommissioned; its deployer destroys the workload of this version
   * (terraform destroy) instead of applying it. Absent means deploy, as in every release before this field.
   */
  action: z.enum(["deploy", "destroy"]).optional(),
});

/**
 * `phase` says how far the deployer got; `result` is the outcome once it stopped:
 * - in-progress: phase started/applying, not finished yet (or the build died: see finishedAt)
 * - succeeded: applied and the deployed version recorded
 * - skipped: rightly not applied (superseded, environment on hold)
 * - refused: a guard said no (checksum mismatch, downgrade, wrong environment, unsafe archive)
 * - failed: terraform or the platform failed
 */
export const StatusSchema = z.object({
  schema: z.literal(STATUS_SCHEMA),
  env: Name,
  app: Name,
  releaseId: ReleaseId,
  version: Version,
  phase: z.enum(["started", "verifying", "applying", "finished"]),
  result: z.enum(["in-progress", "succeeded", "skipped", "refused", "failed"]),
  buildId: z.string().max(256),
  startedAt: IsoTime,
  finishedAt: IsoTime.optional(),
  /** One short line, never a secret: what went wrong or why it was skipped. */
  error: z.string().max(500).optional(),
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type Release = z.infer<typeof ReleaseSchema>;
export type Status = z.infer<typeof StatusSchema>;
export type StatusResult = Status["result"];
