/**
 * The pipe in release mode leaves the fleet's status page behind: in its storage dir always, and with
 * STATUS_PAGE_UPLOAD in the central bucket at status/index.html with a presigned link that opens it
 * (fetched from moto, signature checked there). A page that cannot be made never fails the release.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { artifactKey, manifestKey, statusKey } from "../../core/keys";
import { MANIFEST_SCHEMA, STATUS_SCHEMA } from "../../core/records";
import { createS3 } from "../../pipe/aws";
import type { PipeResult } from "../../pipe/result";
import { run } from "../../pipe/run";
import { publishStatusPage } from "../../pipe/status-page";
import { loadFleet } from "../../core/config/loader";
import { removeDir, tempDir } from "../helpers/fs";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";

const BUCKET = "acme-fleet-artifacts";
const APP = "payments-api";
const ROOT = join(__dirname, "../..");

describeWithMoto("pipe release mode: the status page", () => {
  let moto: Moto;
  let s3: S3Client;
  let work: string;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = createS3(moto.env);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    // A published 2.0.0 (artifact with its sha256 metadata, and its manifest) and bravo's failed deploy of it.
    const zip = Buffer.from("not really a zip, never opened here");
    const sha256 = createHash("sha256").update(zip).digest("hex");
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: artifactKey(APP, "2.0.0"), Body: zip, Metadata: { sha256 } }));
    const manifest = { schema: MANIFEST_SCHEMA, app: APP, version: "2.0.0", sha256, size: zip.length, files: 1, createdAt: "2026-11-30T10:00:00.000Z", gate: { lint: "passed", test: "passed", sonar: "skipped" } };
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: manifestKey(APP, "2.0.0"), Body: JSON.stringify(manifest) }));
    const failed = { schema: STATUS_SCHEMA, env: "bravo", app: APP, releaseId: "20261130T100000Z-0000000b", version: "2.0.0", phase: "finished", result: "failed", buildId: "fleet-deploy-bravo:4", startedAt: "2026-11-30T10:00:00Z", finishedAt: "2026-11-30T10:03:00Z", error: "terraform apply failed (exit 1): Error: <QuotaExceeded>" };
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: statusKey("bravo", APP, failed.releaseId), Body: JSON.stringify(failed) }));
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });
  beforeEach(() => {
    work = tempDir("fleet-pipe-page-");
    cpSync(join(ROOT, "environments"), join(work, "clone", "environments"), { recursive: true });
  });
  afterEach(() => removeDir(work));

  async function release(extra: Record<string, string>, env: Record<string, string> = moto.env) {
    let out = "";
    const vars = { PATH: process.env.PATH ?? "", BITBUCKET_CLONE_DIR: join(work, "clone"), BITBUCKET_PIPE_STORAGE_DIR: join(work, "storage"), BITBUCKET_BUILD_NUMBER: "9", ...env, MODE: "release", VERSION: "2.0.0", RELEASE_TO_COUNT: "1", RELEASE_TO_0: "alpha", ...extra };
    const code = await run({ env: vars, stdout: { write: (t: string) => (out += t) } });
    const result = JSON.parse(readFileSync(join(work, "storage", "result.json"), "utf8")) as PipeResult;
    return { code, out, result };
  }

  it("writes status.html to the storage dir, and uploads nothing unless asked", async () => {
    // Act
    const r = await release({});
    // Assert
    expect(r.code).toBe(0);
    const file = join(work, "storage", "status.html");
    expect(r.out).toContain(`status page written to ${file}`);
    expect(r.result.statusPage).toEqual({ file });
    const html = readFileSync(file, "utf8");
    expect(html).toContain("<code>2.0.0</code>");
    expect(html).toContain("Error: &lt;QuotaExceeded&gt;");
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "status/index.html" }))).rejects.toMatchObject({ name: "NoSuchKey" });
  });

  it("with STATUS_PAGE_UPLOAD puts the page at status/index.html and logs a presigned link that opens it", async () => {
    // Prepare: OIDC, as in a real step: no keys in the environment; the pipe exchanges the step's token for
    // the role's temporary credentials (the logger masks every credential of the environment, so a static key
    // id would be masked inside the link too).
    const { AWS_SESSION_TOKEN: _token, AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...rest } = moto.env;
    const env = { ...rest, AWS_OIDC_ROLE_ARN: "arn:aws:iam::210987654321:role/fleet-uploader", BITBUCKET_STEP_OIDC_TOKEN: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2ln" };
    // Act
    const r = await release({ STATUS_PAGE_UPLOAD: "true", STATUS_PAGE_LINK_MINUTES: "15" }, env);
    // Assert
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(env.BITBUCKET_STEP_OIDC_TOKEN);
    const url = r.result.statusPage?.url ?? "";
    expect(r.out).toContain(`status page published to s3://${BUCKET}/status/index.html; link for 15 min: ${url}`);
    expect(url).toMatch(/X-Amz-Expires=900&/);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "status/index.html" }));
    expect(got.ContentType).toBe("text/html; charset=utf-8");
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(readFileSync(join(work, "storage", "status.html"), "utf8"));
  });

  it("refuses a link lifetime out of range before anything runs", async () => {
    const r = await release({ STATUS_PAGE_LINK_MINUTES: "0" });
    expect(r.code).toBe(1);
    expect(r.out).toContain("STATUS_PAGE_LINK_MINUTES must be between 1 and 720, got 0");
    expect(existsSync(join(work, "storage", "status.html"))).toBe(false);
  });

  it("a page that cannot be made is a warning, not a failure", async () => {
    // Prepare
    const warnings: string[] = [];
    const fleet = loadFleet(join(work, "clone", "environments"), { cwd: work });
    // Act: the records cannot be listed (no such bucket)
    const page = await publishStatusPage({ s3, bucket: "no-such-bucket-here", fleet, app: APP, storageDir: join(work, "storage"), settings: { upload: true, linkMinutes: 5 }, log: { info: () => undefined, warn: (l) => warnings.push(l) } });
    // Assert
    expect(page).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^status page not made \(the release itself is done\): NoSuchBucket: /)]);
    expect(existsSync(join(work, "storage", "status.html"))).toBe(false);
  });
});
