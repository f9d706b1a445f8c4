/**
 * Shared fixtures of the deployer and status tests: a tiny zip writer (the `zip` CLI will not write
 * `../evil` or a lying size), the real `zip` CLI, a versioned central bucket on moto seeded through
 * core/keys and core/records, and the BUNDLED deployer run as a child process.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync, crc32 } from "node:zlib";
import { CreateBucketCommand, GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { artifactKey, manifestKey, releaseKey } from "../../core/keys";
import { MANIFEST_SCHEMA, RELEASE_SCHEMA, StatusSchema, type Manifest, type Release, type Status } from "../../core/records";
import { formatReleaseId } from "../../core/version";
import { ensureBuilt } from "../helpers/bundles";
import { startMoto, type Moto } from "../helpers/moto";
import { removeDir, tempDir, writeTree } from "../helpers/fs";

export const ROOT = join(__dirname, "..", "..");
export const BUNDLE = join(ROOT, "dist", "deployer", "index.js");
export const BUCKET = "acme-fleet-artifacts";
export const APP = "payments-api";

// ---------------------------------------------------------------- zip writer

export interface ZipEntrySpec {
  readonly name: string;
  readonly data?: Buffer | string;
  /** Unix mode including the type bits. @default 0o100644 (or 0o040755 for names ending in "/") */
  readonly mode?: number;
  /** 0 = stored, 8 = deflated. @default 8 */
  readonly method?: 0 | 8;
  /** Lie about the uncompressed size (to test that declared sizes are not trusted). */
  readonly declaredSize?: number;
  /** Lie about the CRC-32 (a corrupt archive). */
  readonly crc?: number;
}

/** A minimal, valid zip (no zip64), written by hand so that tests can make the unsafe ones. */
export function makeZip(entries: readonly ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const data = Buffer.from(e.data ?? "");
    const method = e.name.endsWith("/") ? 0 : (e.method ?? 8);
    const body = method === 8 ? deflateRawSync(data) : data;
    const crc = e.crc ?? crc32(data) >>> 0;
    const size = e.declaredSize ?? data.length;
    const mode = e.mode ?? (e.name.endsWith("/") ? 0o040755 : 0o100644);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** A zip made by the real `zip` CLI from a file map (argv array, no shell). */
export function zipWithCli(files: Record<string, string>): Buffer {
  const dir = writeTree(tempDir("fleet-zip-src-"), files);
  const out = join(tempDir("fleet-zip-out-"), "a.zip");
  const r = spawnSync("zip", ["-q", "-X", "-r", out, "."], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`zip failed: ${r.error?.message ?? r.stderr}`);
  return readFileSync(out);
}

/** The workload stack the deployer looks for, as an entry name. */
export function stackFile(env: string, file = "cdk.tf.json"): string {
  return `cdktf.out/stacks/workload-${env}/${file}`;
}

// ---------------------------------------------------------------- central bucket on moto

export interface Clients {
  readonly s3: S3Client;
  readonly ssm: SSMClient;
}

export function clients(moto: Moto): Clients {
  const common = { endpoint: moto.endpoint, region: moto.env.AWS_REGION ?? "eu-west-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  return { s3: new S3Client({ ...common, forcePathStyle: true }), ssm: new SSMClient(common) };
}

export async function createCentralBucket(s3: S3Client, region: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: region as "eu-west-1" } }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Enabled" } }));
}

export function newReleaseId(at = new Date()): string {
  return formatReleaseId(at, randomBytes(4).toString("hex"));
}

export interface Published {
  readonly releaseKey: string;
  readonly versionId: string;
  readonly release: Release;
}

/** Writes artifact and manifest of app@version (once per version, like the pipe). */
export async function publishArtifact(s3: S3Client, version: string, zip: Buffer, app = APP): Promise<string> {
  const sha256 = createHash("sha256").update(zip).digest("hex");
  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA,
    app,
    version,
    sha256,
    size: zip.length,
    files: 1,
    createdAt: new Date().toISOString(),
    gate: { lint: "passed", test: "passed", sonar: "skipped" },
  };
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: artifactKey(app, version), Body: zip }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: manifestKey(app, version), Body: JSON.stringify(manifest) }));
  return sha256;
}

