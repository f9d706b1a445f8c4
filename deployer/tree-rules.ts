/**
 * What the extracted tree as a whole may be (pure), beyond the per-entry rules of entry-rules.ts: checked
 * from the central directory, before anything is written.
 * - No path is both a file and a directory: `a` beside `a/b` (or `a/` beside a file `a`) cannot both
 *   exist on disk; whichever came second would fail half-way through.
 * - Names fit every file system the deployer may run on: no segment over 255 bytes (the usual NAME_MAX),
 *   no name over 1024 bytes (leaving room under PATH_MAX for the work directory in front of it).
 */
import type { EntryInfo } from "../core/entry-rules";

export const MAX_SEGMENT_BYTES = 255;
export const MAX_NAME_BYTES = 1024;

export function checkTreeShape(entries: readonly EntryInfo[]): string | undefined {
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const e of entries) {
    const shown = JSON.stringify(e.fileName.slice(0, 200));
    const name = e.fileName.replace(/\/$/, "");
    if (Buffer.byteLength(name, "utf8") > MAX_NAME_BYTES) return `entry ${shown}: name longer than ${MAX_NAME_BYTES} bytes`;
    const segments = name.split("/");
    const long = segments.find((s) => Buffer.byteLength(s, "utf8") > MAX_SEGMENT_BYTES);
    if (long !== undefined) return `entry ${shown}: a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`;
    if (e.kind === "directory") dirs.add(name);
    else files.add(name);
    for (let i = 1; i < segments.length; i++) dirs.add(segments.slice(0, i).join("/"));
  }
  for (const f of files) if (dirs.has(f)) return `entry ${JSON.stringify(f.slice(0, 200))} is a file, but other entries need it to be a directory`;
  return undefined;
}
