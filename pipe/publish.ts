/**
 * The artifact, then its manifest, under the immutable version keys, each written with
 * `If-None-Match: *`. Re-running a publish of the same bytes is a success
 * ("already published": compared by SHA-256), the same version with other bytes is refused. Large
 * artifacts go up in parts, and a failed multipart upload is aborted, so no orphaned parts are billed.
 *
 * Why our own multipart loop instead of @aws-sdk/lib-storage: the write-once condition must be on
 * CompleteMultipartUpload (that is when the object appears), each part carries its own SHA-256, and the
 * abort on failure must be certain; all three are a few lines here.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { artifactKey, manifestKey } from "../core/keys";
import { MANIFEST_SCHEMA, ManifestSchema, type Manifest } from "../core/records";
import { errorName, httpStatus } from "./aws";
import { PublishError, VersionConflictError } from "./errors";

export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/**
 * One PUT up to 100 MiB (AWS's guidance for when multipart starts to pay off): measured against moto, a
 * single PUT of an 85 MB artifact took 1.3 s and the multipart path 3.7 s (bench/package/RESULTS.md).
 */
export const DEFAULT_MULTIPART_THRESHOLD = 100 * 1024 * 1024;
/** S3 allows at most 10,000 parts: larger files get larger parts. */
const MAX_PARTS = 10_000;

/** What the manifest says besides the artifact's own facts. */
export type ManifestFields = Pick<Manifest, "commit" | "buildNumber" | "branch" | "tag" | "gate">;

export interface PublishInput {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly app: string;
  readonly version: string;
  /** Path of the zip. */
  readonly file: string;
  /** Lower-case hex SHA-256 of the zip (from packageTree); verified again while uploading. */
  readonly sha256: string;
  /** Number of files in the zip (manifest `files`). */
  readonly files: number;
  readonly manifestFields: ManifestFields;
  readonly partSize?: number;
  readonly multipartThreshold?: number;
  /** Parts uploaded at once. */
  readonly concurrency?: number;
  readonly now?: Date;
  readonly log?: (message: string) => void;
}

export interface PublishResult {
  readonly artifactKey: string;
  readonly manifestKey: string;
  readonly sha256: string;
  readonly size: number;
  /** True when this exact artifact was already there (an idempotent re-run). */
  readonly alreadyPublished: boolean;
}

const isPreconditionFailed = (err: unknown): boolean => httpStatus(err) === 412 || errorName(err) === "PreconditionFailed";

function describeAwsError(err: unknown, what: string, bucket: string): PublishError {
  const status = httpStatus(err);
  const name = errorName(err);
  const msg = (err as Error).message;
  if (name === "NoSuchBucket") return new PublishError(`${what}: bucket ${bucket} does not exist (or is in another region)`, { cause: err });
  if (status === 403 || name === "AccessDenied") return new PublishError(`${what}: access denied to s3://${bucket}; the role needs s3:PutObject on artifacts/* (and releases/*): ${msg}`, { cause: err });
  if (status === 409) return new PublishError(`${what}: another upload of the same key is in progress (409 ConditionalRequestConflict); run the step again`, { cause: err });
  return new PublishError(`${what}: ${name}${status ? ` (HTTP ${status})` : ""}: ${msg}`, { cause: err });
}

const b64 = (hex: string): string => Buffer.from(hex, "hex").toString("base64");

function metadata(input: PublishInput): Record<string, string> {
  const m: Record<string, string> = { sha256: input.sha256, app: input.app, version: input.version };
  const f = input.manifestFields;
  if (f.commit) m.commit = f.commit;
  if (f.buildNumber) m["build-number"] = f.buildNumber;
  if (f.branch) m.branch = f.branch;
  if (f.tag) m.tag = f.tag;
  // Metadata is sent as HTTP headers: keep it ASCII.
  for (const [k, v] of Object.entries(m)) m[k] = v.replace(/[^\x20-\x7e]/g, "?");
  return m;
}

/**
 * One PUT of the bytes read once into memory: exactly those bytes are hashed and compared with the
 * manifest's SHA-256 before they are sent, and sent with their SHA-256 and MD5 so that the store
 * refuses them if they change on the way. A file swapped or grown since it was packaged is refused.
 */
