/**
 * The central bucket's key layout: one strict grammar, shared by the pipe, the Lambda, the
 * deployer and `fleet status`. Formatting validates its parts, parsing accepts exactly what formatting
 * produces, and anything else is rejected with the reason: a key that is not ours is never acted upon.
 *
 *   artifacts/<app>/<version>/<app>-<version>.zip
 *   artifacts/<app>/<version>/manifest.json
 *   releases/<env>/<app>/<version>/<releaseId>.json
 *   status/<env>/<app>/<releaseId>.json
 *   status/index.html                      (the fleet's status page: no record, parsing rejects it)
 */
import { FleetError } from "./errors";
import { KEY_CHARS_RE, NAME_RE, RELEASE_ID_RE } from "./patterns";
import { isValidReleaseId, isValidVersion } from "./version";

export type ParsedKey =
  | { readonly kind: "artifact"; readonly app: string; readonly version: string }
  | { readonly kind: "manifest"; readonly app: string; readonly version: string }
  | { readonly kind: "release"; readonly env: string; readonly app: string; readonly version: string; readonly releaseId: string }
  | { readonly kind: "status"; readonly env: string; readonly app: string; readonly releaseId: string };

export type KeyParseResult = { readonly ok: true; readonly key: ParsedKey } | { readonly ok: false; readonly reason: string };

/** A key or key part that does not follow the key layout above. */
export class InvalidKeyError extends FleetError {}

/** Where the pipe publishes the fleet's status page (HTML), when asked to. */
export const STATUS_PAGE_KEY = "status/index.html";

/** Longest key S3 accepts (bytes; our keys are ASCII). */
export const MAX_KEY_LENGTH = 1024;

function checkPart(value: string, re: RegExp, what: string): string | undefined {
  return re.test(value) ? undefined : `${what} ${JSON.stringify(value)} does not match ${re.source}`;
}

/**
 * VERSION_RE alone would let through versions that `semver` refuses (longer than 256 characters, or a
 * number part above 2^53), which would then throw later in compareVersions: check both, once, here.
 */
function checkVersion(value: string): string | undefined {
  if (isValidVersion(value)) return undefined;
  return `version ${JSON.stringify(value)} is not SemVer 2.0 without build metadata (e.g. 1.4.2 or 1.5.0-rc.1)`;
}

function checkReleaseId(value: string): string | undefined {
  if (isValidReleaseId(value)) return undefined;
  if (RELEASE_ID_RE.test(value)) return `release id ${JSON.stringify(value)} is not a real UTC date and time`;
  return `release id ${JSON.stringify(value)} is not YYYYMMDDTHHMMSSZ-<8 lower-case hex>`;
}

function must(problem: string | undefined): void {
  if (problem) throw new InvalidKeyError(problem);
}

/** Names the first character that is not key-safe, so that an operator sees why (an encoded `%2F`, a space, `+`). */
function badCharacter(key: string): string | undefined {
  const i = key.search(/[^A-Za-z0-9._/-]/);
  if (i < 0) return undefined;
  const c = key.codePointAt(i) ?? 0;
  const at = `at position ${i}`;
  if (c === 0x25) return `contains '%' ${at}: keys are never URL-encoded (only [A-Za-z0-9._/-] are allowed)`;
  if (c === 0x2b) return `contains '+' ${at} (an encoded space, or SemVer build metadata): only [A-Za-z0-9._/-] are allowed`;
  if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) return `contains whitespace ${at}: only [A-Za-z0-9._/-] are allowed`;
  if (c > 0x7e) return `contains the non-ASCII character U+${c.toString(16).toUpperCase().padStart(4, "0")} ${at}: only [A-Za-z0-9._/-] are allowed`;
  return `contains ${JSON.stringify(String.fromCodePoint(c))} ${at}: only [A-Za-z0-9._/-] are allowed`;
}

/** Empty, `.` and `..` segments: S3 keeps them literally, but any path-joining consumer would not. */
function badSegment(parts: readonly string[]): string | undefined {
  if (parts.includes("..")) return "has a '..' segment (path traversal)";
  if (parts.includes(".")) return "has a '.' segment";
  if (parts[0] === "") return "starts with '/'";
  if (parts[parts.length - 1] === "") return "ends with '/'";
  if (parts.includes("")) return "has an empty segment ('//')";
  return undefined;
}

export function artifactKey(app: string, version: string): string {
  must(checkPart(app, NAME_RE, "app"));
  must(checkVersion(version));
  return `artifacts/${app}/${version}/${app}-${version}.zip`;
}

export function manifestKey(app: string, version: string): string {
  must(checkPart(app, NAME_RE, "app"));
  must(checkVersion(version));
  return `artifacts/${app}/${version}/manifest.json`;
}

