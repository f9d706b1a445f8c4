/**
 * A compression worker (a worker thread of ./pool.ts): reads files and compresses them with ./deflate.ts.
 * Built as its own entry next to each bundle (scripts/build-options.mjs); from the sources, ./worker-script.ts
 * bundles it on first use.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { crc32 } from "../../core/zip/crc32";
import { compressFile, deflateRuns } from "./deflate";
import type { ChunkResult, FileResult, Job, Reply, Request } from "./jobs";

const WINDOW = 32768;

/**
 * Small files are read into one reused buffer (open, read, close: no fstat, no allocation per file); a
 * file that grew past it since the walk is read whole the ordinary way.
 */
const readBuf = Buffer.allocUnsafe(1024 * 1024 + 1);
function readSmall(path: string): Buffer {
  const fd = openSync(path, "r");
  let got = 0;
  try {
    for (;;) {
      const n = readSync(fd, readBuf, got, readBuf.length - got, null);
      if (n === 0) return readBuf.subarray(0, got);
      got += n;
      if (got === readBuf.length) return readFileSync(path);
    }
  } finally {
    closeSync(fd);
  }
}

class ChangedError extends Error {
  readonly code = "ECHANGED";
}

/** One piece of a large file, with up to 32 KiB before it as the dictionary. */
function chunk(job: Extract<Job, { kind: "chunk" }>): ChunkResult {
  const dict = Math.min(WINDOW, job.offset);
  const buf = Buffer.allocUnsafe(dict + job.length);
  const fd = openSync(job.path, "r");
  let got = 0;
  try {
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, job.offset - dict + got);
      if (n === 0) break;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  if (got !== buf.length) throw new ChangedError("file shrank while it was being packaged");
  const raw = buf.subarray(dict);
  return { crc: crc32(raw), size: raw.length, data: deflateRuns(buf, dict, buf.length, job.level, job.last).data };
}

function reply(m: Request): { message: Reply; transfer: ArrayBuffer[] } {
  if (m.job.kind === "chunk") return { message: { id: m.id, ok: true, chunk: chunk(m.job) }, transfer: [] };
  const level = m.job.level;
  const results: FileResult[] = m.job.paths.map((p) => compressFile(readSmall(p), level));
  // One buffer per batch instead of one per file: fewer objects to clone and collect.
  const data = Buffer.concat(results.map((r) => r.data));
  const files = results.map((r) => ({ crc: r.crc, size: r.size, method: r.method, length: r.data.length }));
  // Moved, not copied, when the buffer owns its memory (not a slice of Node's shared pool).
  const own = data.byteOffset === 0 && data.buffer.byteLength === data.length && data.buffer instanceof ArrayBuffer;
  return { message: { id: m.id, ok: true, files, data }, transfer: own ? [data.buffer] : [] };
}

const port = parentPort;
if (port) {
  port.on("message", (m: Request) => {
    try {
      const r = reply(m);
      port.postMessage(r.message, r.transfer);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const path = err.path ?? (m.job.kind === "chunk" ? m.job.path : undefined);
      port.postMessage({ id: m.id, ok: false, message: String(err.message || e), code: err.code, path } satisfies Reply);
    }
  });
}
