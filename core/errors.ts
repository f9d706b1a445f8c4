/**
 * Errors that users cause and can fix. The CLI (cli/main.ts) is the one place that maps them to exit
 * codes: a {@link FleetError} prints its message without a stack trace and exits with `exitCode`;
 * anything else is a bug and exits 1 with the stack.
 */
export class FleetError extends Error {
  /** Process exit code for this error. @default 1 */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command-line usage (unknown flag, missing argument): exit 2. */
export class UsageError extends FleetError {
  override readonly exitCode = 2;
}

/** One problem in a configuration file, located precisely enough for an editor to jump to it. */
export interface ConfigIssue {
  readonly file: string;
  /** 1-based; 0 when the problem concerns the file or directory as a whole. */
  readonly line: number;
  /** 1-based; 0 when the problem concerns the file or directory as a whole. */
  readonly col: number;
  readonly message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

/** Every configuration problem found in one run, reported together. */
export class ConfigError extends FleetError {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `${issues.length} configuration error${issues.length === 1 ? "" : "s"}:\n` + issues.map((i) => `  ${formatIssue(i)}`).join("\n"),
    );
  }
}

const FS_MESSAGES: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EISDIR: "is a directory, not a file",
  ENOTDIR: "a part of the path is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "already exists",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EBUSY: "busy (in use)",
  EMFILE: "too many open files",
  ENXIO: "no such device (a FIFO without a reader, or a device)",
  EINVAL: "invalid for this kind of file",
};

/** A file-system operation on a path the user named failed in a way the user can fix. */
export class FileSystemError extends FleetError {}

/**
 * A Node file-system error (ENOENT, EISDIR, EACCES, …) carrying the path it concerns, as a
 * {@link FileSystemError} that names the path and says what is wrong; undefined for anything else.
 */
export function fileSystemError(err: unknown): FileSystemError | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as NodeJS.ErrnoException;
  if (typeof e.code !== "string" || !(e.code in FS_MESSAGES) || typeof e.syscall !== "string") return undefined;
  const dest = (err as { dest?: unknown }).dest;
  const target = typeof dest === "string" ? ` → ${dest}` : "";
  // A write to an open file (ENOSPC, EDQUOT) carries no path: the message says what failed instead.
  const where = typeof e.path === "string" ? `${e.path}${target}` : "writing a file";
  return new FileSystemError(`${where}: ${FS_MESSAGES[e.code]} (${e.code} in ${e.syscall})`, { cause: err });
}
