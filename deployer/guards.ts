/**
 * The deployer's decisions, as pure functions of what it read: is this release ours and well-formed, has a
 * later one superseded it, may this version replace the deployed one, do the checksums agree. Each returns
 * the reason to stop (one line) or undefined; the orchestration (deploy.ts) turns reasons into records.
 */
import { BUILD_VAR } from "../core/build-variables";
import { artifactKey, parseKey } from "../core/keys";
import { ManifestSchema, ReleaseSchema, type Manifest, type Release } from "../core/records";
import { clockSkewProblem, compareReleaseIds, compareVersions, isValidVersion } from "../core/version";
import type { DeployerConfig } from "./config";

type Expect = Pick<DeployerConfig, "releaseKey" | "env" | "app" | "version" | "releaseId">;

/**
 * The release key must be a release key of this environment and of the fleet's app (FLEET_APP_NAME), and
 * agree with the build variables. A release of another app would otherwise be applied here and write its
 * version into this app's deployed-version parameter.
 */
export function checkReleaseKey(c: Expect & Pick<DeployerConfig, "appName">): string | undefined {
  if (c.app !== c.appName) return `release is for app ${JSON.stringify(c.app)}, this fleet deploys ${JSON.stringify(c.appName)} (${BUILD_VAR.appName})`;
  const parsed = parseKey(c.releaseKey);
  if (!parsed.ok) return `release key is not valid: ${parsed.reason}`;
  const k = parsed.key;
  if (k.kind !== "release") return `FLEET_RELEASE_KEY ${JSON.stringify(c.releaseKey)} is not a release key (releases/<env>/<app>/<version>/<releaseId>.json)`;
  if (k.env !== c.env) return `release is for environment ${JSON.stringify(k.env)}, this deployer serves ${JSON.stringify(c.env)}`;
  if (k.app !== c.app) return `release is for app ${JSON.stringify(k.app)}, this deployer serves ${JSON.stringify(c.app)}`;
  if (k.version !== c.version) return `FLEET_VERSION ${c.version} does not match the release key's version ${k.version}`;
  if (k.releaseId !== c.releaseId) return `FLEET_RELEASE_ID ${c.releaseId} does not match the release key's id ${k.releaseId}`;
  return undefined;
}

/** Validates the release object read by version-id and checks it against its key; returns it or the reason. */
export function checkRelease(c: Expect, body: unknown): { ok: true; release: Release } | { ok: false; reason: string } {
  const parsed = ReleaseSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: `release object is not a valid release: ${summarizeIssues(parsed.error.issues)}` };
  const r = parsed.data;
  const mismatch = (field: string, found: string, expected: string) => ({ ok: false as const, reason: `release ${field} ${JSON.stringify(found)} does not match ${JSON.stringify(expected)} of its key` });
  if (r.env !== c.env) return { ok: false, reason: `release is for environment ${JSON.stringify(r.env)}, this deployer serves ${JSON.stringify(c.env)}` };
  if (r.app !== c.app) return mismatch("app", r.app, c.app);
  if (r.version !== c.version) return mismatch("version", r.version, c.version);
  if (r.releaseId !== c.releaseId) return mismatch("releaseId", r.releaseId, c.releaseId);
  const expectedArtifact = artifactKey(r.app, r.version);
  if (r.artifactKey !== expectedArtifact) return { ok: false, reason: `release artifactKey ${JSON.stringify(r.artifactKey.slice(0, 200))} is not ${expectedArtifact}` };
  return { ok: true, release: r };
}

/** A key under this env/app that may hold a later release. */
export interface LaterRelease {
  readonly key: string;
  readonly version: string;
  readonly releaseId: string;
}

/**
 * Release keys of this env/app among `keys` whose id is later than `releaseId`, newest first. Only
 * candidates: a key proves nothing, so each must be read and pass {@link checkSupersedingRelease}.
 */
export function laterReleaseKeys(keys: Iterable<string>, c: Pick<DeployerConfig, "env" | "app" | "releaseId">): LaterRelease[] {
  const later: LaterRelease[] = [];
  for (const key of keys) {
    const parsed = parseKey(key);
    if (!parsed.ok || parsed.key.kind !== "release" || parsed.key.env !== c.env || parsed.key.app !== c.app) continue;
    if (compareReleaseIds(parsed.key.releaseId, c.releaseId) > 0) later.push({ key, version: parsed.key.version, releaseId: parsed.key.releaseId });
  }
  return later.sort((a, b) => compareReleaseIds(b.releaseId, a.releaseId));
}

/**
 * Whether the object read at a later key may supersede: it must be a valid release whose body agrees with
 * its key, and its id must not be ahead of the time the storage wrote it. Garbage, a foreign body or a
 * release from a runner whose clock runs ahead never stops a genuine release.
 */
export function checkSupersedingRelease(c: Pick<DeployerConfig, "env" | "app">, later: LaterRelease, body: unknown, storedAt: Date | undefined): string | undefined {
  const checked = checkRelease({ releaseKey: later.key, env: c.env, app: c.app, version: later.version, releaseId: later.releaseId }, body);
  if (!checked.ok) return checked.reason;
  if (!storedAt) return "the storage gave no time for it";
  return clockSkewProblem(later.releaseId, storedAt);
}

/**
 * Version guard. A lower version than the deployed one needs `allowDowngrade`; the same version is allowed
 * (a redeploy repairs drift or retries a failed apply of identical content). `deployed` undefined = never
 * deployed (parameter absent).
 */
export function checkVersion(deployed: string | undefined, release: Pick<Release, "version" | "allowDowngrade">): string | undefined {
  if (deployed === undefined) return undefined;
  if (!isValidVersion(deployed)) return `deployed-version parameter holds ${JSON.stringify(deployed.slice(0, 100))}, not a SemVer version; fix the parameter`;
  if (compareVersions(release.version, deployed) < 0 && !release.allowDowngrade) {
    return `downgrade from ${deployed} to ${release.version} refused: the release does not allow a downgrade (fleet release --allow-downgrade)`;
  }
  return undefined;
}

/** Validates the manifest and checks it against the release. */
export function checkManifest(body: unknown, release: Pick<Release, "app" | "version">): { ok: true; manifest: Manifest } | { ok: false; reason: string } {
  const parsed = ManifestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: `manifest is not valid: ${summarizeIssues(parsed.error.issues)}` };
  const m = parsed.data;
  if (m.app !== release.app || m.version !== release.version) {
    return { ok: false, reason: `manifest is for ${m.app} ${m.version}, the release is ${release.app} ${release.version}` };
  }
  return { ok: true, manifest: m };
}

/** The three hashes (downloaded bytes, release, manifest) and the size must all agree. */
export function checkChecksums(file: { sha256: string; bytes: number }, release: Pick<Release, "artifactSha256">, manifest: Pick<Manifest, "sha256" | "size">): string | undefined {
  const short = (h: string) => h.slice(0, 12);
  if (file.sha256 !== release.artifactSha256 || file.sha256 !== manifest.sha256) {
    return `checksum mismatch: artifact sha256 ${short(file.sha256)}…, release says ${short(release.artifactSha256)}…, manifest says ${short(manifest.sha256)}…`;
  }
  if (file.bytes !== manifest.size) return `checksum mismatch: artifact is ${file.bytes} bytes, manifest says ${manifest.size}`;
  return undefined;
}

function summarizeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.map(String).join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}