async function putSmall(input: PublishInput, key: string, size: number): Promise<void> {
  const fh = await open(input.file, "r");
  try {
    // One byte more than expected: a file that grew is caught too.
    const body = Buffer.allocUnsafe(size + 1);
    const { bytesRead } = await fh.read(body, 0, size + 1, 0);
    if (bytesRead !== size) throw new PublishError(`${input.file} changed while it was being uploaded (${bytesRead} bytes read, ${size} expected); package again`);
    const bytes = body.subarray(0, size);
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== input.sha256) throw new PublishError(`${input.file} does not match its SHA-256 any more (expected ${input.sha256}, read ${actual}); package again`);
    const md5 = createHash("md5").update(bytes).digest("base64");
    await input.s3.send(
      new PutObjectCommand({ Bucket: input.bucket, Key: key, Body: bytes, ContentLength: size, ContentType: "application/zip", IfNoneMatch: "*", ChecksumSHA256: b64(actual), ContentMD5: md5, Metadata: metadata(input) }),
    );
  } finally {
    await fh.close();
  }
}

async function putMultipart(input: PublishInput, key: string, size: number): Promise<void> {
  const partSize = Math.max(input.partSize ?? DEFAULT_PART_SIZE, Math.ceil(size / MAX_PARTS));
  const created = await input.s3.send(
    new CreateMultipartUploadCommand({ Bucket: input.bucket, Key: key, ContentType: "application/zip", ChecksumAlgorithm: "SHA256", Metadata: metadata(input) }),
  );
  const uploadId = created.UploadId!;
  const fh = await open(input.file, "r");
  const whole = createHash("sha256");
  try {
    const count = Math.ceil(size / partSize);
    const parts: CompletedPart[] = new Array<CompletedPart>(count);
    const buffers = new Map<number, Buffer>();
    let next = 0;
    let hashed = 0;
    // Parts go up concurrently, but the whole-file hash is fed in order: a file that changed since it
    // was packaged is caught before Complete makes the object visible.
    const hashInOrder = (): void => {
      while (buffers.has(hashed)) {
        whole.update(buffers.get(hashed)!);
        buffers.delete(hashed);
        hashed++;
      }
    };
    const worker = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        const length = Math.min(partSize, size - i * partSize);
        const body = Buffer.allocUnsafe(length);
        const { bytesRead } = await fh.read(body, 0, length, i * partSize);
        if (bytesRead !== length) throw new PublishError(`${input.file} changed while it was being uploaded`);
        const partSha = createHash("sha256").update(body).digest("base64");
        const r = await input.s3.send(
          new UploadPartCommand({ Bucket: input.bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: body, ContentLength: length, ChecksumSHA256: partSha }),
        );
        parts[i] = { PartNumber: i + 1, ETag: r.ETag, ChecksumSHA256: r.ChecksumSHA256 ?? partSha };
        buffers.set(i, body);
        hashInOrder();
      }
    };
    await Promise.all(Array.from({ length: Math.min(input.concurrency ?? 4, count) }, worker));
    const actual = whole.digest("hex");
    if (actual !== input.sha256) throw new PublishError(`${input.file} does not match its SHA-256 any more (expected ${input.sha256}, read ${actual}); package again`);
    await input.s3.send(new CompleteMultipartUploadCommand({ Bucket: input.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts }, IfNoneMatch: "*" }));
  } catch (err) {
    // No orphaned parts: whatever failed, the upload is aborted before the error goes up.
    await input.s3.send(new AbortMultipartUploadCommand({ Bucket: input.bucket, Key: key, UploadId: uploadId })).catch((abortErr: unknown) => {
      input.log?.(`could not abort multipart upload ${uploadId} of ${key}: ${(abortErr as Error).message}; a lifecycle rule AbortIncompleteMultipartUpload cleans it up`);
    });
    throw err;
  } finally {
    await fh.close();
  }
}

async function existingArtifactSha(input: PublishInput, key: string): Promise<string | undefined> {
  const head = await input.s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: key }));
  return head.Metadata?.sha256;
}

