/**
 * Safe extraction on real files: every archive either extracts completely or is refused/failed with one
 * named error, and nothing is left behind (no target, no staging directory), whatever the entries are.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { DeployFailedError, DeployRefusedError } from "../../deployer/errors";
import { extractArchive } from "../../deployer/extract";
import { removeDir, tempDir } from "../helpers/fs";
import { makeZip, type ZipEntrySpec } from "./fixtures";

const LIMITS = { maxBytes: 10_000_000, maxFiles: 1000 };

function setup(entries: readonly ZipEntrySpec[]) {
  const dir = tempDir("fleet-extract-");
  const zip = join(dir, "a.zip");
  writeFileSync(zip, makeZip(entries));
  return { dir, zip, target: join(dir, "release") };
}

/** The outcome as a user sees it: the error's class and message, and what is left in the directory. */
async function attempt(entries: readonly ZipEntrySpec[]) {
  const { dir, zip, target } = setup(entries);
  try {
    const result = await extractArchive(zip, target, LIMITS).then(
      (r) => ({ ok: true as const, files: r.files }),
      (err: unknown) => ({ ok: false as const, err }),
    );
    return { result, left: readdirSync(dir).sort(), target };
  } finally {
    if (!existsSync(join(dir, "keep"))) removeDir(dir);
  }
}

function expectRefused(outcome: Awaited<ReturnType<typeof attempt>>, message: RegExp) {
  expect(outcome.result.ok).toBe(false);
  const err = (outcome.result as { err: unknown }).err;
  expect(err).toBeInstanceOf(DeployRefusedError);
  expect((err as Error).message).toMatch(message);
  // Only the zip: no target, no staging directory.
  expect(outcome.left).toEqual(["a.zip"]);
}

describe("extractArchive", () => {
  it("refuses a file `a` beside an entry `a/b` (either order), writing nothing", async () => {
    // Act
    const first = await attempt([{ name: "a", data: "x" }, { name: "a/b", data: "y" }]);
    const second = await attempt([{ name: "a/b", data: "y" }, { name: "a", data: "x" }]);
    const dirEntry = await attempt([{ name: "a/", data: "" }, { name: "a", data: "x" }]);
    // Assess
    for (const o of [first, second]) expectRefused(o, /unsafe archive: entry "a" is a file, but other entries need it to be a directory/);
    expectRefused(dirEntry, /unsafe archive: entry "a": appears twice/);
  });

  it("refuses a name with a segment too long for the file system", async () => {
    // Act
    const o = await attempt([{ name: "ok.txt", data: "1" }, { name: `dir/${"n".repeat(300)}.txt`, data: "2" }]);
    // Assess
    expectRefused(o, /a path segment is longer than 255 bytes/);
  });

  it("refuses an entry that inflates past its declared size while other entries are still streaming", async () => {
    // Prepare: many ordinary entries around the liar, so that several streams are open when it fails
    const entries: ZipEntrySpec[] = [];
    for (let i = 0; i < 40; i++) entries.push({ name: `f/${i}.bin`, data: Buffer.alloc(50_000, i) });
    entries.splice(3, 0, { name: "bomb.bin", data: Buffer.alloc(400_000), declaredSize: 10 });
    // Act
    const o = await attempt(entries);
    // Assess
    expectRefused(o, /unsafe archive: entry "bomb\.bin" inflates to more than its declared 10 bytes/);
  });

  it("refuses an entry that inflates to fewer bytes than it declares", async () => {
    // Act
    const o = await attempt([{ name: "short.txt", data: "abc", declaredSize: 1000 }]);
    // Assess
    expectRefused(o, /entry "short\.txt" inflates to 3 bytes, it declares 1000/);
  });

  it("fails (not refuses) when the work directory cannot be written, naming the cause", async () => {
    // Prepare: the target's parent is a file, so the staging directory cannot be created
    const dir = tempDir("fleet-extract-");
    const zip = join(dir, "a.zip");
    writeFileSync(zip, makeZip([{ name: "x.txt", data: "x" }]));
    writeFileSync(join(dir, "blocked"), "");
    // Act
    const err = await extractArchive(zip, join(dir, "blocked", "release"), LIMITS).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(DeployFailedError);
    expect((err as Error).message).toMatch(/^could not prepare the work directory .*blocked: E(EXIST|NOTDIR): .*\(FLEET_WORK_DIR must have room and be writable\)$/);
    removeDir(dir);
  });

  it("extracts whatever is sound and refuses the rest, leaving either the whole tree or nothing (property)", async () => {
    // Names from a tiny alphabet collide often: files beside directories, duplicates, nesting.
    const segment = fc.constantFrom("a", "b", "c");
    const entry = fc.record({
      name: fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join("/")),
      dir: fc.boolean(),
      data: fc.uint8Array({ maxLength: 3000 }),
      method: fc.constantFrom<0 | 8>(0, 8),
      lie: fc.constantFrom("none", "none", "none", "size+", "size-", "crc"),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 8 }), async (specs) => {
        // Prepare
        const entries: ZipEntrySpec[] = specs.map((s) => {
          if (s.dir) return { name: `${s.name}/` };
          const data = Buffer.from(s.data);
          const lie = s.lie === "size+" ? { declaredSize: data.length + 1 } : s.lie === "size-" && data.length > 0 ? { declaredSize: data.length - 1 } : s.lie === "crc" ? { crc: 12345 } : {};
          return { name: s.name, data, method: s.method, ...lie };
        });
        // Act
        const o = await attempt(entries);
        // Assess
        const seen = o.result.ok
          ? { left: o.left }
          : { left: o.left, named: o.result.err instanceof DeployRefusedError || o.result.err instanceof DeployFailedError, oneLine: !String((o.result.err as Error).message).includes("\n") };
        expect(seen).toEqual(o.result.ok ? { left: ["a.zip", "release"] } : { left: ["a.zip"], named: true, oneLine: true });
      }),
      { numRuns: 150 },
    );
  });

  it("extracts a sound archive completely, with the contents of each entry", async () => {
    // Prepare
    const { dir, zip, target } = setup([{ name: "d/", data: "" }, { name: "d/x.txt", data: "hello" }, { name: "e/f/g.bin", data: Buffer.alloc(70_000, 7) }]);
    // Act
    const r = await extractArchive(zip, target, LIMITS);
    // Assess
    expect(r).toEqual({ files: 2, bytes: 70_005 });
    expect(readFileSync(join(target, "d/x.txt"), "utf8")).toBe("hello");
    expect(readFileSync(join(target, "e/f/g.bin")).equals(Buffer.alloc(70_000, 7))).toBe(true);
    removeDir(dir);
  });
});
