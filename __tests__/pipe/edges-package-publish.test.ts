/**
 * What `fleet package` and `fleet publish` refuse, and how: archive entries the deployer would refuse
 * (one shared set of rules), output paths that are not a plain file, a bucket without versioning, and
 * bytes that changed since they were hashed. Every refusal is a clear error naming the path, never an
 * internal error with a stack trace.
 */
import { CreateBucketCommand, ListObjectsV2Command, PutBucketVersioningCommand, type S3Client } from "@aws-sdk/client-s3";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import fc from "fast-check";
import { main } from "../../cli/main";
import { MAX_SEGMENT_BYTES, unsafeNameReason } from "../../core/entry-rules";
import { createS3 } from "../../pipe/aws";
import { publishArtifact } from "../../pipe/publish";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";

async function fleet(argv: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main({ argv, cwd, env: { PATH: process.env.PATH, ...env }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

/** A zip with exactly these entries, written by Python's zipfile (an independent writer). */
function pythonZip(file: string, entries: { name: string; link?: boolean }[]): void {
  const script = [
    "import json, sys, zipfile",
    "entries = json.loads(sys.argv[2])",
    "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
    "    for e in entries:",
    "        info = zipfile.ZipInfo(e['name'])",
    "        info.create_system = 3",
    "        info.external_attr = ((0o120777 if e.get('link') else 0o100644) << 16)",
    "        z.writestr(info, 'x')",
  ].join("\n");
  execFileSync("python3", ["-c", script, file, JSON.stringify(entries)]);
}

describe("Rules: archive entry names", () => {
  it("accept only plain relative paths that stay inside the target, for any string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.array(fc.constantFrom("a", "..", ".", "", "\\", "/", "C:", "\u0000", "\u0085", "é", "\ufffd", "x".repeat(256)), { maxLength: 6 }).map((p) => p.join("/"))), (name) => {
        const reason = unsafeNameReason(name);
        if (reason !== undefined) return;
        const plain = name.replace(/\/$/, "");
        expect(posix.isAbsolute(plain)).toBe(false);
        expect(posix.normalize(plain)).toBe(plain);
        expect(posix.resolve("/target", plain).startsWith("/target/")).toBe(true);
        // eslint-disable-next-line no-control-regex -- control characters are what it looks for
        expect(plain).not.toMatch(/[\\\u0000-\u001f\u007f-\u009f\ufffd]/);
        for (const segment of plain.split("/")) expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("fleet package: names and --out", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("fleet-edges-pkg-");
    writeTree(join(dir, "app"), { "a.txt": "a" });
  });
  afterEach(() => removeDir(dir));

  it("refuses a file name that is not UTF-8, or that the deployer would refuse, naming each", async () => {
    // Prepare: a Latin-1 name (bytes, not UTF-8), a backslash and an escape sequence in names.
    writeFileSync(Buffer.concat([Buffer.from(join(dir, "app") + "/caf"), Buffer.from([0xe9]), Buffer.from(".txt")]), "x");
    writeFileSync(join(dir, "app", "win\\path.txt"), "x");
    writeFileSync(join(dir, "app", "esc\u001b[31m.txt"), "x");
    // Act
    const r = await fleet(["package", "app", "--out", "out.zip"], dir);
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/internal error|\n {4}at /);
    expect(r.stderr).toContain("caf\\xe9.txt has a name that is not valid UTF-8");
    expect(r.stderr).toContain('"win\\\\path.txt": backslash in name');
    expect(r.stderr).toContain('"esc\\u001b[31m.txt": control character in name');
    expect(() => lstatSync(join(dir, "out.zip"))).toThrow();
  });

  it("refuses --out naming a directory, a device, a FIFO or a symbolic link, and leaves each as it was", async () => {
    // Prepare
    mkdirSync(join(dir, "outdir"));
    execFileSync("mkfifo", [join(dir, "fifo")]);
    writeFileSync(join(dir, "target.txt"), "keep me");
    symlinkSync(join(dir, "target.txt"), join(dir, "link.zip"));
    // Act
    const results = await Promise.all(["outdir", "/dev/null", "fifo", "link.zip"].map((out) => fleet(["package", "app", "--out", out], dir)));
    // Assess
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^✖ cannot write .*: it is (a directory|a device, FIFO or socket|a symbolic link)/);
      expect(r.stderr).not.toMatch(/internal error|\n {4}at /);
    }
    expect(lstatSync("/dev/null").isCharacterDevice()).toBe(true);
    expect(lstatSync(join(dir, "fifo")).isFIFO()).toBe(true);
    expect(lstatSync(join(dir, "link.zip")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "target.txt"), "utf8")).toBe("keep me");
  });

  it("names the path when --out lies under a file", async () => {
    const r = await fleet(["package", "app", "--out", "app/a.txt/x.zip"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a\.txt\/x\.zip: a part of (its directory path|the path) is a file/);
  });
});

