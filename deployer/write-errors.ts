/**
 * Turning a failed write during extraction into the deploy's vocabulary. Two causes, two results:
 * - the archive asks for something the file system cannot hold (a name too long, a file where a directory
 *   is, two entries for one path): refused, as an unsafe archive: a retry would fail the same way;
 * - the machine could not write (disk full, quota, read-only, permissions, too many open files, I/O):
 *   failed, and the message says so: the same release may succeed on a retry with a working directory
 *   that has room.
 * Messages name the code and the entry, never the full path (a long name would fill the line).
 */
import { DeployFailedError, DeployRefusedError } from "./errors";

/** The archive is not safe (or not sound) to extract: refused, nothing left behind. */
export class UnsafeArchiveError extends DeployRefusedError {}

/** Codes that mean the archive's names do not fit the file system. */
const ARCHIVE_CODES = new Set(["ENAMETOOLONG", "EEXIST", "ENOTDIR", "EISDIR", "EINVAL", "EILSEQ", "ELOOP"]);

/** `ENOSPC: no space left on device` out of `ENOSPC: no space left on device, write '/path'`. */
function shortMessage(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e.message === "string" ? e.message : String(err);
  const [first = message] = message.split(/,\s|\n/);
  return first.slice(0, 200);
}

/** The work directory itself could not be prepared: always the machine's fault, never the archive's. */
export function describeWorkDirError(err: unknown, what: string): DeployFailedError {
  return new DeployFailedError(`could not prepare ${what}: ${shortMessage(err)} (FLEET_WORK_DIR must have room and be writable)`);
}

export function describeWriteError(err: unknown, what: string): DeployRefusedError | DeployFailedError {
  if (err instanceof DeployRefusedError || err instanceof DeployFailedError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && ARCHIVE_CODES.has(code)) return new UnsafeArchiveError(`unsafe archive: ${what} cannot be extracted: ${shortMessage(err)}`);
  if (typeof code === "string") return new DeployFailedError(`could not extract ${what} into the work directory: ${shortMessage(err)} (FLEET_WORK_DIR must have room and be writable)`);
  return new UnsafeArchiveError(`unsafe archive: ${what}: ${shortMessage(err)}`);
}
