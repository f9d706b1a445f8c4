/** A central bucket on moto with two published versions of the sample app, and a stand-in for the deployers. */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, PutBucketVersioningCommand, type S3Client } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { parseKey, statusKey } from "../../core/keys";
import { ReleaseSchema, STATUS_SCHEMA, type Release, type Status } from "../../core/records";
import { packageTree } from "../../pipe/package";
import { publishArtifact } from "../../pipe/publish";
import { writeTree } from "../helpers/fs";

export const BUCKET = "acme-fleet-artifacts";
export const APP = "payments-api";

export async function centralBucket(s3: S3Client, dir: string, versions: readonly string[]): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Enabled" } }));
  for (const version of versions) {
    const out = join(dir, `${version}.zip`);
    const r = await packageTree({ root: writeTree(join(dir, `tree-${version}`), { "main.ts": `// ${version}\n` }), out });
    await publishArtifact({ s3, bucket: BUCKET, app: APP, version, file: out, sha256: r.sha256, files: r.files, manifestFields: { gate: { lint: "passed", test: "passed", sonar: "skipped" } } });
  }
}

export async function listKeys(s3: S3Client, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
    for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function readRelease(s3: S3Client, key: string): Promise<Release> {
  const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return ReleaseSchema.parse(JSON.parse((await res.Body?.transformToString()) ?? ""));
}

export async function putStatus(s3: S3Client, s: Omit<Status, "schema" | "phase" | "buildId" | "startedAt" | "finishedAt">): Promise<void> {
  const at = new Date().toISOString();
  const body: Status = { schema: STATUS_SCHEMA, ...s, phase: s.result === "in-progress" ? "applying" : "finished", buildId: `build-${s.env}`, startedAt: at, ...(s.result === "in-progress" ? {} : { finishedAt: at }) };
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: statusKey(s.env, s.app, s.releaseId), Body: JSON.stringify(body) }));
}

/**
 * What the deployers would do: for every release without a status record yet, write a finished one with
 * the outcome `outcome(env)` gives (undefined: stay silent). Returns the releases it answered.
 */
export async function deployers(s3: S3Client, outcome: (env: string, r: Release) => Status["result"] | undefined, answered = new Set<string>()): Promise<Release[]> {
  const out: Release[] = [];
  for (const key of await listKeys(s3, "releases/")) {
    const p = parseKey(key);
    if (!p.ok || p.key.kind !== "release" || answered.has(key)) continue;
    const r = await readRelease(s3, key);
    const result = outcome(r.env, r);
    if (result === undefined) continue;
    answered.add(key);
    await putStatus(s3, { env: r.env, app: r.app, releaseId: r.releaseId, version: r.version, result, ...(result === "failed" ? { error: "apply failed" } : {}) });
    out.push(r);
  }
  return out;
}
