/**
 * Parallel deflate on worker threads. Info-ZIP compresses on one core; this machine class (CI runners,
 * the pipe's container) has two or more. Measured on 20,000 × 5 KB files, node's async zlib (one zlib
 * stream per call on the libuv pool) spent more time allocating streams than compressing (7 s vs 4.2 s
 * for the same bytes synchronously), so each worker runs synchronous zlib on batches of small files and
 * on 1 MiB chunks of large ones, and the main thread only writes. Workers are started from source text
 * (`eval`) so the same code runs from the esbuild bundles, the CLI and jest without a separate file.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

export interface FileResult {
  readonly crc: number;
  readonly size: number;
  readonly method: number;
  readonly data: Uint8Array;
}

export interface ChunkResult {
  readonly crc: number;
  readonly size: number;
  readonly data: Uint8Array;
}

export type Job =
  | { readonly kind: "files"; readonly paths: readonly string[]; readonly level: number }
  | { readonly kind: "chunk"; readonly path: string; readonly offset: number; readonly length: number; readonly last: boolean; readonly level: number };

type Reply = { id: number; ok: true; files?: FileResult[]; chunk?: ChunkResult } | { id: number; ok: false; message: string; code?: string; path?: string };

/** Plain CommonJS run inside each worker. Keep it dependency-free: it is not bundled. */
const WORKER_SOURCE = String.raw`
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const zlib = require("node:zlib");
let table;
const crc32 = zlib.crc32 ? (d) => zlib.crc32(d) >>> 0 : (d) => {
  if (!table) { table = new Uint32Array(256); for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; table[n] = c >>> 0; } }
  let c = 0xffffffff; for (let i = 0; i < d.length; i++) c = table[(c ^ d[i]) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0;
};
const WINDOW = 32768;
function files(job) {
  return job.paths.map((p) => {
    const raw = fs.readFileSync(p);
    const crc = crc32(raw);
    if (raw.length === 0) return { crc, size: 0, method: 0, data: raw };
    const packed = zlib.deflateRawSync(raw, { level: job.level });
    // Stored when deflate does not help, as Info-ZIP does: already-compressed files stay their size.
    return packed.length < raw.length ? { crc, size: raw.length, method: 8, data: packed } : { crc, size: raw.length, method: 0, data: raw };
  });
}
function chunk(job) {
  // pigz-style: the previous 32 KiB become the dictionary, every chunk but the last ends with a sync
  // flush (byte-aligned, not final), so the concatenated chunks form one valid deflate stream.
  const dict = Math.min(WINDOW, job.offset);
  const buf = Buffer.allocUnsafe(dict + job.length);
  const fd = fs.openSync(job.path, "r");
  let got = 0;
  try {
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, job.offset - dict + got);
      if (n === 0) break;
      got += n;
    }
  } finally { fs.closeSync(fd); }
  if (got !== buf.length) { const e = new Error("file shrank while it was being packaged"); e.code = "ECHANGED"; throw e; }
  const raw = buf.subarray(dict);
  const options = { level: job.level, finishFlush: job.last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH };
  if (dict > 0) options.dictionary = buf.subarray(0, dict);
  return { crc: crc32(raw), size: raw.length, data: zlib.deflateRawSync(raw, options) };
}
parentPort.on("message", (m) => {
  try {
    if (m.job.kind === "files") parentPort.postMessage({ id: m.id, ok: true, files: files(m.job) });
    else parentPort.postMessage({ id: m.id, ok: true, chunk: chunk(m.job) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, message: String(e && e.message || e), code: e && e.code, path: e && e.path || m.job.path });
  }
});
`;

export class CompressError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly path: string | undefined,
  ) {
    super(message);
    this.name = "CompressError";
  }
}

interface Pending {
  resolve(r: Reply): void;
}

/** A fixed set of workers; jobs go to whichever is idle, in submission order. */
export class CompressPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; job: Job }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size = Math.max(1, availableParallelism())) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.on("message", (reply: Reply) => {
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        this.idle.push(w);
        this.pump();
        p?.resolve(reply);
      });
      w.on("error", (err) => {
        this.failure = err;
        for (const p of this.pending.values()) p.resolve({ id: -1, ok: false, message: err.message });
        this.pending.clear();
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.shift()!;
      const next = this.queue.shift()!;
      w.postMessage(next);
    }
  }

  private run(job: Job): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Reply>((resolve) => {
      this.pending.set(id, { resolve });
      this.queue.push({ id, job });
      this.pump();
    });
  }

  async files(paths: readonly string[], level: number): Promise<FileResult[]> {
    const r = await this.run({ kind: "files", paths, level });
    if (!r.ok) throw new CompressError(r.message, r.code, r.path);
    return r.files!;
  }

  async chunk(path: string, offset: number, length: number, last: boolean, level: number): Promise<ChunkResult> {
    const r = await this.run({ kind: "chunk", path, offset, length, last, level });
    if (!r.ok) throw new CompressError(r.message, r.code, r.path);
    return r.chunk!;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
