/**
 * The steps of one deploy, in the order deploy.ts runs them. Each reads what it needs, writes progress to
 * the build log, and either returns or throws the reason to stop (DeployRefusedError, DeployFailedError,
 * DeploySkip); none writes a status record: that is deploy.ts's job.
 */
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { BUILD_VAR } from "../core/build-variables";
import { manifestKey, releasesPrefix } from "../core/keys";
import type { Release } from "../core/records";
import { stackDir as stackDirOf, workloadStackId } from "../core/stack-ids";
import { clockSkewProblem, compareVersions, isValidVersion } from "../core/version";
import { commandsFor, isDestroy } from "./destroy";
import type { DeployerConfig } from "./config";
import { DeployFailedError, DeployRefusedError, DeploySkip } from "./errors";
import { checkChecksums, checkManifest, checkRelease, checkReleaseKey, checkSupersedingRelease, checkVersion, laterReleaseKeys } from "./guards";
import type { DeployPorts } from "./ports";

export interface StepContext {
  readonly config: DeployerConfig;
  readonly workDir: string;
  readonly ports: DeployPorts;
  /** The build log, with secrets masked. */
  readonly out: (line: string) => void;
}

/** Later keys read before giving up on finding a valid superseding release (each is a small GET). */
const MAX_SUPERSEDING_CANDIDATES = 50;

/** This release's files in the work directory: named by release id, so that they are this build's alone. */
export function releaseFiles(config: DeployerConfig, workDir: string): { zip: string; target: string } {
  return { zip: join(workDir, `${config.app}-${config.version}-${config.releaseId}.zip`), target: join(workDir, `release-${config.releaseId}`) };
}

/** Removes this release's download and tree (a failed deploy leaves nothing; a retry starts clean). */
export async function removeReleaseFiles(config: DeployerConfig, workDir: string): Promise<void> {
  const files = releaseFiles(config, workDir);
  await rm(files.zip, { force: true });
  await rm(files.target, { recursive: true, force: true });
}

/** The key is checked before it is read: a release of another environment or app is refused, not fetched. */
export async function verifyRelease({ config, ports, out }: StepContext): Promise<Release> {
  const keyProblem = checkReleaseKey(config);
  if (keyProblem) throw new DeployRefusedError(keyProblem);
  out(`→ release s3://${ports.bucket.bucket}/${config.releaseKey} (version-id ${config.releaseVersionId})`);
  const stored = await ports.bucket.getStored(config.releaseKey, config.releaseVersionId);
  const checked = checkRelease(config, stored.body);
  if (!checked.ok) throw new DeployRefusedError(checked.reason);
  if (!stored.storedAt) throw new DeployRefusedError("the storage gave no time for the release object; its id cannot be checked against the storage's clock");
  const skew = clockSkewProblem(config.releaseId, stored.storedAt);
  if (skew) throw new DeployRefusedError(skew);
  const release = checked.release;
  out(`  ${release.app} ${release.version} requested by ${release.requestedBy}${release.reason ? `: ${release.reason}` : ""}`);
  return release;
}

/** Skips when a later VALID release of this env and app exists; anything else under a later key is ignored. */
export async function checkNotSuperseded({ config, ports, out }: StepContext): Promise<void> {
  const later = laterReleaseKeys(await ports.bucket.listKeys(releasesPrefix(config.env, config.app)), config);
  for (const candidate of later.slice(0, MAX_SUPERSEDING_CANDIDATES)) {
    let problem: string | undefined;
    try {
      const stored = await ports.bucket.getStored(candidate.key);
      problem = checkSupersedingRelease(config, candidate, stored.body, stored.storedAt);
    } catch (err) {
      if (!(err instanceof DeployRefusedError)) throw err;
      problem = err.message;
    }
    if (!problem) throw new DeploySkip(`superseded by ${candidate.releaseId}`);
    out(`  ignoring s3://${ports.bucket.bucket}/${candidate.key}: it cannot supersede this release (${problem})`);
  }
  if (later.length > MAX_SUPERSEDING_CANDIDATES) out(`  ${later.length - MAX_SUPERSEDING_CANDIDATES} older later keys not read (none of the newest ${MAX_SUPERSEDING_CANDIDATES} was a valid release)`);
}

export async function guardVersion({ ports, out }: StepContext, release: Release): Promise<void> {
  const deployed = await ports.deployedVersion.get();
  out(`→ deployed version (${ports.deployedVersion.name}): ${deployed ?? "none"}`);
  const problem = checkVersion(deployed, release);
  if (problem) throw new DeployRefusedError(problem);
}

