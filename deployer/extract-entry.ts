/**
 * Writing one zip entry to disk: read its local header, stream its byte range of the zip through zlib,
 * count and checksum what comes out, write it with O_EXCL. Plain Node streams in one `pipeline`, so any
 * failure (a lying size, corrupt deflate data, a full disk) rejects the one promise and closes every stream.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createInflateRaw, crc32 } from "node:zlib";
import type { EntryInfo } from "../core/entry-rules";
import { UnsafeArchiveError, describeWriteError } from "./write-errors";

export interface ZipEntry extends EntryInfo {
  readonly compressedSize: number;
  /** 0 stored, 8 deflated; anything else is refused. */
  readonly compressionMethod: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
  readonly encrypted: boolean;
  readonly executable: boolean;
}

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_BYTES = 30;

/** Where the entry's data starts: after the local header, whose name and extra field lengths may differ from the central directory's. */
async function dataStart(zipPath: string, zipSize: number, e: ZipEntry): Promise<number> {
  const shown = JSON.stringify(e.fileName.slice(0, 200));
  const handle = await open(zipPath, "r");
  try {
    const header = Buffer.alloc(LOCAL_HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, LOCAL_HEADER_BYTES, e.localHeaderOffset);
    if (bytesRead !== LOCAL_HEADER_BYTES || header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
      throw new UnsafeArchiveError(`unsafe archive: entry ${shown} has no valid local header (corrupt archive)`);
    }
    const start = e.localHeaderOffset + LOCAL_HEADER_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + e.compressedSize > zipSize) throw new UnsafeArchiveError(`unsafe archive: entry ${shown} claims data beyond the end of the archive`);
    return start;
  } finally {
    await handle.close();
  }
}

export async function writeEntry(zipPath: string, zipSize: number, e: ZipEntry, dest: string, budget: { left: number; limit: number }): Promise<void> {
  const shown = JSON.stringify(e.fileName.slice(0, 200));
  if (e.compressionMethod !== 0 && e.compressionMethod !== 8) throw new UnsafeArchiveError(`unsafe archive: entry ${shown} uses compression method ${e.compressionMethod} (only stored and deflated are extracted)`);
  if (e.compressionMethod === 0 && e.compressedSize !== e.uncompressedSize) throw new UnsafeArchiveError(`unsafe archive: stored entry ${shown} declares ${e.uncompressedSize} bytes but holds ${e.compressedSize}`);
  const start = await dataStart(zipPath, zipSize, e);
  const source = e.compressedSize === 0 ? Readable.from([]) : createReadStream(zipPath, { start, end: start + e.compressedSize - 1 });
  let written = 0;
  let crc = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      written += chunk.length;
      if (written > e.uncompressedSize) return done(new UnsafeArchiveError(`unsafe archive: entry ${shown} inflates to more than its declared ${e.uncompressedSize} bytes`));
      budget.left -= chunk.length;
      if (budget.left < 0) return done(new UnsafeArchiveError(`unsafe archive: more than ${budget.limit} bytes when inflated (the limit)`));
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
  });
  const sink = createWriteStream(dest, { flags: "wx", mode: e.executable ? 0o755 : 0o644 });
  try {
    if (e.compressionMethod === 8) await pipeline(source, createInflateRaw(), meter, sink);
    else await pipeline(source, meter, sink);
  } catch (err) {
    if (err instanceof UnsafeArchiveError) throw err;
    const code = (err as { code?: unknown }).code;
    // zlib's errors are the archive's fault (corrupt or truncated deflate data); file system errors are sorted out by code.
    if (typeof code === "string" && code.startsWith("Z_")) throw new UnsafeArchiveError(`unsafe archive: entry ${shown} is corrupt (${(err as Error).message})`);
    throw describeWriteError(err, `entry ${shown}`);
  }
  if (written !== e.uncompressedSize) throw new UnsafeArchiveError(`unsafe archive: entry ${shown} inflates to ${written} bytes, it declares ${e.uncompressedSize}`);
  if (crc >>> 0 !== e.crc32 >>> 0) throw new UnsafeArchiveError(`unsafe archive: entry ${shown} fails its CRC-32 check (corrupt archive)`);
}
