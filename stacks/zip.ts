/**
 * A small synchronous deterministic zip (deflate level 9, the fixed DOS time and Unix modes of
 * core/zip/format.ts, entries in the given order): the same files always give the same bytes, so a Lambda's
 * `source_code_hash` changes only when its code does. Synchronous because cdktf constructs are built
 * synchronously; the pipe's parallel writer (pipe/zip/) is for large trees.
 */
import { deflateRawSync } from "node:zlib";
import { crc32 } from "../core/zip/crc32";
import { centralHeader, endRecords, localHeader, METHOD_DEFLATED } from "../core/zip/format";

export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

export function zipSync(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const fields = { name, method: METHOD_DEFLATED, crc: crc32(entry.data), compressedSize: compressed.length, size: entry.data.length };
    const local = localHeader({ ...fields, dataDescriptor: false, zip64: false });
    parts.push(local, compressed);
    centrals.push(centralHeader({ ...fields, offset, mode: 0o644, dataDescriptor: false }));
    offset += local.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([...parts, ...centrals, endRecords(entries.length, offset, centralSize)]);
}