/** Download, then the three hashes (file, release, manifest) must agree. */
export async function fetchArtifact({ config, workDir, ports, out }: StepContext, release: Release): Promise<string> {
  const { zip } = releaseFiles(config, workDir);
  // A build of this release that was killed outright may have left its files: start clean.
  await removeReleaseFiles(config, workDir).catch((err: unknown) => {
    throw new DeployFailedError(`could not clear this release's files in ${workDir}: ${(err as Error).message}`);
  });
  out(`→ download s3://${ports.bucket.bucket}/${release.artifactKey}`);
  const file = await ports.bucket.download(release.artifactKey, zip, config.maxArchiveBytes);
  const manifest = checkManifest(await ports.bucket.getJson(manifestKey(config.app, config.version)), release);
  if (!manifest.ok) throw new DeployRefusedError(manifest.reason);
  const mismatch = checkChecksums(file, release, manifest.manifest);
  if (mismatch) throw new DeployRefusedError(mismatch);
  out(`  sha256 ${file.sha256} (${file.bytes} bytes) matches the release and the manifest`);
  return zip;
}

/** Safe extraction; returns the workload stack's directory. */
export async function extractArtifact({ config, workDir, ports, out }: StepContext, zip: string): Promise<string> {
  const { target } = releaseFiles(config, workDir);
  const extracted = await ports.extract(zip, target, { maxBytes: config.maxArchiveBytes, maxFiles: config.maxArchiveFiles });
  out(`→ extracted ${extracted.files} files (${extracted.bytes} bytes) into ${target}`);
  const stackRel = `cdktf.out/${stackDirOf(workloadStackId(config.env))}`;
  const stackDir = join(target, stackRel);
  if (!(await isDirectory(stackDir))) throw new DeployRefusedError(`the artifact has no ${stackRel} (was it synthesized with this environment?)`);
  return stackDir;
}

export async function applyStack({ config, workDir, ports, out }: StepContext, stackDir: string, release: Pick<Release, "action">): Promise<void> {
  if (ports.signal?.aborted) throw new DeployFailedError("stopped before the apply (the build is being stopped); nothing applied");
  // Apply, or destroy for a decommissioning release (deployer/destroy.ts).
  const { commands, env: actionEnv } = commandsFor(release, config);
  out(`→ ${isDestroy(release) ? "destroy" : "apply"} cdktf.out/${stackDirOf(workloadStackId(config.env))}`);
  const applied = await ports.apply(
    {
      commands,
      cwd: stackDir,
      ...(ports.signal ? { signal: ports.signal } : {}),
      env: {
        ...ports.processEnv,
        [BUILD_VAR.stackDir]: stackDir,
        [BUILD_VAR.artifactDir]: releaseFiles(config, workDir).target,
        [BUILD_VAR.workDir]: workDir,
        [BUILD_VAR.environment]: config.env,
        [BUILD_VAR.app]: config.app,
        [BUILD_VAR.version]: config.version,
        [BUILD_VAR.releaseId]: config.releaseId,
        ...(config.stateBucket ? { [BUILD_VAR.stateBucket]: config.stateBucket } : {}),
        ...(config.stateRegion ? { [BUILD_VAR.stateRegion]: config.stateRegion } : {}),
        ...actionEnv,
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
      },
    },
    out,
  );
  if (!applied.ok) throw new DeployFailedError(applied.reason);
}

/**
 * Writes the deployed version, never moving it down without allowDowngrade. PutParameter has no
 * compare-and-swap, so the order is what keeps it safe: the version guard ran before the download and
 * again right before the apply, and here the parameter is read once more immediately before the write. A
 * release that overlapped this one and recorded a higher version meanwhile wins; this one is reported as
 * failed (its apply may have run after the newer one's). What is left is the gap between this read and the
 * write, which needs two deploys of one environment finishing within it; the deploy project's concurrent
 * build limit of 1 rules that out on CodeBuild.
 */
export async function recordDeployedVersion({ config, ports }: StepContext, release: Release): Promise<string> {
  const name = ports.deployedVersion.name;
  const current = await ports.deployedVersion.get();
  if (current !== undefined && isValidVersion(current) && compareVersions(release.version, current) < 0 && !release.allowDowngrade) {
    throw new DeployFailedError(`applied ${release.version}, but ${current} was recorded meanwhile by an overlapping release; ${name} stays at ${current} (release ${current} again to be sure it is what runs)`);
  }
  try {
    await ports.deployedVersion.put(config.version);
  } catch (err) {
    throw new DeployFailedError(`applied, but the deployed version was not recorded: ${(err as Error).message}`);
  }
  return `applied release ${config.releaseId}; ${name} = ${config.version}`;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