describe("fleet publish: what it is given", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("fleet-edges-pub-");
  });
  afterEach(() => removeDir(dir));

  it("refuses a directory with a clear message instead of an internal error", async () => {
    writeTree(join(dir, "app"), { "a.txt": "a" });
    const r = await fleet(["publish", "app", "--app", "shop", "--version", "1.0.0", "--bucket", "some-bucket"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^✖ .*app is a directory; fleet publish takes the zip file/);
  });

  it("reads the zip's central directory and refuses every entry the deployer would refuse", async () => {
    // Prepare
    pythonZip(join(dir, "bad.zip"), [{ name: "ok.txt" }, { name: "../escape.txt" }, { name: "dir\\file.txt" }, { name: "ctl\u0007.txt" }, { name: "link", link: true }, { name: "ok.txt" }, { name: "/etc/passwd" }]);
    // Act
    const r = await fleet(["publish", "bad.zip", "--app", "shop", "--version", "1.0.0", "--bucket", "some-bucket"], dir);
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the deployer would refuse this archive; 6 problems");
    for (const text of ["'..' segment", "backslash in name", "control character in name", "symbolic link", "appears twice", "absolute path"]) expect(r.stderr).toContain(text);
  });
});

describeWithMoto("publishArtifact against moto: where and what", () => {
  let moto: Moto;
  let s3: S3Client;
  let dir: string;
  beforeAll(async () => {
    moto = await startMoto();
    s3 = createS3(moto.env);
    await s3.send(new CreateBucketCommand({ Bucket: "versioned", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: "versioned", VersioningConfiguration: { Status: "Enabled" } }));
    await s3.send(new CreateBucketCommand({ Bucket: "plain", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
  });
  afterAll(async () => {
    s3.destroy();
    await moto.stop();
  });
  beforeEach(() => {
    dir = tempDir("fleet-edges-s3-");
  });
  afterEach(() => removeDir(dir));

  const input = (bucket: string, file: string, sha256: string) => ({ s3, bucket, app: "shop", version: "1.0.0", file, sha256, files: 1, manifestFields: { gate: { lint: "skipped" as const, test: "skipped" as const, sonar: "skipped" as const } } });

  it("refuses a bucket without versioning before writing anything", async () => {
    const file = join(dir, "a.zip");
    writeFileSync(file, "zip bytes");
    const sha = createHash("sha256").update("zip bytes").digest("hex");
    await expect(publishArtifact(input("plain", file, sha))).rejects.toThrow(/s3:\/\/plain does not have versioning enabled \(it was never enabled\)/);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: "plain" }))).KeyCount).toBe(0);
  });

  it("hashes the exact bytes of the single PUT: a file swapped since packaging is refused, nothing stored", async () => {
    // Prepare: the manifest's hash is of other bytes than the file now holds (same size).
    const file = join(dir, "a.zip");
    writeFileSync(file, "swapped!!");
    const sha = createHash("sha256").update("zip bytes").digest("hex");
    // Act / Assess
    await expect(publishArtifact({ ...input("versioned", file, sha), version: "1.0.1" })).rejects.toThrow(/does not match its SHA-256 any more/);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: "versioned", Prefix: "artifacts/shop/1.0.1/" }))).KeyCount).toBe(0);
  });

  it("sends the body with its SHA-256 and MD5 so that the store verifies them", async () => {
    // Prepare: record the headers of the artifact's PUT at the SDK boundary.
    const file = join(dir, "a.zip");
    writeFileSync(file, "zip bytes");
    const sha = createHash("sha256").update("zip bytes").digest("hex");
    const seen: Record<string, string>[] = [];
    const client = createS3(moto.env);
    client.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { method?: string; path?: string; headers?: Record<string, string> };
        if (req.method === "PUT" && req.path?.endsWith(".zip")) seen.push({ ...req.headers });
        return next(args);
      },
      { step: "finalizeRequest", name: "recordHeaders" },
    );
    // Act
    await publishArtifact({ ...input("versioned", file, sha), s3: client, version: "1.0.2" });
    client.destroy();
    // Assess
    expect(seen).toHaveLength(1);
    expect(seen[0]?.["x-amz-checksum-sha256"]).toBe(Buffer.from(sha, "hex").toString("base64"));
    expect(seen[0]?.["content-md5"]).toBe(createHash("md5").update("zip bytes").digest("base64"));
  });
});
