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

type Reply =
  | { id: number; ok: true; files?: { crc: number; size: number; method: number; length: number }[]; data?: Uint8Array; chunk?: ChunkResult }
  | { id: number; ok: false; message: string; code?: string; path?: string };

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
const SUB = 65536;
const SAMPLE = 2048;
// Random-looking data (media, archives, encrypted or packed blobs) costs deflate the most time for no
// gain. Each 64 KiB block is judged from three 2 KiB samples compressed at level 1 (from the bytes alone,
// so the decision is deterministic); runs of such blocks become stored blocks (level 0) inside the same
// deflate stream, everything else is deflated at the requested level.
function looksRandom(buf, start, end) {
  const len = end - start;
  if (len < 4 * SAMPLE) return false;
  for (const at of [start, start + (len >> 1) - SAMPLE / 2, end - SAMPLE]) {
    if (zlib.deflateRawSync(buf.subarray(at, at + SAMPLE), { level: 1 }).length < SAMPLE * 0.97) return false;
  }
  return true;
}
// Deflates buf[from, to) as a piece of one raw deflate stream; buf[..from) is earlier data of the same
// entry (up to 32 KiB of it becomes the dictionary). pigz-style: every piece but the final one ends with a
// sync flush (byte-aligned, not final), so the concatenated pieces form one valid deflate stream.
function deflateRuns(buf, from, to, level, final) {
  const runs = [];
  for (let s = from; s < to; s += SUB) {
    const e = Math.min(to, s + SUB);
    const stored = looksRandom(buf, s, e);
    if (runs.length > 0 && runs[runs.length - 1].stored === stored) runs[runs.length - 1].end = e;
    else runs.push({ start: s, end: e, stored });
  }
  if (runs.length === 0) runs.push({ start: from, end: to, stored: false });
  if (runs.length === 1 && !runs[0].stored && from === 0 && final) return { data: wholeDeflater(level)(buf.subarray(from, to)), allStored: false };
  const parts = runs.map((run, i) => {
    const options = { level: run.stored ? 0 : level, finishFlush: final && i === runs.length - 1 ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH };
    const dict = Math.min(WINDOW, run.start);
    if (dict > 0 && !run.stored) options.dictionary = buf.subarray(run.start - dict, run.start);
    return zlib.deflateRawSync(buf.subarray(run.start, run.end), options);
  });
  return { data: parts.length === 1 ? parts[0] : Buffer.concat(parts), allStored: runs.every((r) => r.stored) };
}
// One zlib stream per worker and level, reset between files: creating a stream per 5 KB file cost more
// than compressing it. Uses the stream's handle the way zlib.deflateRawSync does internally (writeSync +
// _writeState), minus the close; the bytes are identical to deflateRawSync's (checked by the tests).
// Where those internals are missing, deflateRawSync is used: same output, only slower.
const deflaters = new Map();
function wholeDeflater(level) {
  let d = deflaters.get(level);
  if (d) return d;
  const stream = zlib.createDeflateRaw({ level });
  const handle = stream._handle;
  const state = stream._writeState;
  if (!handle || typeof handle.writeSync !== "function" || typeof handle.reset !== "function" || !state) {
    d = (input) => zlib.deflateRawSync(input, { level });
  } else {
    const out = Buffer.allocUnsafe(256 * 1024);
    d = (input) => {
      const chunks = [];
      let inOff = 0;
      let availIn = input.length;
      for (;;) {
        handle.writeSync(zlib.constants.Z_FINISH, input, inOff, availIn, out, 0, out.length);
        const availOut = state[0];
        const availInAfter = state[1];
        if (out.length - availOut > 0) chunks.push(Buffer.from(out.subarray(0, out.length - availOut)));
        inOff += availIn - availInAfter;
        availIn = availInAfter;
        if (availOut !== 0) break; // output space left over: the stream is finished
      }
      handle.reset();
      return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    };
  }
  deflaters.set(level, d);
  return d;
}
// Small files are read into one reused buffer (open, read, close: no fstat, no allocation per file);
// a file that grew past it since the walk is read whole the ordinary way.
let readBuf = Buffer.allocUnsafe(1024 * 1024 + 1);
function readSmall(p) {
  const fd = fs.openSync(p, "r");
  let got = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, readBuf, got, readBuf.length - got, null);
      if (n === 0) return readBuf.subarray(0, got);
      got += n;
      if (got === readBuf.length) return fs.readFileSync(p);
    }
  } finally { fs.closeSync(fd); }
}
function files(job) {
  return job.paths.map((p) => {
    const raw = readSmall(p);
    const crc = crc32(raw);
    if (raw.length === 0) return { crc, size: 0, method: 0, data: Buffer.alloc(0) };
    const packed = deflateRuns(raw, 0, raw.length, job.level, true);
    // Stored when deflate does not help, as Info-ZIP does: already-compressed files stay their size.
    // (A copy: the read buffer is reused for the next file.)
    if (packed.allStored || packed.data.length >= raw.length) return { crc, size: raw.length, method: 0, data: Buffer.from(raw) };
    return { crc, size: raw.length, method: 8, data: packed.data };
  });
}
function chunk(job) {
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
  return { crc: crc32(raw), size: raw.length, data: deflateRuns(buf, dict, buf.length, job.level, job.last).data };
}
parentPort.on("message", (m) => {
  try {
    if (m.job.kind === "files") {
      // One buffer per batch instead of one per file: fewer objects to clone and collect.
      const results = files(m.job);
      const data = Buffer.concat(results.map((r) => r.data));
      const meta = results.map((r) => ({ crc: r.crc, size: r.size, method: r.method, length: r.data.length }));
      // Moved, not copied, when the buffer owns its memory (not a slice of Node's shared pool).
      const own = data.byteOffset === 0 && data.buffer.byteLength === data.length;
      parentPort.postMessage({ id: m.id, ok: true, files: meta, data }, own ? [data.buffer] : []);
    }
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
  private closing = false;

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
      const fail = (err: Error) => {
        this.failure ??= err;
        for (const p of this.pending.values()) p.resolve({ id: -1, ok: false, message: err.message });
        this.pending.clear();
      };
      w.on("error", fail);
      // A worker that dies (out of memory, killed) must fail the archive, not leave it waiting forever.
      w.on("exit", (code) => {
        if (!this.closing) fail(new Error(`a compression worker exited unexpectedly (code ${code})`));
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
    let at = 0;
    return r.files!.map((f) => {
      const data = r.data!.subarray(at, at + f.length);
      at += f.length;
      return { crc: f.crc, size: f.size, method: f.method, data };
    });
  }

  async chunk(path: string, offset: number, length: number, last: boolean, level: number): Promise<ChunkResult> {
    const r = await this.run({ kind: "chunk", path, offset, length, last, level });
    if (!r.ok) throw new CompressError(r.message, r.code, r.path);
    return r.chunk!;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
