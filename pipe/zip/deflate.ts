/**
 * The compression of one entry, pure: the same bytes in give the same bytes out, whatever was compressed
 * before. Every deflate call gets a fresh zlib state (`deflateRawSync`): a reused stream, reset between
 * files, keeps stale bytes of the previous file in zlib's window past the new data, and a match that runs
 * into them near the end of an entry can pick another distance, so an entry's compressed size depended on
 * which worker had handled which file before.
 */
import zlib from "node:zlib";
import { crc32 } from "../../core/zip/crc32";
import type { FileResult } from "./jobs";

const WINDOW = 32768;
const SUB = 65536;
const SAMPLE = 2048;

/**
 * Random-looking data (media, archives, encrypted or packed blobs) costs deflate the most time for no
 * gain. Each 64 KiB block is judged from three 2 KiB samples compressed at level 1 (from the bytes alone,
 * so the decision is deterministic).
 */
function looksRandom(buf: Buffer, start: number, end: number): boolean {
  const len = end - start;
  if (len < 4 * SAMPLE) return false;
  for (const at of [start, start + (len >> 1) - SAMPLE / 2, end - SAMPLE]) {
    if (zlib.deflateRawSync(buf.subarray(at, at + SAMPLE), { level: 1 }).length < SAMPLE * 0.97) return false;
  }
  return true;
}

interface Run {
  readonly start: number;
  end: number;
  readonly stored: boolean;
}

/**
 * Deflates buf[from, to) as a piece of one raw deflate stream; buf[..from) is earlier data of the same
 * entry (up to 32 KiB of it becomes the dictionary). Runs of random-looking blocks become stored blocks
 * (level 0) inside the same stream. pigz-style: every piece but the final one ends with a sync flush
 * (byte-aligned, not final), so the concatenated pieces form one valid deflate stream.
 */
export function deflateRuns(buf: Buffer, from: number, to: number, level: number, final: boolean): { data: Buffer; allStored: boolean } {
  const runs: Run[] = [];
  for (let s = from; s < to; s += SUB) {
    const e = Math.min(to, s + SUB);
    const stored = looksRandom(buf, s, e);
    const last = runs[runs.length - 1];
    if (last && last.stored === stored) last.end = e;
    else runs.push({ start: s, end: e, stored });
  }
  if (runs.length === 0) runs.push({ start: from, end: to, stored: false });
  const only = runs.length === 1 ? runs[0] : undefined;
  if (only && !only.stored && from === 0 && final) return { data: zlib.deflateRawSync(buf.subarray(from, to), { level }), allStored: false };
  const parts = runs.map((run, i) => {
    const dict = Math.min(WINDOW, run.start);
    const options: zlib.ZlibOptions = {
      level: run.stored ? 0 : level,
      finishFlush: final && i === runs.length - 1 ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
      ...(dict > 0 && !run.stored ? { dictionary: buf.subarray(run.start - dict, run.start) } : {}),
    };
    return zlib.deflateRawSync(buf.subarray(run.start, run.end), options);
  });
  return { data: parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts), allStored: runs.every((r) => r.stored) };
}

/**
 * One whole file. Stored when deflate does not help, as Info-ZIP does: already-compressed files stay their
 * size. `raw` may be a reused read buffer: what is returned never aliases it.
 */
export function compressFile(raw: Buffer, level: number): FileResult {
  const crc = crc32(raw);
  if (raw.length === 0) return { crc, size: 0, method: 0, data: Buffer.alloc(0) };
  const packed = deflateRuns(raw, 0, raw.length, level, true);
  if (packed.allStored || packed.data.length >= raw.length) return { crc, size: raw.length, method: 0, data: Buffer.from(raw) };
  return { crc, size: raw.length, method: 8, data: packed.data };
}
