/**
 * The rollout's stored shapes: its state object, the intents of releases still to be written, and the
 * halt/resume command objects. One zod schema each, read back through the same schema (the state lives
 * in the central bucket and could be damaged or written by another version of the controller).
 */
import { z } from "zod";
import { NAME_RE, VERSION_RE } from "../patterns";
import { isValidReleaseId } from "../version";

const Name = z.string().regex(NAME_RE);
const Version = z.string().regex(VERSION_RE);
const Id = z.string().refine(isValidReleaseId, "an id YYYYMMDDTHHMMSSZ-<8 hex>");
const IsoTime = z.iso.datetime();
const Spec = z.union([z.number().int().min(0), z.string().regex(/^\d{1,3}%$/)]);

export const ROLLOUT_SCHEMA = "cdktf-fleet/rollout@1";
export const COMMAND_SCHEMA = "cdktf-fleet/rollout-command@1";

/**
 * Where one tenant stands in this rollout:
 * - pending: not started in this attempt (never started, or failed and resumed); "not-started" in reports
 * - in-flight: its release is written (or about to be), no finished status yet
 * - succeeded / failed: its deployer said so (failed also: refused, or silent past the timeout)
 * - rolled-back: failed, and its last succeeded version was released again; never offered this version again
 * - skipped: on hold, pinned to another version, already running this version, or skipped by its deployer
 */
export const TenantStateSchema = z.enum(["pending", "in-flight", "succeeded", "failed", "rolled-back", "skipped"]);
export type TenantState = z.infer<typeof TenantStateSchema>;

export const PreviousSchema = z.object({ version: Version, sha256: z.string().regex(/^[0-9a-f]{64}$/) });

export const TenantSchema = z.object({
  env: Name,
  wave: z.number().int().min(0),
  state: TenantStateSchema,
  /** Releases of this version written to this tenant by this rollout (attempt n has one release id). */
  attempt: z.number().int().min(0),
  releaseId: Id.optional(),
  startedAt: IsoTime.optional(),
  finishedAt: IsoTime.optional(),
  /** The resume generation in which it failed: only failures of the current generation count. */
  failedEpoch: z.number().int().min(0).optional(),
  /** Why it failed or was skipped; one line, from the status record or the controller. */
  reason: z.string().max(600).optional(),
  /** Its last succeeded version before this rollout (what a rollback releases again). */
  previous: PreviousSchema.optional(),
  rollback: z.object({ version: Version, releaseId: Id, result: z.enum(["in-progress", "succeeded", "skipped", "refused", "failed"]).optional() }).optional(),
});
export type Tenant = z.infer<typeof TenantSchema>;

export const WaveSchema = z.object({
  wave: z.number().int().min(0),
  /** Tenants taking part (not skipped at the start). */
  size: z.number().int().min(0),
  maxConcurrent: z.number().int().min(1),
  tolerance: z.number().int().min(0),
  /** When every tenant of the wave reached a final state; the next wave waits until this plus the bake. */
  doneAt: IsoTime.optional(),
});
export type Wave = z.infer<typeof WaveSchema>;

/** A release the controller must write (If-None-Match: *) before it may forget it. */
export const ReleaseIntentSchema = z.object({
  kind: z.enum(["rollout", "rollback"]),
  env: Name,
  version: Version,
  artifactSha256: z.string().regex(/^[0-9a-f]{64}$/),
  releaseId: Id,
  attempt: z.number().int().min(1),
  allowDowngrade: z.boolean(),
  reason: z.string().max(1024),
  createdAt: IsoTime,
});
export type ReleaseIntent = z.infer<typeof ReleaseIntentSchema>;

export const RolloutStateSchema = z.object({
  schema: z.literal(ROLLOUT_SCHEMA),
  rolloutId: Id,
  app: Name,
  version: Version,
  artifactSha256: z.string().regex(/^[0-9a-f]{64}$/),
  requestedBy: z.string().min(1).max(256),
  reason: z.string().max(1024),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** Bumped on every stored change. */
  revision: z.number().int().min(0),
  policy: z.object({
    maxConcurrent: Spec,
    failureTolerance: Spec,
    failureBudget: Spec.nullable(),
    bakeMinutes: z.number().min(0),
    tenantTimeoutMinutes: z.number().positive(),
    onFailure: z.enum(["halt", "rollback"]),
  }),
  phase: z.enum(["running", "halted", "completed"]),
  haltReason: z.string().max(1024).optional(),
  haltedAt: IsoTime.optional(),
  /** Resume generation: 0 at the start, +1 per resume. */
  epoch: z.number().int().min(0),
  /** Failures allowed over the rollout (per generation); null: none beyond the waves'. */
  budget: z.number().int().min(0).nullable(),
  waves: z.array(WaveSchema),
  /** Sorted by wave, then name. */
  tenants: z.array(TenantSchema),
  /** Command object ids already applied. */
  commandsApplied: z.array(z.string()),
  outbox: z.array(ReleaseIntentSchema),
});
export type RolloutState = z.infer<typeof RolloutStateSchema>;

export const RolloutCommandSchema = z.object({
  schema: z.literal(COMMAND_SCHEMA),
  /** Sorts by time; also the object's file name. */
  id: Id,
  action: z.enum(["halt", "resume"]),
  requestedBy: z.string().min(1).max(256),
  reason: z.string().max(1024),
  createdAt: IsoTime,
});
export type RolloutCommand = z.infer<typeof RolloutCommandSchema>;

/** Final states: the rollout may end with a tenant in one of these (pending counts as "not started"). */
export const FINAL_STATES: readonly TenantState[] = ["succeeded", "failed", "rolled-back", "skipped", "pending"];
