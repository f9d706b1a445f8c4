/**
 * What an archive entry may be (pure). The archive is verified by checksum before it is opened, but the
 * checksum only proves it is the artifact the pipe built — not that the pipe (or whoever could write to
 * it) built a safe one. So every entry is checked before a single byte is written:
 * - names are relative paths of plain segments: no absolute path, drive letter, backslash, `..`, `.`,
 *   empty segment or control character (zip-slip);
 * - only files and directories: symbolic links are refused outright, whatever they point at. A link inside
 *   the tree can be followed by a later entry out of it, and cdktf output and a bundled app need none.
 * - no name twice (a second copy could replace what the first one's checks approved).
 */

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
  if (/[\u0000-\u001f\u007f]/.test(fileName)) return "control character in name";
  if (fileName.includes("\\")) return "backslash in name (a Windows path separator)";
  if (fileName.startsWith("/")) return "absolute path";
  if (/^[A-Za-z]:/.test(fileName)) return "drive letter";
  const segments = (fileName.endsWith("/") ? fileName.slice(0, -1) : fileName).split("/");
  if (segments.includes("..")) return "'..' segment (path traversal)";
  if (segments.some((s) => s === "" || s === ".")) return "empty or '.' segment";
  return undefined;
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

/** Checks every entry (from the central directory) before anything is written; returns the first problem. */
export function checkEntries(entries: readonly EntryInfo[], limits: ArchiveLimits): string | undefined {
  if (entries.length > limits.maxFiles) return `archive has ${entries.length} entries, the limit is ${limits.maxFiles}`;
  const seen = new Set<string>();
  let declared = 0;
  for (const e of entries) {
    const shown = JSON.stringify(e.fileName.slice(0, 200));
    const bad = unsafeNameReason(e.fileName);
    if (bad) return `entry ${shown}: ${bad}`;
    if (e.kind === "symlink") return `entry ${shown}: symbolic link; links are never extracted (one could lead outside the target)`;
    if (e.kind === "other") return `entry ${shown}: not a regular file or directory`;
    const normalized = e.fileName.replace(/\/$/, "");
    if (seen.has(normalized)) return `entry ${shown}: appears twice`;
    seen.add(normalized);
    declared += e.uncompressedSize;
    if (declared > limits.maxBytes) return `archive declares more than ${limits.maxBytes} uncompressed bytes (the limit)`;
  }
  return undefined;
}
