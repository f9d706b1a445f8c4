/**
 * Parallel deflate on worker threads. Info-ZIP compresses on one core; this machine class (CI runners,
 * the pipe's container) has two or more. Measured on 20,000 × 5 KB files, node's async zlib (one zlib
 * stream per call on the libuv pool) spent more time allocating streams than compressing, so each worker
 * (./worker.ts) runs synchronous zlib on batches of small files and on 1 MiB chunks of large ones, and
 * the main thread only writes. Which worker compresses which file does not change a byte of the output:
 * each entry's compression starts from a fresh zlib state (./deflate.ts).
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ChunkResult, FileResult, Job, Reply, Request } from "./jobs";
import { workerScript } from "./worker-script";

export type { ChunkResult, FileResult, Job } from "./jobs";

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
  private readonly queue: Request[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(size = Math.max(1, availableParallelism())) {
    const script = workerScript();
    for (let i = 0; i < size; i++) {
      const w = "file" in script ? new Worker(script.file) : new Worker(script.source, { eval: true });
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