export function releaseKey(env: string, app: string, version: string, releaseId: string): string {
  must(checkPart(env, NAME_RE, "environment"));
  must(checkPart(app, NAME_RE, "app"));
  must(checkVersion(version));
  must(checkReleaseId(releaseId));
  return `releases/${env}/${app}/${version}/${releaseId}.json`;
}

export function statusKey(env: string, app: string, releaseId: string): string {
  must(checkPart(env, NAME_RE, "environment"));
  must(checkPart(app, NAME_RE, "app"));
  must(checkReleaseId(releaseId));
  return `status/${env}/${app}/${releaseId}.json`;
}

/** `releases/<env>/`: what one environment may read, and what its forwarding rule matches. */
export function releasesPrefix(env: string, app?: string): string {
  must(checkPart(env, NAME_RE, "environment"));
  if (app === undefined) return `releases/${env}/`;
  must(checkPart(app, NAME_RE, "app"));
  return `releases/${env}/${app}/`;
}

/** `status/<env>/`: what one environment's deployer may write. */
export function statusPrefix(env: string, app?: string): string {
  must(checkPart(env, NAME_RE, "environment"));
  if (app === undefined) return `status/${env}/`;
  must(checkPart(app, NAME_RE, "app"));
  return `status/${env}/${app}/`;
}

/** Parses any key of the central bucket; never throws, whatever it is given (event fields are untrusted). */
export function parseKey(key: string): KeyParseResult {
  if (typeof key !== "string") return { ok: false, reason: `key is not a string (${typeof key})` };
  const fail = (reason: string): KeyParseResult => ({ ok: false, reason: `key ${JSON.stringify(key.slice(0, 200))}: ${reason}` });
  if (key.length === 0) return fail("empty");
  if (key.length > MAX_KEY_LENGTH) return fail(`longer than ${MAX_KEY_LENGTH} characters`);
  const charProblem = KEY_CHARS_RE.test(key) ? undefined : badCharacter(key);
  if (charProblem) return fail(charProblem);
  const parts = key.split("/");
  const segmentProblem = badSegment(parts);
  if (segmentProblem) return fail(segmentProblem);
  const [top, ...rest] = parts;
  switch (top) {
    case "artifacts": {
      if (rest.length !== 3) return fail("an artifact key is artifacts/<app>/<version>/<file>");
      const [app, version, file] = rest as [string, string, string];
      const problem = checkPart(app, NAME_RE, "app") ?? checkVersion(version);
      if (problem) return fail(problem);
      if (file === `${app}-${version}.zip`) return { ok: true, key: { kind: "artifact", app, version } };
      if (file === "manifest.json") return { ok: true, key: { kind: "manifest", app, version } };
      return fail(`file name must be ${app}-${version}.zip or manifest.json`);
    }
    case "releases": {
      if (rest.length !== 4) return fail("a release key is releases/<env>/<app>/<version>/<releaseId>.json");
      const [env, app, version, file] = rest as [string, string, string, string];
      const problem = checkPart(env, NAME_RE, "environment") ?? checkPart(app, NAME_RE, "app") ?? checkVersion(version);
      if (problem) return fail(problem);
      if (!file.endsWith(".json")) return fail("a release object's file name is <releaseId>.json");
      const releaseId = file.slice(0, -".json".length);
      const idProblem = checkReleaseId(releaseId);
      if (idProblem) return fail(idProblem);
      return { ok: true, key: { kind: "release", env, app, version, releaseId } };
    }
    case "status": {
      if (rest.length !== 3) return fail("a status key is status/<env>/<app>/<releaseId>.json");
      const [env, app, file] = rest as [string, string, string];
      const problem = checkPart(env, NAME_RE, "environment") ?? checkPart(app, NAME_RE, "app");
      if (problem) return fail(problem);
      if (!file.endsWith(".json")) return fail("a status object's file name is <releaseId>.json");
      const releaseId = file.slice(0, -".json".length);
      const idProblem = checkReleaseId(releaseId);
      if (idProblem) return fail(idProblem);
      return { ok: true, key: { kind: "status", env, app, releaseId } };
    }
    default:
      return fail("must start with artifacts/, releases/ or status/");
  }
}

/** Like {@link parseKey}, but throws {@link InvalidKeyError}. */
export function parseKeyOrThrow(key: string): ParsedKey {
  const r = parseKey(key);
  if (!r.ok) throw new InvalidKeyError(r.reason);
  return r.key;
}

// Re-exported for callers that only need to recognise a release id inside a key.
export { RELEASE_ID_RE };
