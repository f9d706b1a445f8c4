import { CreateBucketCommand, PutBucketVersioningCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { cpSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { main } from "../../cli/main";
import { createS3 } from "../../pipe/aws";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";

async function fleet(argv: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main({ argv, cwd, env: { PATH: process.env.PATH, ...env }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

describe("fleet package", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("fleet-cli-pkg-");
  });
  afterEach(() => removeDir(dir));

  it("prints exactly {sha256,size,files} with --json, matching the file it wrote", async () => {
    // Prepare
    writeTree(join(dir, "app"), { "a.txt": "a", "cdktf.out/stacks/x/cdk.tf.json": "{}", ".git/HEAD": "x" });
    // Act
    const r = await fleet(["package", "app", "--out", "out/app.zip", "--json"], dir);
    // Assess
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(printed).sort()).toEqual(["files", "sha256", "size"]);
    const bytes = readFileSync(join(dir, "out/app.zip"));
    expect(printed).toEqual({ sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length, files: 2 });
  });

  it("exits 2 on bad usage and 1 with a message on a missing directory", async () => {
    // Prepare
    writeTree(join(dir, "app"), { "a.txt": "a" });
    // Act
    const noOut = await fleet(["package", "app"], dir);
    const missing = await fleet(["package", "nope", "--out", "x.zip"], dir);
    // Assess
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out <file\.zip> is required/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^✖ cannot package .*nope: the directory does not exist\n$/);
  });
});

describeWithMoto("fleet publish and fleet release against moto", () => {
  let moto: Moto;
  let s3: S3Client;
  let dir: string;
  beforeAll(async () => {
    moto = await startMoto();
    s3 = createS3(moto.env);
    for (const b of ["acme-fleet-artifacts", "other-bucket"]) {
      await s3.send(new CreateBucketCommand({ Bucket: b, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
      await s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: "Enabled" } }));
    }
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });
  beforeEach(() => {
    dir = tempDir("fleet-cli-pub-");
    cpSync(join(__dirname, "../../environments"), join(dir, "environments"), { recursive: true });
    writeTree(join(dir, "app"), { "main.ts": "x" });
  });
  afterEach(() => removeDir(dir));

  const keys = async (bucket: string, prefix: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);

  it("publishes to the bucket of fleet.yaml, or to --bucket, and releases to environments and waves", async () => {
    // Prepare
    expect((await fleet(["package", "app", "--out", "app.zip"], dir)).code).toBe(0);
    // Act
    const pub = await fleet(["publish", "app.zip", "--app", "payments-api", "--version", "4.0.0", "--json"], dir, moto.env);
    const other = await fleet(["publish", "app.zip", "--app", "payments-api", "--version", "4.0.0", "--bucket", "other-bucket"], dir, moto.env);
    const again = await fleet(["publish", "app.zip", "--app", "payments-api", "--version", "4.0.0"], dir, moto.env);
    const rel = await fleet(["release", "--app", "payments-api", "--version", "4.0.0", "--to", "wave:0", "charlie", "--reason", "hotfix", "--allow-downgrade"], dir, { ...moto.env, FLEET_REQUESTED_BY: "ops@acme" });
    // Assess
    expect(pub.code).toBe(0);
    expect(JSON.parse(pub.stdout)).toMatchObject({ bucket: "acme-fleet-artifacts", artifactKey: "artifacts/payments-api/4.0.0/payments-api-4.0.0.zip", alreadyPublished: false });
    expect(other.code).toBe(0);
    expect(await keys("other-bucket", "artifacts/")).toHaveLength(2);
    expect(again.stdout).toMatch(/^✔ already published s3:\/\/acme-fleet-artifacts\/artifacts\/payments-api\/4\.0\.0\/payments-api-4\.0\.0\.zip/);
    expect(rel.code).toBe(0);
    expect(rel.stdout).toMatch(/✔ released payments-api 4\.0\.0 to alpha: releases\/alpha\/payments-api\/4\.0\.0\/\d{8}T\d{6}Z-[0-9a-f]{8}\.json\n✔ released payments-api 4\.0\.0 to charlie/);
    expect(await keys("acme-fleet-artifacts", "releases/charlie/payments-api/4.0.0/")).toHaveLength(1);
  });

  it("refuses other bytes under a published version and a release of an unpublished one, exit 1", async () => {
    // Prepare
    expect((await fleet(["package", "app", "--out", "a.zip"], dir)).code).toBe(0);
    writeTree(join(dir, "app"), { "main.ts": "changed" });
    expect((await fleet(["package", "app", "--out", "b.zip"], dir)).code).toBe(0);
    expect((await fleet(["publish", "a.zip", "--app", "payments-api", "--version", "4.1.0"], dir, moto.env)).code).toBe(0);
    // Act
    const conflict = await fleet(["publish", "b.zip", "--app", "payments-api", "--version", "4.1.0"], dir, moto.env);
    const unpublished = await fleet(["release", "--app", "payments-api", "--version", "9.9.9", "--to", "alpha"], dir, moto.env);
    const badVersion = await fleet(["publish", "a.zip", "--app", "payments-api", "--version", "1.0.0+build"], dir, moto.env);
    // Assess
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/✖ version 4\.1\.0 of payments-api is already published with different bytes/);
    expect(unpublished.code).toBe(1);
    expect(unpublished.stderr).toMatch(/payments-api 9\.9\.9 is not published/);
    expect(badVersion.code).toBe(2);
  });
});
