import type { S3Client } from "@aws-sdk/client-s3";
import { CreateBucketCommand, PutBucketVersioningCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { FleetConfig } from "../../core/config/schema";
import { ManifestSchema, ReleaseSchema } from "../../core/records";
import { loadFleet } from "../../core/config/loader";
import { createS3 } from "../../pipe/aws";
import { ReleaseError, VersionConflictError } from "../../pipe/errors";
import { publishArtifact, type PublishInput } from "../../pipe/publish";
import { releaseVersion } from "../../pipe/release";
import { packageTree } from "../../pipe/package";
import { startDropProxy } from "../helpers/drop-proxy";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";

const BUCKET = "acme-fleet-artifacts";
const gate = { lint: "passed", test: "passed", sonar: "skipped" } as const;

describeWithMoto("publishArtifact and releaseVersion against moto", () => {
  let moto: Moto;
  let s3: S3Client;
  let dir: string;
  let fleet: FleetConfig;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = createS3(moto.env);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })); await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Enabled" } }));
    fleet = loadFleet(join(__dirname, "../../environments"));
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });
  beforeEach(() => {
    dir = tempDir("fleet-pub-");
  });
  afterEach(() => removeDir(dir));

  async function artifact(content: Record<string, string | Buffer>): Promise<Pick<PublishInput, "file" | "sha256" | "files">> {
    const out = join(dir, `a-${randomBytes(3).toString("hex")}.zip`);
    const r = await packageTree({ root: writeTree(join(dir, `t-${randomBytes(3).toString("hex")}`), content), out });
    return { file: out, sha256: r.sha256, files: r.files };
  }

  const keys = async (prefix: string): Promise<string[]> => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();

  it("uploads the artifact and a valid manifest under the version keys, with the sha256 in metadata", async () => {
    // Prepare
    const a = await artifact({ "main.ts": "console.log(1)", "cdktf.out/manifest.json": "{}" });
    // Act
    const r = await publishArtifact({ s3, bucket: BUCKET, app: "payments-api", version: "1.0.0", ...a, manifestFields: { commit: "abc123", buildNumber: "42", branch: "main", gate } });
    // Assess
    expect(r).toMatchObject({ artifactKey: "artifacts/payments-api/1.0.0/payments-api-1.0.0.zip", manifestKey: "artifacts/payments-api/1.0.0/manifest.json", alreadyPublished: false });
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: r.artifactKey }));
    expect(head.Metadata).toMatchObject({ sha256: a.sha256, commit: "abc123", "build-number": "42", branch: "main" });
    const manifest = ManifestSchema.parse(JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: r.manifestKey }))).Body!.transformToString()));
    expect(manifest).toMatchObject({ app: "payments-api", version: "1.0.0", sha256: a.sha256, files: 2, commit: "abc123", gate });
  });

  it("treats re-publishing the identical artifact as success, and refuses other bytes under the same version", async () => {
    // Prepare
    const a = await artifact({ "x.txt": "one" });
    const b = await artifact({ "x.txt": "two" });
    await publishArtifact({ s3, bucket: BUCKET, app: "payments-api", version: "1.1.0", ...a, manifestFields: { gate } });
    // Act
    const again = await publishArtifact({ s3, bucket: BUCKET, app: "payments-api", version: "1.1.0", ...a, manifestFields: { gate } });
    const other = publishArtifact({ s3, bucket: BUCKET, app: "payments-api", version: "1.1.0", ...b, manifestFields: { gate } });
    // Assess
    expect(again.alreadyPublished).toBe(true);
    await expect(other).rejects.toThrow(VersionConflictError);
    await expect(other).rejects.toThrow(/version 1\.1\.0 of payments-api is already published with different bytes/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "artifacts/payments-api/1.1.0/payments-api-1.1.0.zip" }));
    expect(head.Metadata?.sha256).toBe(a.sha256);
  });

  it("uploads large artifacts in parts and is idempotent for them too", async () => {
    // Prepare
    const a = await artifact({ "blob.bin": randomBytes(11 * 1024 * 1024) });
    const input = { s3, bucket: BUCKET, app: "payments-api", version: "1.2.0", ...a, manifestFields: { gate }, partSize: 5 * 1024 * 1024, multipartThreshold: 5 * 1024 * 1024 };
    // Act
    const first = await publishArtifact(input);
    const second = await publishArtifact(input);
    // Assess
    expect(first.alreadyPublished).toBe(false);
    expect(second.alreadyPublished).toBe(true);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: first.artifactKey }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).length).toBe(first.size);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
  });

  it("aborts an upload cut off halfway: no object, no pending multipart upload, and no release can follow", async () => {
    // Prepare
    const proxy = await startDropProxy(moto.endpoint, (req) => req.method === "PUT" && /[?&]partNumber=2(&|$)/.test(req.url ?? ""));
    const cut = createS3({ ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, AWS_MAX_ATTEMPTS: "2" });
    const a = await artifact({ "blob.bin": randomBytes(11 * 1024 * 1024) });
    try {
      // Act
      const run = publishArtifact({ s3: cut, bucket: BUCKET, app: "payments-api", version: "1.3.0", ...a, manifestFields: { gate }, partSize: 5 * 1024 * 1024, multipartThreshold: 5 * 1024 * 1024 });
      // Assess
      await expect(run).rejects.toThrow(/uploading artifacts\/payments-api\/1\.3\.0\/payments-api-1\.3\.0\.zip/);
      expect(proxy.dropped.length).toBeGreaterThan(0);
      expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
      expect(await keys("artifacts/payments-api/1.3.0/")).toEqual([]);
      await expect(releaseVersion({ s3, bucket: BUCKET, fleet, app: "payments-api", version: "1.3.0", targets: ["alpha"], requestedBy: "test" })).rejects.toThrow(/is not published/);
      expect(await keys("releases/alpha/payments-api/1.3.0/")).toEqual([]);
    } finally {
      cut.destroy();
      await proxy.stop();
    }
  });

  it("writes one valid release object per environment of a wave, only after the artifact is there", async () => {
    // Prepare
    const a = await artifact({ "x.txt": "release me" });
    await expect(releaseVersion({ s3, bucket: BUCKET, fleet, app: "payments-api", version: "2.0.0", targets: ["wave:0", "bravo"], requestedBy: "test" })).rejects.toThrow(ReleaseError);
    expect(await keys("releases/")).not.toContainEqual(expect.stringContaining("/2.0.0/"));
    await publishArtifact({ s3, bucket: BUCKET, app: "payments-api", version: "2.0.0", ...a, manifestFields: { gate } });
    // Act
    const written = await releaseVersion({ s3, bucket: BUCKET, fleet, app: "payments-api", version: "2.0.0", targets: ["wave:0", "bravo"], requestedBy: "bitbucket:{step}", reason: "merge to main" });
    // Assess
    expect(written.map((w) => w.env)).toEqual(["alpha", "bravo"]);
    for (const w of written) {
      expect(w.key).toMatch(new RegExp(`^releases/${w.env}/payments-api/2\\.0\\.0/\\d{8}T\\d{6}Z-[0-9a-f]{8}\\.json$`));
      const rec = ReleaseSchema.parse(JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: w.key }))).Body!.transformToString()));
      expect(rec).toMatchObject({ env: w.env, version: "2.0.0", artifactSha256: a.sha256, artifactKey: "artifacts/payments-api/2.0.0/payments-api-2.0.0.zip", reason: "merge to main", allowDowngrade: false });
    }
  });

  it("refuses the whole request when a target is on hold, pinned elsewhere or unknown, writing nothing", async () => {
    // Prepare
    const a = await artifact({ "x.txt": "held" });
    await publishArtifact({ s3, bucket: BUCKET, app: "payments-api", version: "2.1.0", ...a, manifestFields: { gate } });
    const envs = fleet.environments.map((e) => (e.name === "bravo" ? { ...e, hold: true } : e.name === "charlie" ? { ...e, pin: "1.0.0" } : e));
    const held: FleetConfig = { ...fleet, environments: envs };
    // Act
    const run = releaseVersion({ s3, bucket: BUCKET, fleet: held, app: "payments-api", version: "2.1.0", targets: ["alpha", "bravo", "charlie", "delta", "wave:9"], requestedBy: "test" });
    // Assess
    await expect(run).rejects.toThrow(/bravo is on hold[\s\S]*charlie is pinned to 1\.0\.0/);
    await expect(run).rejects.toThrow(/"delta" is neither an environment[\s\S]*wave:9: no environment is in wave 9/);
    expect(await keys("releases/alpha/payments-api/2.1.0/")).toEqual([]);
  });

  it("refuses to release when the artifact does not match its manifest", async () => {
    // Prepare: a manifest that claims other bytes, written around the pipe
    const a = await artifact({ "x.txt": "tampered" });
    await publishArtifact({ s3, bucket: BUCKET, app: "payments-api", version: "2.2.0", ...a, manifestFields: { gate } });
    const tamper = createS3(moto.env);
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    await tamper.send(new PutObjectCommand({ Bucket: BUCKET, Key: "artifacts/payments-api/2.2.0/manifest.json", Body: JSON.stringify({ schema: "cdktf-fleet/manifest@1", app: "payments-api", version: "2.2.0", sha256: "0".repeat(64), size: 10, files: 1, createdAt: new Date().toISOString(), gate }) }));
    tamper.destroy();
    // Act
    const run = releaseVersion({ s3, bucket: BUCKET, fleet, app: "payments-api", version: "2.2.0", targets: ["alpha"], requestedBy: "test" });
    // Assess
    await expect(run).rejects.toThrow(/does not match its manifest/);
    expect(await keys("releases/alpha/payments-api/2.2.0/")).toEqual([]);
  });
});

