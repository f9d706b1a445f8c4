/**
 * The central bucket, as the deployer uses it (AWS adapter): read the release by exact version-id, list
 * release keys, stream the artifact to disk while hashing it, read the manifest, write status records.
 * Reads are size-capped: a JSON record is small, and the artifact may not exceed the archive limit.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { StatusSchema, type Status } from "../core/records";
import { DeployFailedError, DeployRefusedError } from "./errors";

/** Release, manifest and status records are a few hundred bytes; anything near this is not ours. */
const MAX_RECORD_BYTES = 1024 * 1024;

export interface DownloadResult {
  readonly sha256: string;
  readonly bytes: number;
  readonly versionId: string | undefined;
}

export class CentralBucket {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /** The JSON object at key/versionId. Missing → refused (a release that is not there is not deployed). */
  async getJson(key: string, versionId?: string): Promise<unknown> {
    return (await this.getStored(key, versionId)).body;
  }

  /**
   * The JSON object and the time S3 stored it (LastModified: the storage's clock, not the writer's), which
   * bounds how far a release id may claim to be in the future.
   */
  async getStored(key: string, versionId?: string): Promise<{ body: unknown; storedAt: Date | undefined }> {
    const where = `s3://${this.bucket}/${key}${versionId ? ` (version ${versionId})` : ""}`;
    let body: Readable;
    let storedAt: Date | undefined;
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
      if ((res.ContentLength ?? 0) > MAX_RECORD_BYTES) {
        // Unread, the body would hold its connection open (and the process with it) until the server drops it.
        (res.Body as Readable | undefined)?.destroy();
        throw new DeployRefusedError(`${where} is ${res.ContentLength} bytes, too large for a record`);
      }
      body = res.Body as Readable;
      storedAt = res.LastModified;
    } catch (err) {
      if (err instanceof DeployRefusedError) throw err;
      if (isNotFound(err)) throw new DeployRefusedError(`${where} not found`);
      throw new DeployFailedError(`could not read ${where}: ${awsMessage(err)}`);
    }
    const text = (await readCapped(body, MAX_RECORD_BYTES, where)).toString("utf8");
    try {
      return { body: JSON.parse(text) as unknown, storedAt };
    } catch {
      throw new DeployRefusedError(`${where} is not JSON`);
    }
  }

  /** The status record at key, or undefined when there is none or it is not a valid record. */
  async getStatus(key: string): Promise<Status | undefined> {
    let body: unknown;
    try {
      body = await this.getJson(key);
    } catch (err) {
      if (err instanceof DeployRefusedError) return undefined;
      throw err;
    }
    const parsed = StatusSchema.safeParse(body);
    return parsed.success ? parsed.data : undefined;
  }

  /** Every key under prefix (paginated). */
  async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const res = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw new DeployFailedError(`could not list s3://${this.bucket}/${prefix}: ${awsMessage(err)}`);
    }
    return keys;
  }

  /** Streams the object to `file` (created exclusively), hashing the bytes as they are written. */
  async download(key: string, file: string, maxBytes: number): Promise<DownloadResult> {
    const where = `s3://${this.bucket}/${key}`;
    let res;
    try {
      res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) throw new DeployRefusedError(`artifact ${where} not found`);
      throw new DeployFailedError(`could not download ${where}: ${awsMessage(err)}`);
    }
    if ((res.ContentLength ?? 0) > maxBytes) {
      (res.Body as Readable | undefined)?.destroy();
      throw new DeployRefusedError(`artifact ${where} is ${res.ContentLength} bytes, more than the limit ${maxBytes}`);
    }
    const hash = createHash("sha256");
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new DeployRefusedError(`artifact ${where} is more than ${maxBytes} bytes (the limit)`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(res.Body as Readable, meter, createWriteStream(file, { flags: "wx" }));
    } catch (err) {
      if (err instanceof DeployRefusedError) throw err;
      throw new DeployFailedError(`could not download ${where}: ${(err as Error).message}`);
    }
    return { sha256: hash.digest("hex"), bytes, versionId: res.VersionId };
  }

  /** Writes a status record (validated first; status is mutable, so no If-None-Match). */
  async putStatus(key: string, status: Status): Promise<void> {
    const body = JSON.stringify(StatusSchema.parse(status), null, 2) + "\n";
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: "application/json" }));
    } catch (err) {
      throw new DeployFailedError(`could not write status s3://${this.bucket}/${key}: ${awsMessage(err)}`);
    }
  }
}

async function readCapped(body: Readable, max: number, where: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    n += b.length;
    if (n > max) {
      body.destroy();
      throw new DeployRefusedError(`${where} is more than ${max} bytes, too large for a record`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === "NoSuchKey" || name === "NoSuchVersion" || name === "NotFound" || status === 404;
}

/** The SDK error's name and message: never request data or credentials. */
export function awsMessage(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e.name ?? "Error"}: ${e.message ?? String(err)}`;
}
