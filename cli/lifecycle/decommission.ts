/**
 * Decommissioning one environment, in the order that never leaves it half-removed:
 *   1. hold it (`hold: true` in its file, tenant stack deployed): no new version reaches it;
 *   2. a destroy release of the version it runs: its own deployer destroys the workload (pull model kept);
 *   3. destroy its tenant plumbing (`cdktf destroy tenant-<env>`);
 *   4. remove its file and deploy central: its forwarding rule, DLQ, state role and bucket-policy entries go;
 *   5. keep its state (`workload-<env>/terraform.tfstate`) and its status records: they are the record.
 * This module does step 2 (after checking step 1) and words the rest; the command prints them.
 */
import { randomBytes } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Environment, FleetConfig } from "../../core/config/schema";
import { artifactKey, manifestKey, parseKey, releaseKey, statusKey, statusPrefix } from "../../core/keys";
import { ManifestSchema, RELEASE_SCHEMA, ReleaseSchema, StatusSchema, type Release, type Status } from "../../core/records";
import { CENTRAL_STACK_ID, tenantStackId, workloadStackId } from "../../core/stack-ids";
import { compareReleaseIds, formatReleaseId } from "../../core/version";
import { DecommissionError } from "./errors";

export interface DecommissionInput {
  readonly s3: S3Client;
  readonly config: FleetConfig;
  readonly env: Environment;
  /** The version whose workload is destroyed. @default the newest version that succeeded there */
  readonly version?: string;
  readonly requestedBy: string;
  readonly reason: string;
  readonly now?: () => Date;
}

export interface DestroyRelease {
  readonly key: string;
  readonly release: Release;
}

/** Step 1 must be done: the environment is on hold. */
export function checkHeld(env: Environment): void {
  if (!env.hold) {
    throw new DecommissionError(
      `${env.name} is not on hold: write hold: true in ${env.file} and deploy ${tenantStackId(env.name)} (npx cdktf deploy ${tenantStackId(env.name)}), so that no new release reaches it; then run fleet decommission --env ${env.name} again`,
    );
  }
}

async function readJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await res.Body?.transformToString()) ?? "");
}

/** The version the environment runs, from its status records: the newest that succeeded. */
export async function deployedVersionOf(s3: S3Client, bucket: string, app: string, env: string): Promise<string | undefined> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: statusPrefix(env, app), ContinuationToken: token }));
    for (const o of res.Contents ?? []) {
      const p = o.Key ? parseKey(o.Key) : undefined;
      if (p?.ok && p.key.kind === "status") ids.push(p.key.releaseId);
    }
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  for (const id of ids.sort((a, b) => compareReleaseIds(b, a))) {
    const parsed = StatusSchema.safeParse(await readJson(s3, bucket, statusKey(env, app, id)));
    if (parsed.success && parsed.data.result === "succeeded") return parsed.data.version;
  }
  return undefined;
}

/** Step 2: writes the destroy release (write-once, like every release). */
export async function writeDestroyRelease(input: DecommissionInput): Promise<DestroyRelease> {
  const { s3, config, env } = input;
  checkHeld(env);
  const bucket = config.central.artifactBucket;
  const app = config.app.name;
  const version = input.version ?? (await deployedVersionOf(s3, bucket, app, env.name));
  if (version === undefined) {
    throw new DecommissionError(`${env.name} has no succeeded release in s3://${bucket}/${statusPrefix(env.name, app)}: no workload to destroy; go on with: ${nextSteps(config, env).join("; ")}`);
  }
  let manifest: unknown;
  try {
    manifest = await readJson(s3, bucket, manifestKey(app, version));
  } catch (err) {
    throw new DecommissionError(`cannot read the manifest of ${app} ${version} (s3://${bucket}/${manifestKey(app, version)}): ${(err as Error).message}; the deployer needs that artifact to know what to destroy`);
  }
  const parsed = ManifestSchema.safeParse(manifest);
  if (!parsed.success) throw new DecommissionError(`s3://${bucket}/${manifestKey(app, version)} is not a valid manifest`);
  const at = (input.now ?? (() => new Date()))();
  const release = ReleaseSchema.parse({
    schema: RELEASE_SCHEMA,
    env: env.name,
    app,
    version,
    artifactKey: artifactKey(app, version),
    artifactSha256: parsed.data.sha256,
    releaseId: formatReleaseId(at, randomBytes(4).toString("hex")),
    requestedBy: input.requestedBy.slice(0, 256) || "unknown",
    reason: input.reason.slice(0, 1024),
    allowDowngrade: false,
    createdAt: at.toISOString(),
    action: "destroy",
  } satisfies Release);
  const key = releaseKey(env.name, app, version, release.releaseId);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${JSON.stringify(release, null, 2)}\n`, ContentType: "application/json", IfNoneMatch: "*" }));
  return { key, release };
}

/** Waits for the deployer's final status record of the destroy release (undefined when time runs out). */
export async function waitForStatus(s3: S3Client, bucket: string, r: Release, timeoutMs: number, sleep = (ms: number) => new Promise((res) => setTimeout(res, ms))): Promise<Status | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const parsed = StatusSchema.safeParse(await readJson(s3, bucket, statusKey(r.env, r.app, r.releaseId)));
      if (parsed.success && parsed.data.phase === "finished") return parsed.data;
    } catch {
      // not written yet
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(1000);
  }
}

/** Steps 3 to 6, in words an operator can follow. */
export function nextSteps(config: FleetConfig, env: Environment): string[] {
  return [
    `destroy the tenant plumbing: npx cdktf destroy ${tenantStackId(env.name)}`,
    `remove ${env.file}, then deploy central (its forwarding rule, DLQ, state role and bucket-policy entries go): npx cdktf deploy ${CENTRAL_STACK_ID}`,
    `keep s3://${config.central.stateBucket}/${workloadStackId(env.name)}/terraform.tfstate and s3://${config.central.artifactBucket}/${statusPrefix(env.name)} for the record`,
    "check the rest of the fleet: fleet doctor",
  ];
}