describeWithMoto("createS3 with Bitbucket OIDC against moto", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => moto?.stop());

  it("exchanges the step's token for the role (AssumeRoleWithWebIdentity) and uses those credentials", async () => {
    // Prepare: no static keys at all, only the role and the token, as in a Bitbucket step with `oidc: true`
    const env: Record<string, string> = { ...moto.env, AWS_OIDC_ROLE_ARN: "arn:aws:iam::210987654321:role/fleet-uploader", BITBUCKET_STEP_OIDC_TOKEN: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", BITBUCKET_BUILD_NUMBER: "12", BITBUCKET_REPO_SLUG: "payments" };
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    delete env.AWS_SESSION_TOKEN;
    const s3 = createS3(env);
    // Act
    await s3.send(new CreateBucketCommand({ Bucket: "oidc-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })); await s3.send(new PutBucketVersioningCommand({ Bucket: "oidc-bucket", VersioningConfiguration: { Status: "Enabled" } }));
    const creds = await s3.config.credentials();
    s3.destroy();
    // Assess
    expect(creds.accessKeyId).not.toBe("testing");
    expect(creds.sessionToken).toBeTruthy();
  });

  it("refuses before any call when the role is set but the step has no OIDC token", () => {
    // Act / Assess
    expect(() => createS3({ ...moto.env, AWS_OIDC_ROLE_ARN: "arn:aws:iam::210987654321:role/fleet-uploader" })).toThrow(/add `oidc: true` to this step/);
  });
});