async function existingManifest(input: PublishInput, key: string): Promise<Manifest | undefined> {
  const got = await input.s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: key }));
  const text = await got.Body!.transformToString();
  const parsed = ManifestSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

function conflict(input: PublishInput, key: string, existing: string | undefined): VersionConflictError {
  return new VersionConflictError(
    `version ${input.version} of ${input.app} is already published with different bytes: s3://${input.bucket}/${key} has sha256 ${existing ?? "(none recorded)"}, this artifact has ${input.sha256}. ` +
      "Published versions are immutable: bump the version (e.g. a new tag) instead of re-using it.",
  );
}

/**
 * Tenants deploy an artifact by its S3 version id, and a bucket without versioning sends events without
 * one: nothing published there could ever be deployed. Refused before anything is written.
 */
async function checkVersioning(input: PublishInput): Promise<void> {
  let status: string | undefined;
  try {
    status = (await input.s3.send(new GetBucketVersioningCommand({ Bucket: input.bucket }))).Status;
  } catch (err) {
    if (httpStatus(err) === 403 || errorName(err) === "AccessDenied") {
      throw new PublishError(`cannot check that s3://${input.bucket} has versioning enabled: access denied; the uploader role needs s3:GetBucketVersioning on the bucket (deploy the central stack again)`, { cause: err });
    }
    throw describeAwsError(err, `checking the versioning of s3://${input.bucket}`, input.bucket);
  }
  if (status !== "Enabled") {
    throw new PublishError(
      `s3://${input.bucket} does not have versioning enabled (${status ? `it is ${status}` : "it was never enabled"}): tenants fetch artifacts and releases by version id, so nothing published there could be deployed. Publish to the fleet's artifact bucket (central.artifactBucket, created versioned by the central stack) or enable versioning on this one.`,
    );
  }
}

export async function publishArtifact(input: PublishInput): Promise<PublishResult> {
  if (!/^[0-9a-f]{64}$/.test(input.sha256)) throw new PublishError(`sha256 must be 64 lower-case hex characters, got ${JSON.stringify(input.sha256)}`);
  await checkVersioning(input);
  const aKey = artifactKey(input.app, input.version);
  const mKey = manifestKey(input.app, input.version);
  const size = (await stat(input.file)).size;
  const manifest = ManifestSchema.parse({
    schema: MANIFEST_SCHEMA,
    app: input.app,
    version: input.version,
    sha256: input.sha256,
    size,
    files: input.files,
    ...Object.fromEntries(Object.entries(input.manifestFields).filter(([, v]) => v !== undefined && v !== "")),
    createdAt: (input.now ?? new Date()).toISOString(),
  });

  let alreadyPublished = false;
  try {
    if (size >= (input.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD)) await putMultipart(input, aKey, size);
    else await putSmall(input, aKey, size);
  } catch (err) {
    if (err instanceof PublishError) throw err;
    if (!isPreconditionFailed(err)) throw describeAwsError(err, `uploading ${aKey}`, input.bucket);
    const existing = await existingArtifactSha(input, aKey).catch((e: unknown) => {
      throw describeAwsError(e, `reading ${aKey}`, input.bucket);
    });
    if (existing !== input.sha256) throw conflict(input, aKey, existing);
    alreadyPublished = true;
    input.log?.(`${aKey} already holds this artifact (same sha256): nothing to upload`);
  }

  try {
    await input.s3.send(
      new PutObjectCommand({ Bucket: input.bucket, Key: mKey, Body: `${JSON.stringify(manifest, null, 2)}\n`, ContentType: "application/json", IfNoneMatch: "*", ChecksumAlgorithm: "SHA256", Metadata: { sha256: input.sha256 } }),
    );
  } catch (err) {
    if (!isPreconditionFailed(err)) throw describeAwsError(err, `writing ${mKey}`, input.bucket);
    const existing = await existingManifest(input, mKey).catch((e: unknown) => {
      throw describeAwsError(e, `reading ${mKey}`, input.bucket);
    });
    if (existing?.sha256 !== input.sha256) throw conflict(input, mKey, existing?.sha256);
  }
  return { artifactKey: aKey, manifestKey: mKey, sha256: input.sha256, size, alreadyPublished };
}
