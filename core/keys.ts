/**
 * The central bucket's key layout (DESIGN.md §4): one strict grammar, shared by the pipe, the Lambda, the
 * deployer and `fleet status`. Formatting validates its parts, parsing accepts exactly what formatting
 * produces, and anything else is rejected with the reason: a key that is not ours is never acted upon.
 *
 *   artifacts/<app>/<version>/<app>-<version>.zip
 *   artifacts/<app>/<version>/manifest.json
 *   releases/<env>/<app>/<version>/<releaseId>.json
 *   status/<env>/<app>/<releaseId>.json
 */
import { FleetError } from "./errors";
import { KEY_CHARS_RE, NAME_RE, RELEASE_ID_RE, VERSION_RE } from "./patterns";
import { isValidReleaseId } from "./version";

export type ParsedKey =
  | { readonly kind: "artifact"; readonly app: string; readonly version: string }
  | { readonly kind: "manifest"; readonly app: string; readonly version: string }
  | { readonly kind: "release"; readonly env: string; readonly app: string; readonly version: string; readonly releaseId: string }
  | { readonly kind: "status"; readonly env: string; readonly app: string; readonly releaseId: string };

export type KeyParseResult = { readonly ok: true; readonly key: ParsedKey } | { readonly ok: false; readonly reason: string };

/** A key or key part that does not follow DESIGN.md §4. */
export class InvalidKeyError extends FleetError {}

/** Longest key S3 accepts (bytes; our keys are ASCII). */
export const MAX_KEY_LENGTH = 1024;

function checkPart(value: string, re: RegExp, what: string): string | undefined {
  return re.test(value) ? undefined : `${what} ${JSON.stringify(value)} does not match ${re.source}`;
}

function must(value: string, re: RegExp, what: string): void {
  const problem = checkPart(value, re, what);
  if (problem) throw new InvalidKeyError(problem);
}

export function artifactKey(app: string, version: string): string {
  must(app, NAME_RE, "app");
  must(version, VERSION_RE, "version");
  return `artifacts/${app}/${version}/${app}-${version}.zip`;
}

export function manifestKey(app: string, version: string): string {
  must(app, NAME_RE, "app");
  must(version, VERSION_RE, "version");
  return `artifacts/${app}/${version}/manifest.json`;
}

export function releaseKey(env: string, app: string, version: string, releaseId: string): string {
  must(env, NAME_RE, "environment");
  must(app, NAME_RE, "app");
  must(version, VERSION_RE, "version");
  if (!isValidReleaseId(releaseId)) throw new InvalidKeyError(`release id ${JSON.stringify(releaseId)} is not YYYYMMDDTHHMMSSZ-<8 hex>`);
  return `releases/${env}/${app}/${version}/${releaseId}.json`;
}

export function statusKey(env: string, app: string, releaseId: string): string {
  must(env, NAME_RE, "environment");
  must(app, NAME_RE, "app");
  if (!isValidReleaseId(releaseId)) throw new InvalidKeyError(`release id ${JSON.stringify(releaseId)} is not YYYYMMDDTHHMMSSZ-<8 hex>`);
  return `status/${env}/${app}/${releaseId}.json`;
}

/** `releases/<env>/`: what one environment may read, and what its forwarding rule matches. */
export function releasesPrefix(env: string, app?: string): string {
  must(env, NAME_RE, "environment");
  if (app === undefined) return `releases/${env}/`;
  must(app, NAME_RE, "app");
  return `releases/${env}/${app}/`;
}

/** `status/<env>/`: what one environment's deployer may write. */
export function statusPrefix(env: string, app?: string): string {
  must(env, NAME_RE, "environment");
  if (app === undefined) return `status/${env}/`;
  must(app, NAME_RE, "app");
  return `status/${env}/${app}/`;
}

/** Parses any key of the central bucket; never throws. */
export function parseKey(key: string): KeyParseResult {
  const fail = (reason: string): KeyParseResult => ({ ok: false, reason: `key ${JSON.stringify(key.slice(0, 200))}: ${reason}` });
  if (typeof key !== "string" || key.length === 0) return fail("empty");
  if (key.length > MAX_KEY_LENGTH) return fail(`longer than ${MAX_KEY_LENGTH} characters`);
  if (!KEY_CHARS_RE.test(key)) return fail("contains a character outside [A-Za-z0-9._/-]");
  const parts = key.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return fail("has an empty, '.' or '..' segment");
  const [top, ...rest] = parts;
  switch (top) {
    case "artifacts": {
      if (rest.length !== 3) return fail("an artifact key is artifacts/<app>/<version>/<file>");
      const [app, version, file] = rest as [string, string, string];
      const problem = checkPart(app, NAME_RE, "app") ?? checkPart(version, VERSION_RE, "version");
      if (problem) return fail(problem);
      if (file === `${app}-${version}.zip`) return { ok: true, key: { kind: "artifact", app, version } };
      if (file === "manifest.json") return { ok: true, key: { kind: "manifest", app, version } };
      return fail(`file name must be ${app}-${version}.zip or manifest.json`);
    }
    case "releases": {
      if (rest.length !== 4) return fail("a release key is releases/<env>/<app>/<version>/<releaseId>.json");
      const [env, app, version, file] = rest as [string, string, string, string];
      const problem = checkPart(env, NAME_RE, "environment") ?? checkPart(app, NAME_RE, "app") ?? checkPart(version, VERSION_RE, "version");
      if (problem) return fail(problem);
      if (!file.endsWith(".json")) return fail("a release object ends in .json");
      const releaseId = file.slice(0, -".json".length);
      if (!isValidReleaseId(releaseId)) return fail(`release id ${JSON.stringify(releaseId)} is not YYYYMMDDTHHMMSSZ-<8 hex> with a real date`);
      return { ok: true, key: { kind: "release", env, app, version, releaseId } };
    }
    case "status": {
      if (rest.length !== 3) return fail("a status key is status/<env>/<app>/<releaseId>.json");
      const [env, app, file] = rest as [string, string, string];
      const problem = checkPart(env, NAME_RE, "environment") ?? checkPart(app, NAME_RE, "app");
      if (problem) return fail(problem);
      if (!file.endsWith(".json")) return fail("a status object ends in .json");
      const releaseId = file.slice(0, -".json".length);
      if (!isValidReleaseId(releaseId)) return fail(`release id ${JSON.stringify(releaseId)} is not YYYYMMDDTHHMMSSZ-<8 hex> with a real date`);
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
