/**
 * `fleet package` gives the same bytes for the same tree, however its files are spread over the workers:
 * an entry's compressed bytes depend on its content only, never on what the same worker compressed before.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import fc from "fast-check";
import yauzl from "yauzl";
import { packageTree } from "../../pipe/package";
import { CompressPool } from "../../pipe/zip/pool";
import { removeDir, tempDir, writeTree } from "../helpers/fs";

/** Pseudo-random text over `alphabet`: a small one makes deflate find many short matches. */
function text(length: number, seed: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 \n"): string {
  let s = seed >>> 0;
  let t = "";
  while (t.length < length) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    t += alphabet[(s >>> 16) % alphabet.length];
  }
  return t;
}
const SMALL = "abcdefg \n";

/**
 * A file, and one compressed just before it whose bytes continue it ("VW…"): zlib's window then still
 * holds "VW" right past the second file's end, where its last bytes are hashed. With a reused zlib
 * stream the second file's tail "STU" matched the earlier "STUVW" only after such a neighbour.
 */
function neighbours(seed: number): { before: string; file: string } {
  const file = `${text(500, seed)}STUVW${text(300, seed + 1000)}#STU`;
  return { before: `${file}VW${text(400, seed + 7)}`, file };
}

/** The raw (still compressed) bytes of each entry. */
async function rawEntries(zipPath: string): Promise<Map<string, { method: number; data: Buffer }>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(zipPath, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  return new Promise((resolve, reject) => {
    const out = new Map<string, { method: number; data: Buffer }>();
    zip.on("error", reject);
    zip.on("end", () => resolve(out));
    zip.on("entry", (entry: yauzl.Entry) => {
      zip.openReadStream(entry, { decompress: false }, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("error", reject);
        stream.on("end", () => {
          out.set(entry.fileName, { method: entry.compressionMethod, data: Buffer.concat(chunks) });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("fleet package is byte-deterministic", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("fleet-zip-det-");
  });
  afterEach(() => removeDir(dir));

  it("an entry is compressed the same whether or not a similar file went through the same worker before it", async () => {
    const { before, file } = neighbours(1);
    writeTree(join(dir, "both"), { "a.txt": before, "b.txt": file });
    writeTree(join(dir, "alone"), { "b.txt": file });
    await packageTree({ root: join(dir, "both"), out: join(dir, "both.zip"), workers: 1 });
    await packageTree({ root: join(dir, "alone"), out: join(dir, "alone.zip"), workers: 1 });
    const withNeighbour = (await rawEntries(join(dir, "both.zip"))).get("b.txt");
    const alone = (await rawEntries(join(dir, "alone.zip"))).get("b.txt");
    expect(withNeighbour?.method).toBe(8);
    expect(withNeighbour?.data.equals(alone?.data ?? Buffer.alloc(0))).toBe(true);
  });

  it("the same tree gives the same bytes with 1, 3 or 2 workers, run after run", async () => {
    // Each file is a prefix of the one sorted before it: wherever a batch boundary falls, the file after
    // it would meet a different neighbour in a worker's history.
    const files: Record<string, string | Buffer> = {};
    for (let g = 0; g < 40; g++) {
      const whole = text(9000, g, SMALL);
      for (let i = 0; i < 15; i++) files[`src/g${String(g).padStart(2, "0")}/f${String(i).padStart(2, "0")}.txt`] = whole.slice(0, whole.length - i * 431);
    }
    files["assets/large.txt"] = text(3 * 1024 * 1024, 42);
    const root = writeTree(join(dir, "tree"), files);
    const runs = [{ workers: 1 }, { workers: 3 }, { workers: 2 }];
    const digests: string[] = [];
    for (const [i, r] of runs.entries()) {
      const out = join(dir, `${i}.zip`);
      await packageTree({ root, out, ...r });
      digests.push(sha256(out));
    }
    expect(new Set(digests).size).toBe(1);
  });

  it("property: a file's compressed bytes are deflate's from a fresh state, whatever the worker compressed before", async () => {
    const pool = new CompressPool(1);
    try {
      await fc.assert(
        // The file is a prefix of the one before it: the bytes past its end in zlib's window continue it.
        fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 300 }), async (seed, length, extra) => {
          const before = Buffer.from(text(length + extra, seed, SMALL));
          const file = before.subarray(0, length);
          const paths = [join(dir, "before.txt"), join(dir, "file.txt")];
          writeTree(dir, { "before.txt": before, "file.txt": file });
          const [, got] = await pool.files(paths, 6);
          const fresh = deflateRawSync(file, { level: 6 });
          expect(got?.method === 8 ? Buffer.from(got.data).equals(fresh) : got?.method === 0).toBe(true);
        }),
        { numRuns: 40 },
      );
    } finally {
      await pool.close();
    }
  });
});