/** Writes a release object; `overrides` tamper with its body. */
export async function writeRelease(
  s3: S3Client,
  opts: { env: string; version: string; sha256: string; releaseId?: string; allowDowngrade?: boolean; app?: string; overrides?: Partial<Release> },
): Promise<Published> {
  const app = opts.app ?? APP;
  const releaseId = opts.releaseId ?? newReleaseId();
  const release: Release = {
    schema: RELEASE_SCHEMA,
    env: opts.env,
    app,
    version: opts.version,
    artifactKey: artifactKey(app, opts.version),
    artifactSha256: opts.sha256,
    releaseId,
    requestedBy: "test",
    reason: "test release",
    allowDowngrade: opts.allowDowngrade ?? false,
    createdAt: new Date().toISOString(),
    ...opts.overrides,
  };
  const key = releaseKey(opts.env, app, opts.version, releaseId);
  const res = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(release) }));
  if (!res.VersionId) throw new Error("the bucket must be versioned");
  return { releaseKey: key, versionId: res.VersionId, release };
}

/** Every version of a status record, oldest first (the bucket is versioned, so the history is kept). */
export async function statusHistory(s3: S3Client, key: string): Promise<Status[]> {
  const res = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }));
  const versions = (res.Versions ?? []).filter((v) => v.Key === key).sort((a, b) => (a.LastModified?.getTime() ?? 0) - (b.LastModified?.getTime() ?? 0));
  const out: Status[] = [];
  for (const v of versions) {
    const obj = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, VersionId: v.VersionId }));
    out.push(StatusSchema.parse(JSON.parse(await obj.Body!.transformToString())));
  }
  // Same-second writes can tie on LastModified: order by phase as the deployer writes them.
  const order = { started: 0, verifying: 1, applying: 2, finished: 3 } as const;
  return out.sort((a, b) => order[a.phase] - order[b.phase]);
}

export async function setDeployedVersion(ssm: SSMClient, env: string, version: string, app = APP): Promise<void> {
  await ssm.send(new PutParameterCommand({ Name: `/fleet/${env}/${app}/deployed-version`, Value: version, Type: "String", Overwrite: true }));
}

export async function deployedVersion(ssm: SSMClient, env: string, app = APP): Promise<string | undefined> {
  try {
    return (await ssm.send(new GetParameterCommand({ Name: `/fleet/${env}/${app}/deployed-version` }))).Parameter?.Value;
  } catch (err) {
    if ((err as { name?: string }).name === "ParameterNotFound") return undefined;
    throw err;
  }
}

// ---------------------------------------------------------------- the bundled deployer

/** Builds dist/deployer/index.js when it is missing or older than deployer/ or core/. */
/** What a bundled-deployer suite runs against: moto with the central bucket, its clients, a work dir. */
export interface DeployerWorld {
  readonly moto: Moto;
  readonly aws: Clients;
  readonly work: string;
}

/** Builds the deployer bundle if stale, starts moto with the central bucket, and makes a work dir. */
export async function startDeployerWorld(prefix: string): Promise<DeployerWorld> {
  ensureDeployerBundle();
  const moto = await startMoto();
  const aws = clients(moto);
  await createCentralBucket(aws.s3, moto.env.AWS_REGION ?? "eu-west-1");
  return { moto, aws, work: tempDir(prefix) };
}

/** Undoes startDeployerWorld; tolerates a world that never started. */
export async function stopDeployerWorld(world: Partial<DeployerWorld>): Promise<void> {
  world.aws?.s3.destroy();
  world.aws?.ssm.destroy();
  await world.moto?.stop();
  if (world.work) removeDir(world.work);
}

export function ensureDeployerBundle(): void {
  ensureBuilt(["dist/deployer/index.js"], ["deployer"]);
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runDeployer(env: Record<string, string>): Promise<RunResult> {
  return startDeployer(env).done;
}

/** The deployer as a running child: `onStdout` sees output as it comes (to signal it mid-run). */
export function startDeployer(env: Record<string, string>, onStdout?: (soFar: string, child: ChildProcess) => void): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [BUNDLE], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const done = new Promise<RunResult>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/** The deployer's environment for one published release. */
export function deployerEnv(moto: Moto, env: string, p: Published, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...moto.env,
    NODE_OPTIONS: "--no-deprecation --no-warnings",
    FLEET_RELEASE_KEY: p.releaseKey,
    FLEET_RELEASE_VERSION_ID: p.versionId,
    FLEET_APP: p.release.app,
    FLEET_VERSION: p.release.version,
    FLEET_RELEASE_ID: p.release.releaseId,
    FLEET_ENVIRONMENT: env,
    FLEET_ARTIFACT_BUCKET: BUCKET,
    FLEET_APP_NAME: APP,
    ...extra,
  };
}

/** An apply command that writes a marker file (so a test can tell whether anything was applied). */
export function markerCommand(marker: string): string {
  return JSON.stringify([process.execPath, "-e", "require('fs').writeFileSync(process.argv[1], process.env.FLEET_STACK_DIR + '\\n' + process.env.FLEET_VERSION)", marker]);
}
