/**
 * Safe extraction of the verified artifact, over the pure rules in core/entry-rules.ts and tree-rules.ts.
 *
 * - The central directory is read (yauzl) and every entry checked (names, links, duplicates, count,
 *   declared sizes, a file where another entry needs a directory, names too long for a file system) before
 *   anything is written: a refused archive writes nothing.
 * - Entry data is then read and inflated by this file with plain Node streams (positional reads of the zip,
 *   zlib), not through yauzl's read streams: yauzl emits some errors on objects nobody listens to once a
 *   consumer has stopped reading, which crashed the process while other entries were still streaming. Here
 *   every failure, in any entry, is one rejected promise.
 * - Declared sizes are not trusted: an entry that inflates past its declared size is stopped at once, the
 *   bytes actually inflated are counted against the total limit, and each entry's CRC-32 is checked.
 * - Files are created with O_EXCL ("wx"), never over something that exists.
 * - Everything goes into a staging directory beside the target, renamed onto the target only when
 *   complete and removed on any failure: there is never a partial tree where the target should be.
 */
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, relative, isAbsolute } from "node:path";
import { openPromise, getFileNameLowLevel, type ZipFile } from "yauzl";
import { checkEntries, entryKind, isExecutable, type ArchiveLimits } from "../core/entry-rules";
import { DeployFailedError, DeployRefusedError } from "./errors";
import { writeEntry, type ZipEntry } from "./extract-entry";
import { checkTreeShape } from "./tree-rules";
import { UnsafeArchiveError, describeWorkDirError, describeWriteError } from "./write-errors";

export { UnsafeArchiveError } from "./write-errors";

/** Files written at once. */
const WRITE_CONCURRENCY = 4;

export interface ExtractResult {
  readonly files: number;
  readonly bytes: number;
}

export async function extractArchive(zipPath: string, targetDir: string, limits: ArchiveLimits): Promise<ExtractResult> {
  if (await exists(targetDir)) throw new DeployFailedError(`extraction directory ${targetDir} already exists; extraction needs a fresh directory`);
  const entries = await readCentralDirectory(zipPath, limits);
  const problem = checkEntries(entries, limits) ?? checkTreeShape(entries);
  if (problem) throw new UnsafeArchiveError(`unsafe archive: ${problem}`);
  const encrypted = entries.find((e) => e.encrypted);
  if (encrypted) throw new UnsafeArchiveError(`unsafe archive: entry ${JSON.stringify(encrypted.fileName.slice(0, 200))} is encrypted`);
  return extractInto(zipPath, entries, targetDir, limits);
}

/** Lists the entries; the zip file is closed again before anything is written. */
async function readCentralDirectory(zipPath: string, limits: ArchiveLimits): Promise<ZipEntry[]> {
  let zip: ZipFile;
  try {
    // decodeStrings:false: yauzl's own name checks would throw generic errors; ours name the entry and reason.
    zip = await openPromise(zipPath, { autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true });
  } catch (err) {
    throw new UnsafeArchiveError(`unsafe archive: not a readable zip (${(err as Error).message})`);
  }
  // Closing the file descriptor can only fail after the listing is complete; that must not crash the deploy.
  zip.on("error", () => undefined);
  const entries: ZipEntry[] = [];
  try {
    // The entry count is in the end-of-central-directory record: refuse a huge archive before listing it.
    if (zip.entryCount > limits.maxFiles) throw new UnsafeArchiveError(`unsafe archive: archive has ${zip.entryCount} entries, the limit is ${limits.maxFiles}`);
    for await (const entry of zip.eachEntry()) {
      const fileName = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      entries.push({
        fileName,
        kind: entryKind(fileName, entry.externalFileAttributes, entry.versionMadeBy),
        uncompressedSize: entry.uncompressedSize,
        compressedSize: entry.compressedSize,
        compressionMethod: entry.compressionMethod,
        crc32: entry.crc32,
        localHeaderOffset: entry.relativeOffsetOfLocalHeader,
        encrypted: entry.isEncrypted(),
        executable: isExecutable(entry.externalFileAttributes, entry.versionMadeBy),
      });
    }
  } catch (err) {
    if (err instanceof UnsafeArchiveError) throw err;
    throw new UnsafeArchiveError(`unsafe archive: central directory unreadable (${(err as Error).message})`);
  } finally {
    zip.close();
  }
  return entries;
}

async function extractInto(zipPath: string, entries: readonly ZipEntry[], targetDir: string, limits: ArchiveLimits): Promise<ExtractResult> {
  const parent = dirname(targetDir);
  let staging: string;
  try {
    await mkdir(parent, { recursive: true });
    staging = await mkdtemp(join(parent, `.${basename(targetDir)}.partial-`));
  } catch (err) {
    throw describeWorkDirError(err, `the work directory ${parent}`);
  }
  const budget = { left: limits.maxBytes, limit: limits.maxBytes };
  const zipSize = (await stat(zipPath)).size;
  // Directories first (each once), then files a few at a time: small files are dominated by open/close
  // latency, not bytes, and every entry has its own read stream over its own byte range.
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
    for (const dir of [...dirs].sort()) {
      try {
        await mkdir(dir, { recursive: true });
      } catch (err) {
        throw describeWriteError(err, `directory ${JSON.stringify(relative(staging, dir).slice(0, 200))}`);
      }
    }
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && next < files.length) {
        const e = files[next++];
        if (e === undefined) break;
        try {
          await writeEntry(zipPath, zipSize, e, join(staging, e.fileName), budget);
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
    try {
      await rename(staging, targetDir);
    } catch (err) {
      throw describeWorkDirError(err, `the extraction directory ${targetDir}`);
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (err instanceof DeployRefusedError || err instanceof DeployFailedError) throw err;
    throw describeWriteError(err, "the archive");
  }
  return { files: files.length, bytes: limits.maxBytes - budget.left };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
