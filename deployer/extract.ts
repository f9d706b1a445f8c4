/**
 * Safe extraction of the verified artifact (yauzl adapter over the pure rules in core/entry-rules.ts).
 *
 * - The central directory is read and every entry checked (names, links, duplicates, count, declared
 *   sizes) before anything is written: a refused archive writes nothing.
 * - Declared sizes are not trusted: the bytes actually inflated are counted against the limit, and each
 *   entry's CRC-32 is checked (yauzl checks sizes, not CRCs).
 * - Files are created with O_EXCL ("wx"), never over something that exists.
 * - Everything goes into a staging directory beside the target, renamed onto the target only when
 *   complete and removed on any failure: there is never a partial tree where the target should be.
 */
import { createWriteStream } from "node:fs";
import { access, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { basename, dirname, join, relative, isAbsolute } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import { getFileNameLowLevel, openPromise, type Entry, type ZipFile } from "yauzl";
import { checkEntries, entryKind, isExecutable, type ArchiveLimits, type EntryInfo } from "../core/entry-rules";
import { DeployFailedError, DeployRefusedError } from "./errors";

/** Files written at once. */
const WRITE_CONCURRENCY = 4;

/** The archive is not safe (or not sound) to extract: refused, nothing written. */
export class UnsafeArchiveError extends DeployRefusedError {}

export interface ExtractResult {
  readonly files: number;
  readonly bytes: number;
}

interface NamedEntry extends EntryInfo {
  readonly entry: Entry;
}

export async function extractArchive(zipPath: string, targetDir: string, limits: ArchiveLimits): Promise<ExtractResult> {
  if (await exists(targetDir)) throw new DeployFailedError(`extraction directory ${targetDir} already exists; extraction needs a fresh directory`);
  let zip: ZipFile;
  try {
    // decodeStrings:false: yauzl's own name checks would throw generic errors; ours name the entry and reason.
    zip = await openPromise(zipPath, { autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true });
  } catch (err) {
    throw new UnsafeArchiveError(`unsafe archive: not a readable zip (${(err as Error).message})`);
  }
  try {
    // The entry count is in the end-of-central-directory record: refuse a huge archive before listing it.
    if (zip.entryCount > limits.maxFiles) throw new UnsafeArchiveError(`unsafe archive: archive has ${zip.entryCount} entries, the limit is ${limits.maxFiles}`);
    const entries = await listEntries(zip);
    const problem = checkEntries(entries, limits);
    if (problem) throw new UnsafeArchiveError(`unsafe archive: ${problem}`);
    return await extractInto(zip, entries, targetDir, limits);
  } finally {
    zip.close();
  }
}

async function listEntries(zip: ZipFile): Promise<NamedEntry[]> {
  const entries: NamedEntry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const fileName = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      entries.push({ entry, fileName, kind: entryKind(fileName, entry.externalFileAttributes, entry.versionMadeBy), uncompressedSize: entry.uncompressedSize });
    }
  } catch (err) {
    throw new UnsafeArchiveError(`unsafe archive: central directory unreadable (${(err as Error).message})`);
  }
  return entries;
}

async function extractInto(zip: ZipFile, entries: readonly NamedEntry[], targetDir: string, limits: ArchiveLimits): Promise<ExtractResult> {
  const parent = dirname(targetDir);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, `.${basename(targetDir)}.partial-`));
  const budget = { left: limits.maxBytes, limit: limits.maxBytes };
  // Directories first (each once), then files a few at a time: yauzl reads entries with positional reads,
  // so parallel streams are safe, and small files are dominated by open/close latency, not bytes.
  const dirs = new Set<string>();
  const files = entries.filter((e) => e.kind !== "directory");
  try {
    for (const e of entries) {
      const dest = join(staging, e.fileName);
      // Defence in depth: the name rules already exclude this.
      const rel = relative(staging, dest);
      if (rel.startsWith("..") || isAbsolute(rel)) throw new UnsafeArchiveError(`unsafe archive: entry ${JSON.stringify(e.fileName)} resolves outside the target`);
      dirs.add(e.kind === "directory" ? dest : dirname(dest));
    }
    for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && next < files.length) {
        const e = files[next++];
        try {
          await writeEntry(zip, e, join(staging, e.fileName), budget);
        } catch (err) {
          failed = true;
          throw err;
        }
      }
    };
    // allSettled: every worker has stopped before the staging directory is removed below.
    const settled = await Promise.allSettled(Array.from({ length: Math.min(WRITE_CONCURRENCY, files.length) }, worker));
    const rejected = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (rejected) throw rejected.reason;
    await rename(staging, targetDir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (err instanceof DeployRefusedError || err instanceof DeployFailedError) throw err;
    throw new UnsafeArchiveError(`unsafe archive: ${(err as Error).message}`);
  }
  return { files: files.length, bytes: limits.maxBytes - budget.left };
}

async function writeEntry(zip: ZipFile, e: NamedEntry, dest: string, budget: { left: number; limit: number }): Promise<void> {
  if (e.entry.isEncrypted()) throw new UnsafeArchiveError(`unsafe archive: entry ${JSON.stringify(e.fileName)} is encrypted`);
  const input = await zip.openReadStreamPromise(e.entry);
  let crc = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      budget.left -= chunk.length;
      if (budget.left < 0) return done(new UnsafeArchiveError(`unsafe archive: more than ${budget.limit} bytes when inflated (the limit)`));
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
  });
  const mode = isExecutable(e.entry.externalFileAttributes, e.entry.versionMadeBy) ? 0o755 : 0o644;
  try {
    await pipeline(input, meter, createWriteStream(dest, { flags: "wx", mode }));
  } catch (err) {
    if (err instanceof UnsafeArchiveError) throw err;
    // yauzl's size check ("too many bytes in the stream") and inflate errors: name the entry.
    throw new UnsafeArchiveError(`unsafe archive: entry ${JSON.stringify(e.fileName)}: ${(err as Error).message}`);
  }
  if (crc >>> 0 !== e.entry.crc32 >>> 0) throw new UnsafeArchiveError(`unsafe archive: entry ${JSON.stringify(e.fileName)} fails its CRC-32 check (corrupt archive)`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
