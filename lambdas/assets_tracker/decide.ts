/**
 * The assets_tracker's whole judgement, pure: one EventBridge event and the function's configuration in,
 * "start this build" or "drop it, because…" out. No I/O, no clock, no randomness, so every case is a unit
 * test and the same event always gives the same StartBuild input (and so the same idempotency token).
 *
 * The event never carries object metadata or tags: everything the build needs
 * comes from the key, the bucket, the account and the S3 version-id, and each of them is checked here.
 */
import { createHash } from "node:crypto";
import type { StartBuildCommandInput } from "@aws-sdk/client-codebuild";
import { BUILD_VAR } from "../../core/build-variables";
import { parseKey } from "../../core/keys";
import { clockSkewProblem } from "../../core/version";
import type { TrackerConfig } from "./config";
import { EnvelopeSchema, ObjectCreatedDetailSchema, eventTime, firstIssue } from "./event";

/**
 * Largest release object accepted, in bytes. A release record (core/records.ts) is a dozen
 * short fields, with `reason` ≤ 1 KiB and `requestedBy` ≤ 256 characters: about 0.5 KiB typical and under
 * 3 KiB at the schema's limits. 64 KiB leaves 20× headroom for fields added later while refusing anything
 * that is plainly not a release record (an artifact zip put under `releases/` by mistake).
 */
export const MAX_RELEASE_OBJECT_BYTES = 64 * 1024;

/** S3 version ids are opaque; real ones are ≤ 1024 printable characters (base64-like, may hold `+` `/` `.`). */
const VERSION_ID_RE = /^[\x21-\x7e]{1,1024}$/;

/** What the log line says about the event, as far as it could be read. */
export interface EventFacts {
  readonly eventId?: string | undefined;
  readonly key?: string | undefined;
  readonly versionId?: string | undefined;
}

export type Decision =
  | { readonly decision: "start"; readonly input: StartBuildCommandInput; readonly facts: EventFacts }
  | { readonly decision: "drop"; readonly reason: string; readonly facts: EventFacts };

/**
 * CodeBuild's idempotency token for one S3 write: duplicate deliveries of the same (bucket, key,
 * version-id), whether S3 re-emitted the event or EventBridge or Lambda retried it, collapse into one build
 * if they arrive within CodeBuild's 5-minute token window. Not the event `id`: S3 may re-emit a duplicate
 * under a new id. Hex SHA-256 is 64 characters; StartBuild's `idempotencyToken` has no length limit in the
 * API model (a plain string), and 64 is within what every AWS client-token field accepts.
 */
export function idempotencyToken(bucket: string, key: string, versionId: string): string {
  return createHash("sha256").update(`${bucket}|${key}|${versionId}`).digest("hex");
}

/** Best effort: read the id, key and version-id out of whatever arrived, for the log line only. */
export function factsOf(event: unknown): EventFacts {
  const rec = (v: unknown): Record<string, unknown> | undefined => (typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined);
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v.slice(0, 1024) : undefined);
  const object = rec(rec(rec(event)?.detail)?.object);
  return { eventId: str(rec(event)?.id), key: str(object?.key), versionId: str(object?.["version-id"]) };
}

export function decide(event: unknown, config: TrackerConfig): Decision {
  const facts = factsOf(event);
  const drop = (reason: string): Decision => ({ decision: "drop", reason, facts });

  const envelope = EnvelopeSchema.safeParse(event);
  if (!envelope.success) return drop(`not an EventBridge event (${firstIssue(envelope.error)})`);
  const { source, account } = envelope.data;
  const detailType = envelope.data["detail-type"];
  if (source !== "aws.s3") return drop(`source ${JSON.stringify(source)} is not "aws.s3"`);
  if (detailType !== "Object Created") return drop(`detail-type ${JSON.stringify(detailType)} is not "Object Created"`);
  if (account !== config.centralAccountId) return drop(`account ${JSON.stringify(account)} is not the central account ${config.centralAccountId}`);

  const detail = ObjectCreatedDetailSchema.safeParse(envelope.data.detail);
  if (!detail.success) return drop(`not an S3 "Object Created" detail (detail.${firstIssue(detail.error)})`);
  const { bucket, object } = detail.data;
  if (bucket.name !== config.artifactBucket) return drop(`bucket ${JSON.stringify(bucket.name)} is not the artifact bucket ${config.artifactBucket}`);

  const parsed = parseKey(object.key);
  if (!parsed.ok) return drop(parsed.reason);
  const key = parsed.key;
  if (key.kind !== "release") return drop(`key ${JSON.stringify(object.key)} is a ${key.kind} key, not a release`);
  if (key.env !== config.environment) return drop(`key ${JSON.stringify(object.key)} is a release of environment ${JSON.stringify(key.env)}, not of ${JSON.stringify(config.environment)}`);
  if (key.app !== config.appName) return drop(`key ${JSON.stringify(object.key)} is a release of app ${JSON.stringify(key.app)}; this fleet deploys ${JSON.stringify(config.appName)} (${BUILD_VAR.appName})`);
  // The event's time is S3's clock; the deployer checks the same bound against the object's LastModified.
  const storedAt = eventTime(envelope.data.time);
  const skew = storedAt ? clockSkewProblem(key.releaseId, storedAt) : undefined;
  if (skew) return drop(skew);

  // Without a version-id the build could not fetch exactly the object this event is about.
  const versionId = object["version-id"];
  if (versionId === undefined || versionId === null || versionId === "") return drop("no version-id: the bucket is not versioned");
  if (versionId === "null") return drop('version-id is "null": the object was written while versioning was suspended');
  if (!VERSION_ID_RE.test(versionId)) return drop("version-id is not 1–1024 printable ASCII characters");

  if (!Number.isSafeInteger(object.size) || object.size <= 0) return drop(`size ${object.size} is not a positive whole number of bytes`);
  if (object.size > MAX_RELEASE_OBJECT_BYTES) return drop(`size ${object.size} bytes is larger than a release record can be (${MAX_RELEASE_OBJECT_BYTES})`);

  return {
    decision: "start",
    facts,
    input: {
      projectName: config.codeBuildProject,
      idempotencyToken: idempotencyToken(bucket.name, object.key, versionId),
      environmentVariablesOverride: [
        { name: BUILD_VAR.releaseKey, value: object.key, type: "PLAINTEXT" },
        { name: BUILD_VAR.releaseVersionId, value: versionId, type: "PLAINTEXT" },
        { name: BUILD_VAR.app, value: key.app, type: "PLAINTEXT" },
        { name: BUILD_VAR.version, value: key.version, type: "PLAINTEXT" },
        { name: BUILD_VAR.releaseId, value: key.releaseId, type: "PLAINTEXT" },
      ],
    },
  };
}
