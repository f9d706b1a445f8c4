/**
 * What an archive entry may be (pure): the one set of rules that `fleet package` applies to the tree it
 * zips, `fleet publish` to the zip's central directory, and the deployer before it extracts a byte. An
 * artifact the deployer would refuse is therefore refused where it is made, not at release time.
 *
 * The deployer verifies the archive's checksum before opening it, but the checksum only proves it is
 * the artifact the pipe built, not that whoever could write to it built a safe one. So:
 * - names are relative paths of plain segments: no absolute path, drive letter, backslash, `..`, `.`,
 *   empty segment, control character (C0, DEL, C1) or U+FFFD (a name that was not valid UTF-8);
 * - a segment has at most {@link MAX_SEGMENT_BYTES} bytes and a name at most {@link MAX_NAME_BYTES}
 *   bytes in UTF-8 (what Linux file systems accept);
 * - only files and directories: symbolic links are refused outright, whatever they point at. A link inside
 *   the tree can be followed by a later entry out of it, and cdktf output and a bundled app need none;
 * - no name twice (a second copy could replace what the first one's checks approved), and no file that
 *   is also the parent directory of another entry (`a` beside `a/b`).
 */

/** Longest path segment in UTF-8 bytes (NAME_MAX on Linux). */
export const MAX_SEGMENT_BYTES = 255;
/** Longest entry name in UTF-8 bytes. */
export const MAX_NAME_BYTES = 1024;

/** Unix file type bits from the high 16 bits of a zip entry's external attributes. */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

export type EntryKind = "file" | "directory" | "symlink" | "other";

export function entryKind(fileName: string, externalFileAttributes: number, versionMadeBy: number): EntryKind {
  // The unix mode is meaningful only when the creator's OS is unix (3) or macOS (19).
  const os = versionMadeBy >>> 8;
  const mode = (externalFileAttributes >>> 16) & 0xffff;
  if ((os === 3 || os === 19) && mode !== 0) {
    const type = mode & S_IFMT;
    if (type === S_IFLNK) return "symlink";
    if (type === S_IFDIR) return "directory";
    if (type !== S_IFREG && type !== 0) return "other";
  }
  return fileName.endsWith("/") ? "directory" : "file";
}

/** Whether the entry should be extracted executable (any x bit set by a unix creator). */
export function isExecutable(externalFileAttributes: number, versionMadeBy: number): boolean {
  const os = versionMadeBy >>> 8;
  return (os === 3 || os === 19) && (((externalFileAttributes >>> 16) & 0o111) !== 0);
}

/** Why this entry name is unsafe, or undefined when it is a plain relative path. */
export function unsafeNameReason(fileName: string): string | undefined {
  if (fileName.length === 0) return "empty name";
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u001f\u007f-\u009f]/.test(fileName)) return "control character in name";
  if (fileName.includes("\ufffd")) return "name is not valid UTF-8 (or holds U+FFFD)";
  if (/[\ud800-\udfff]/u.test(fileName)) return "name is not valid UTF-8 (a lone surrogate)";
  if (fileName.includes("\\")) return "backslash in name (a Windows path separator)";
  if (fileName.startsWith("/")) return "absolute path";
  if (/^[A-Za-z]:/.test(fileName)) return "drive letter";
  const segments = (fileName.endsWith("/") ? fileName.slice(0, -1) : fileName).split("/");
  if (segments.includes("..")) return "'..' segment (path traversal)";
  if (segments.some((s) => s === "" || s === ".")) return "empty or '.' segment";
  const bytes = Buffer.byteLength(fileName, "utf8");
  if (bytes > MAX_NAME_BYTES) return `name longer than ${MAX_NAME_BYTES} bytes (${bytes} bytes)`;
  const long = segments.find((s) => Buffer.byteLength(s, "utf8") > MAX_SEGMENT_BYTES);
  if (long !== undefined) return `a path segment is longer than ${MAX_SEGMENT_BYTES} bytes (${Buffer.byteLength(long, "utf8")} bytes)`;
  return undefined;
}

/** An entry name as messages show it: quoted, escapes visible, at most 200 characters. */
export function shownName(fileName: string): string {
  return JSON.stringify(fileName.length > 200 ? `${fileName.slice(0, 200)}…` : fileName);
}

export interface EntryInfo {
  readonly fileName: string;
  readonly kind: EntryKind;
  readonly uncompressedSize: number;
}

export interface ArchiveLimits {
  readonly maxBytes: number;
  readonly maxFiles: number;
}

/**
 * Every problem of the entries (from the central directory, or the tree to be zipped), in entry order;
 * at most `max` of them (a hostile archive can hold a million bad names). Empty when the archive is safe.
 */
export function entryProblems(entries: readonly EntryInfo[], limits?: ArchiveLimits, max = 50): string[] {
  const out: string[] = [];
  const add = (problem: string): boolean => out.push(problem) >= max;
  if (limits && entries.length > limits.maxFiles) add(`archive has ${entries.length} entries, the limit is ${limits.maxFiles}`);
  const seen = new Set<string>();
  const files = new Set<string>();
  const parents = new Set<string>();
  const reported = new Set<string>();
  let declared = 0;
  for (const e of entries) {
    if (out.length >= max) break;
    const shown = shownName(e.fileName);
    const bad = unsafeNameReason(e.fileName);
    if (bad) {
      add(`entry ${shown}: ${bad}`);
      continue;
    }
    if (e.kind === "symlink") add(`entry ${shown}: symbolic link; links are never extracted (one could lead outside the target)`);
    else if (e.kind === "other") add(`entry ${shown}: not a regular file or directory`);
    const normalized = e.fileName.replace(/\/$/, "");
    if (seen.has(normalized)) add(`entry ${shown}: appears twice`);
    seen.add(normalized);
    const segments = normalized.split("/");
    const conflict = (file: string): void => {
      if (!reported.has(file)) add(`entry ${shownName(file)} is a file, but other entries need it to be a directory`);
      reported.add(file);
    };
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join("/");
      if (files.has(parent)) conflict(parent);
      parents.add(parent);
    }
    if (e.kind === "file") {
      if (parents.has(normalized)) conflict(normalized);
      files.add(normalized);
    }
    declared += e.uncompressedSize;
    if (limits && declared > limits.maxBytes) {
      add(`archive declares more than ${limits.maxBytes} uncompressed bytes (the limit)`);
      break;
    }
  }
  return out.slice(0, max);
}

/** Checks every entry before anything is written; returns the first problem (the deployer's use). */
export function checkEntries(entries: readonly EntryInfo[], limits: ArchiveLimits): string | undefined {
  return entryProblems(entries, limits, 1)[0];
}
