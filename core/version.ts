/**
 * Version and release-id rules. Versions compare by SemVer precedence, never as strings
 * (`1.10.0` > `1.9.0`); release ids compare as strings because their format makes that chronological.
 */
// Deep imports: semver is CommonJS, so its root would pull all of it into the Lambda bundle for two functions.
import compare from "semver/functions/compare";
import valid from "semver/functions/valid";
import { RELEASE_ID_RE, VERSION_RE } from "./patterns";

export function isValidVersion(v: string): boolean {
  return VERSION_RE.test(v) && valid(v) !== null;
}

/** SemVer precedence: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  return compare(a, b);
}

/** Newest first. */
export function sortVersionsDescending(versions: Iterable<string>): string[] {
  return [...versions].sort((a, b) => compare(b, a));
}

export function isValidReleaseId(id: string): boolean {
  const m = RELEASE_ID_RE.exec(id);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Round-trip through Date rejects 20261331T256161Z and friends.
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
}

/**
 * A new release id: the UTC time to the second, then 8 hex characters: the milliseconds (3 hex, 000–3e7)
 * and 5 hex characters of `random` (callers pass `randomBytes(4).toString("hex")`). The milliseconds keep two
 * releases written within one second in the order they were written (a rollback right after a release must
 * count as later); the random part keeps two writers in the same millisecond apart.
 */
export function formatReleaseId(at: Date, random: string): string {
  if (!/^[0-9a-f]{5,}$/.test(random)) throw new Error(`release id randomness must be at least 5 hex characters, got ${JSON.stringify(random)}`);
  const iso = at.toISOString(); // 2026-11-29T12:03:04.567Z
  const millis = at.getUTCMilliseconds().toString(16).padStart(3, "0");
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z-${millis}${random.slice(0, 5)}`;
}

/** Release ids sort chronologically as strings: a rollback written later is "later". */
export function compareReleaseIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How far a release id may be ahead of the storage's own clock (the time S3 says it stored the release
 * object). A runner whose clock runs ahead would otherwise write ids that sort after every genuine release
 * written in the next hours, and so supersede them all. Five minutes covers ordinary drift of a
 * time-synchronised machine and the seconds between formatting the id and the write reaching S3.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The time a release id names, to the millisecond (the first three hex characters after the dash). */
export function releaseIdTime(id: string): Date | undefined {
  if (!isValidReleaseId(id)) return undefined;
  const m = RELEASE_ID_RE.exec(id)!;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const millis = Math.min(parseInt(id.slice(id.indexOf("-") + 1, id.indexOf("-") + 4), 16), 999);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, millis));
}

/** Why `releaseId` cannot be trusted for ordering given when the storage stored it, or undefined when it can. */
export function clockSkewProblem(releaseId: string, storedAt: Date, maxSkewMs = MAX_CLOCK_SKEW_MS): string | undefined {
  const at = releaseIdTime(releaseId);
  if (!at) return `release id ${JSON.stringify(releaseId.slice(0, 64))} is not a valid release id`;
  const ahead = at.getTime() - storedAt.getTime();
  if (ahead <= maxSkewMs) return undefined;
  return `release id ${releaseId} is ${Math.round(ahead / 1000)} s ahead of the time the storage wrote it (${storedAt.toISOString()}); at most ${maxSkewMs / 1000} s are allowed (the releasing machine's clock runs ahead)`;
}
