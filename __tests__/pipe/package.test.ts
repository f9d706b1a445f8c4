import { spawnSync } from "node:child_process";
import { randomBytes, createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, utimesSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import yauzl from "yauzl";
import { packageTree } from "../../pipe/package";
import { PackageError } from "../../pipe/errors";
import { crc32, crc32Combine, crc32Table } from "../../core/zip/crc32";
import { walkTree } from "../../pipe/zip/walk";
import { inspectZip } from "../../pipe/zip/inspect";
import { writeZip } from "../../pipe/zip/writer";
import { removeDir, tempDir, writeTree } from "../helpers/fs";

interface ReadEntry {
  name: string;
  mode: number;
  data: Buffer;
  mtime: Date;
}

async function readZip(file: string): Promise<ReadEntry[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  return new Promise((resolve, reject) => {
    const out: ReadEntry[] = [];
    zip.on("error", reject);
    zip.on("end", () => resolve(out));
    zip.on("entry", (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("error", reject);
        stream.on("end", () => {
          out.push({ name: entry.fileName, mode: (entry.externalFileAttributes >>> 16) & 0o7777, data: Buffer.concat(chunks), mtime: entry.getLastModDate() });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

const sample = (): Record<string, string | Buffer> => ({
  "cdktf.out/stacks/workload-alpha/cdk.tf.json": JSON.stringify({ resource: { x: 1 } }),
  "src/app.ts": "export const x = 1;\n".repeat(200),
  "src/ünïcode.txt": "utf-8 names",
  "README.md": "# app\n",
  "empty.txt": "",
  "bin/run.sh": "#!/bin/sh\necho hi\n",
  "assets/random.bin": randomBytes(50_000),
  ".git/HEAD": "ref: refs/heads/main\n",
  "node_modules/x/index.js": "module.exports = 1;\n",
  ".terraform/providers/p": "x",
  "src/.DS_Store": "junk",
});

describe("packageTree", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("fleet-pkg-");
  });
  afterEach(() => removeDir(dir));

  it("writes a zip that unzip -t accepts and yauzl reads back, with fixed times, modes and excluded clutter", async () => {
    // Prepare
    const tree = writeTree(join(dir, "tree"), sample());
    chmodSync(join(tree, "bin/run.sh"), 0o775);
    // Act
    const result = await packageTree({ root: tree, out: join(dir, "out/app.zip") });
    // Assess
    const test = spawnSync("unzip", ["-t", join(dir, "out/app.zip")], { encoding: "utf8" });
    expect(test.status).toBe(0);
    const entries = await readZip(join(dir, "out/app.zip"));
    expect(entries.map((e) => e.name)).toEqual(["README.md", "assets/random.bin", "bin/run.sh", "cdktf.out/stacks/workload-alpha/cdk.tf.json", "empty.txt", "src/app.ts", "src/ünïcode.txt"]);
    expect(result.files).toBe(7);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get("bin/run.sh")!.mode).toBe(0o755);
    expect(byName.get("README.md")!.mode).toBe(0o644);
    expect(byName.get("assets/random.bin")!.data.equals(readFileSync(join(tree, "assets/random.bin")))).toBe(true);
    expect(byName.get("src/app.ts")!.data.toString()).toBe("export const x = 1;\n".repeat(200));
    expect(entries.every((e) => e.mtime.getFullYear() === 1980)).toBe(true);
    const bytes = readFileSync(join(dir, "out/app.zip"));
    expect(result.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(result.size).toBe(bytes.length);
    expect(readdirSync(join(dir, "out"))).toEqual(["app.zip"]); // no partial file left beside it
  });

  it("gives byte-equal archives for the same tree in different directories with different mtimes", async () => {
    // Prepare
    const files = sample();
    const a = writeTree(join(dir, "a"), files);
    const b = writeTree(join(dir, "elsewhere/b"), files);
    utimesSync(join(a, "src/app.ts"), new Date("2001-02-03T04:05:06Z"), new Date("2001-02-03T04:05:06Z"));
    utimesSync(join(b, "README.md"), new Date("2030-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"));
    // Act
    const ra = await packageTree({ root: a, out: join(dir, "a.zip") });
    const rb = await packageTree({ root: b, out: join(dir, "b.zip"), workers: 1 });
    // Assess
    expect(readFileSync(join(dir, "a.zip")).equals(readFileSync(join(dir, "b.zip")))).toBe(true);
    expect(ra.sha256).toBe(rb.sha256);
  });

  it("refuses symlinks, naming every one of them", async () => {
    // Prepare
    const tree = writeTree(join(dir, "t"), { "a.txt": "a", "sub/b.txt": "b" });
    symlinkSync("/etc/passwd", join(tree, "sub/passwd"));
    symlinkSync("../a.txt", join(tree, "sub/a-link"));
    // Act
    const run = packageTree({ root: tree, out: join(dir, "t.zip") });
    // Assess
    await expect(run).rejects.toThrow(PackageError);
    await expect(run).rejects.toThrow(/sub\/a-link is a symbolic link \(→ \.\.\/a\.txt\)[\s\S]*sub\/passwd is a symbolic link \(→ \/etc\/passwd\)|sub\/passwd[\s\S]*sub\/a-link/);
    expect(existsSync(join(dir, "t.zip"))).toBe(false);
  });

  it("packages only the included paths and honours a custom exclude list", async () => {
    // Prepare
    const tree = writeTree(join(dir, "t"), sample());
    // Act
    await packageTree({ root: tree, out: join(dir, "t.zip"), include: ["cdktf.out", "src"], exclude: ["src/app.ts", ".DS_Store"] });
    // Assess
    const names = (await readZip(join(dir, "t.zip"))).map((e) => e.name);
    expect(names).toEqual(["cdktf.out/stacks/workload-alpha/cdk.tf.json", "src/ünïcode.txt"]);
  });

  it("refuses an include path outside the root and an empty result", async () => {
    // Prepare
    const tree = writeTree(join(dir, "t"), { ".git/HEAD": "x" });
    // Act / Assess
    await expect(packageTree({ root: tree, out: join(dir, "x.zip"), include: ["../.."] })).rejects.toThrow(/outside/);
    await expect(packageTree({ root: tree, out: join(dir, "x.zip") })).rejects.toThrow(/nothing to package/);
  });

  it("does not package its own output when the archive is written inside the tree", async () => {
    // Prepare
    const tree = writeTree(join(dir, "t"), { "a.txt": "a" });
    await packageTree({ root: tree, out: join(tree, "dist/app.zip") });
    // Act
    await packageTree({ root: tree, out: join(tree, "dist/app.zip") });
    // Assess
    expect((await readZip(join(tree, "dist/app.zip"))).map((e) => e.name)).toEqual(["a.txt"]);
  });
});

describe("writeZip with chunked large files", () => {
  it("streams files larger than a chunk in parallel pieces that still inflate to the original bytes", async () => {
    // Prepare
    const dir = tempDir("fleet-zip-");
    try {
      const text = Buffer.from("the quick brown fox jumps over the lazy dog\n".repeat(20_000));
      const big = Buffer.concat([randomBytes(100_000), text, randomBytes(70_001)]);
      writeTree(join(dir, "t"), { "big.bin": big, "small.txt": "small" });
      mkdirSync(join(dir, "o"));
      const entries = walkTree(join(dir, "t"));
      // Act
      const r1 = await writeZip(entries, join(dir, "o/1.zip"), { chunkSize: 64 * 1024, workers: 2 });
      const r2 = await writeZip(entries, join(dir, "o/2.zip"), { chunkSize: 64 * 1024, workers: 1 });
      // Assess
      expect(spawnSync("unzip", ["-t", join(dir, "o/1.zip")]).status).toBe(0);
      const back = await readZip(join(dir, "o/1.zip"));
      expect(back.find((e) => e.name === "big.bin")!.data.equals(big)).toBe(true);
      expect(r1.sha256).toBe(r2.sha256);
      expect(r1.size).toBeLessThan(big.length); // the text in the middle compressed across chunk borders
    } finally {
      removeDir(dir);
    }
  });
});

describe("writeZip entry data", () => {
  it("deflates a small file to exactly zlib.deflateRawSync's bytes at level 6 (the reused stream changes nothing)", async () => {
    // Prepare
    const dir = tempDir("fleet-zip-");
    try {
      const content = Buffer.from("export const answer = 42;\n".repeat(300));
      writeTree(join(dir, "t"), { "a.ts": content, "b.ts": content });
      // Act
      await writeZip(walkTree(join(dir, "t")), join(dir, "t.zip"), { workers: 1 });
      // Assess
      const zip = readFileSync(join(dir, "t.zip"));
      const compressedSize = zip.readUInt32LE(18);
      const nameLen = zip.readUInt16LE(26);
      expect(zip.readUInt16LE(8)).toBe(8);
      const first = zip.subarray(30 + nameLen, 30 + nameLen + compressedSize);
      expect(first.equals(deflateRawSync(content, { level: 6 }))).toBe(true);
      const second = zip.subarray(30 + nameLen + compressedSize + 30 + nameLen, 30 + nameLen + compressedSize + 30 + nameLen + compressedSize);
      expect(second.equals(first)).toBe(true);
    } finally {
      removeDir(dir);
    }
  });

  it("stores random data without deflating it and still reads back the original bytes", async () => {
    // Prepare
    const dir = tempDir("fleet-zip-");
    try {
      const random = randomBytes(300_000);
      const mixed = Buffer.concat([randomBytes(200_000), Buffer.alloc(200_000), randomBytes(200_000)]);
      const smallMixed = Buffer.concat([randomBytes(100_000), Buffer.alloc(100_000)]); // below the chunk size: one entry, two runs
      writeTree(join(dir, "t"), { "r.bin": random, "m.bin": mixed, "s.bin": smallMixed, "z.txt": "after the mixed ones" });
      // Act
      const r = await writeZip(walkTree(join(dir, "t")), join(dir, "t.zip"), { chunkSize: 256 * 1024 });
      // Assess
      const back = new Map((await readZip(join(dir, "t.zip"))).map((e) => [e.name, e.data]));
      expect(back.get("r.bin")!.equals(random)).toBe(true);
      expect(back.get("m.bin")!.equals(mixed)).toBe(true);
      expect(back.get("s.bin")!.equals(smallMixed)).toBe(true);
      expect(back.get("z.txt")!.toString()).toBe("after the mixed ones");
      expect(r.size).toBeLessThan(random.length + 400_000 + 100_000 + 3000); // the zeros were deflated away
      expect(spawnSync("unzip", ["-t", join(dir, "t.zip")]).status).toBe(0);
    } finally {
      removeDir(dir);
    }
  });
});

describe("writeZip with more than 65,535 entries", () => {
  it("writes ZIP64 end records that unzip and yauzl accept", async () => {
    // Prepare: one small file listed under 66,000 names (the entry count is what overflows)
    const dir = tempDir("fleet-zip64-");
    try {
      writeTree(dir, { "f.txt": "zip64\n" });
      const entries = Array.from({ length: 66_000 }, (_, i) => ({ name: `d${Math.floor(i / 1000)}/f${i}.txt`, abs: join(dir, "f.txt"), size: 6, mode: 0o644 }));
      // Act
      const r = await writeZip(entries, join(dir, "big.zip"));
      // Assess
      expect(r.files).toBe(66_000);
      const bytes = readFileSync(join(dir, "big.zip"));
      expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]), bytes.length - 200)).toBeGreaterThan(0); // ZIP64 end record
      expect(spawnSync("unzip", ["-tq", join(dir, "big.zip")], { encoding: "utf8" }).stdout).toMatch(/No errors detected/);
      const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(join(dir, "big.zip"), { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
      expect(zip.entryCount).toBe(66_000);
      zip.close();
      expect(await inspectZip(join(dir, "big.zip"))).toEqual({ sha256: r.sha256, size: r.size, files: 66_000 });
    } finally {
      removeDir(dir);
    }
  });
});

describe("crc32", () => {
  it("matches the table implementation and combines adjacent pieces", () => {
    // Prepare
    const a = randomBytes(1000);
    const b = randomBytes(3333);
    // Act
    const whole = crc32(Buffer.concat([a, b]));
    // Assess
    expect(crc32Table(Buffer.concat([a, b]))).toBe(whole);
    expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(whole);
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });
});
