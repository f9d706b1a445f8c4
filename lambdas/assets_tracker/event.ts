/**
 * The S3 "Object Created" event as EventBridge delivers it, after the central rule
 * forwarded it to this tenant's bus. Parsed loosely where AWS and local emulators differ, strictly where it
 * matters (decide.ts):
 * - unknown fields are ignored (zod objects strip them): AWS adds fields over time (`event-version`,
 *   `aws-generated-tags`);
 * - `etag` (AWS) / `eTag` (moto), `reason` (`PutObject` on AWS, `ObjectCreated` on moto), `requester` and
 *   `sequencer` are not read at all: nothing depends on them;
 * - `time` is when S3 stored the object, by S3's clock (ISO on AWS, epoch seconds on moto): it bounds how
 *   far a release id may be ahead; an event without a readable time is left to the deployer's check;
 * - `version-id` is absent on an unversioned bucket and `null` from moto: accepted here, refused in decide.
 */
import * as z from "zod/mini";

/** The envelope, enough to decide whether the detail is worth parsing. */
export const EnvelopeSchema = z.object({
  id: z.string(),
  "detail-type": z.string(),
  source: z.string(),
  account: z.string(),
  time: z.optional(z.unknown()),
  detail: z.unknown(),
});

/** The event's `time` (ISO string or epoch seconds), or undefined when it is missing or unreadable. */
export function eventTime(time: unknown): Date | undefined {
  const ms = typeof time === "number" ? time * 1000 : typeof time === "string" ? Date.parse(time) : NaN;
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** The S3 detail of an "Object Created" event: only the fields the decision uses. */
export const ObjectCreatedDetailSchema = z.object({
  bucket: z.object({ name: z.string() }),
  object: z.object({
    key: z.string(),
    size: z.number(),
    "version-id": z.nullish(z.string()),
  }),
});

export type Envelope = z.infer<typeof EnvelopeSchema>;
export type ObjectCreatedDetail = z.infer<typeof ObjectCreatedDetailSchema>;

/** `path: message` of the first zod issue: short enough for one log line. */
export function firstIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}
