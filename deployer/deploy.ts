/**
 * One deploy, start to finish (DESIGN.md §1 step 7), over ports so that the order of steps and the
 * mapping of every outcome to a status record and an exit code live in one readable place:
 *
 *   record "started" → release key and object (exact version-id) → hold → superseded → version guard →
 *   download + checksums → safe extraction → record "applying" → terraform → deployed version → record result
 *
 * The version guard runs before the download: a refused downgrade should not cost a large transfer.
 * Every stop is one line in the log (`✖ deploy <env> <version>: …`) and the same line in the record.
 * Success is recorded only after terraform succeeded AND the deployed version was written.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { BUILD_VAR } from "../core/build-variables";
import { manifestKey, releasesPrefix, statusKey } from "../core/keys";
import { STATUS_SCHEMA, type Status, type StatusResult } from "../core/records";
import { PLATFORM_SECRET_VARIABLES } from "../core/secret-variables";
import { stackDir as stackDirOf, workloadStackId } from "../core/stack-ids";
import type { ApplyOutcome, ApplyPlan } from "./apply";
import { defaultApplyCommands } from "./apply";
import type { DeployerConfig } from "./config";
import type { ArchiveLimits } from "./entry-rules";
import { DeployFailedError, DeployRefusedError, DeploySkip } from "./errors";
import type { ExtractResult } from "./extract";
import { checkChecksums, checkManifest, checkRelease, checkReleaseKey, checkVersion, findSuperseding } from "./guards";
import type { CentralBucket } from "./s3-store";
import type { DeployedVersionParameter } from "./ssm-store";
import { oneLine, redact } from "./text";

export interface DeployPorts {
  readonly bucket: Pick<CentralBucket, "bucket" | "getJson" | "listKeys" | "download" | "putStatus">;
  readonly deployedVersion: Pick<DeployedVersionParameter, "name" | "get" | "put">;
  readonly extract: (zipPath: string, targetDir: string, limits: ArchiveLimits) => Promise<ExtractResult>;
  readonly apply: (plan: ApplyPlan, writeLine: (line: string) => void) => Promise<ApplyOutcome>;
  /** Progress and command output (the build log). */
  readonly out: (line: string) => void;
  /** The one failure line. */
  readonly err: (line: string) => void;
  readonly now: () => Date;
  /** Aborted when the build is being stopped; see apply.ts. */
  readonly signal?: AbortSignal;
  /** The environment the apply command inherits. */
  readonly processEnv: Readonly<Record<string, string | undefined>>;
}

export interface DeployOutcome {
  readonly result: Exclude<StatusResult, "in-progress">;
  /** One line: why it stopped, or what was applied. */
  readonly message: string;
  readonly exitCode: 0 | 1;
}

export async function deploy(config: DeployerConfig, workDir: string, ports: DeployPorts): Promise<DeployOutcome> {
  const label = `deploy ${config.env} ${config.version}`;
  const secrets = PLATFORM_SECRET_VARIABLES.map((n) => ports.processEnv[n]).filter((v): v is string => typeof v === "string" && v !== "");
  const clean = (text: string) => oneLine(redact(text, secrets));
  const key = statusKey(config.env, config.app, config.releaseId);
  const startedAt = ports.now().toISOString();
  const record = (phase: Status["phase"], result: StatusResult, error?: string): Status => ({
    schema: STATUS_SCHEMA,
    env: config.env,
    app: config.app,
    releaseId: config.releaseId,
    version: config.version,
    phase,
    result,
    buildId: config.buildId.slice(0, 256),
    startedAt,
    ...(phase === "finished" ? { finishedAt: ports.now().toISOString() } : {}),
    ...(error !== undefined ? { error } : {}),
  });

  try {
    await ports.bucket.putStatus(key, record("started", "in-progress"));
  } catch (err) {
    // Without a status record nobody could see this build's outcome: stop before touching anything.
    const message = clean(`could not record the start, nothing applied: ${(err as Error).message}`);
    ports.err(`✖ ${label}: ${message}`);
    return { result: "failed", message, exitCode: 1 };
  }

  let outcome: DeployOutcome;
  try {
    const applied = await steps(config, workDir, ports, key, record, (line) => ports.out(redact(line, secrets)));
    outcome = { result: "succeeded", message: applied, exitCode: 0 };
  } catch (err) {
    if (err instanceof DeploySkip) outcome = { result: "skipped", message: clean(err.message), exitCode: 0 };
    else if (err instanceof DeployRefusedError) outcome = { result: "refused", message: clean(err.message), exitCode: 1 };
    else if (err instanceof DeployFailedError) outcome = { result: "failed", message: clean(err.message), exitCode: 1 };
    else {
      // A bug: the stack goes to the build log for whoever fixes it; the record keeps one line.
      ports.out(redact(err instanceof Error ? (err.stack ?? err.message) : String(err), secrets));
      outcome = { result: "failed", message: clean(`internal error: ${err instanceof Error ? err.message : String(err)}`), exitCode: 1 };
    }
  }

  try {
    await ports.bucket.putStatus(key, record("finished", outcome.result, outcome.result === "succeeded" ? undefined : outcome.message));
  } catch (err) {
    const message = clean(`${outcome.result}, but the status record could not be written: ${(err as Error).message}`);
    ports.err(`✖ ${label}: ${message}`);
    return { result: outcome.result, message, exitCode: 1 };
  }

  if (outcome.result === "succeeded") ports.out(`✔ ${label}: ${outcome.message}`);
  else if (outcome.result === "skipped") ports.out(`↷ ${label}: skipped: ${outcome.message}`);
  else ports.err(`✖ ${label}: ${outcome.message}`);
  return outcome;
}

async function steps(
  config: DeployerConfig,
  workDir: string,
  ports: DeployPorts,
  key: string,
  record: (phase: Status["phase"], result: StatusResult) => Status,
  out: (line: string) => void,
): Promise<string> {
  const { bucket } = ports;

  // The key is checked before it is read: a release of another environment is refused, not fetched.
  const keyProblem = checkReleaseKey(config);
  if (keyProblem) throw new DeployRefusedError(keyProblem);
  out(`→ release s3://${bucket.bucket}/${config.releaseKey} (version-id ${config.releaseVersionId})`);
  const checked = checkRelease(config, await bucket.getJson(config.releaseKey, config.releaseVersionId));
  if (!checked.ok) throw new DeployRefusedError(checked.reason);
  const release = checked.release;
  out(`  ${release.app} ${release.version} requested by ${release.requestedBy}${release.reason ? `: ${release.reason}` : ""}`);

  if (config.hold) throw new DeploySkip("environment on hold (FLEET_HOLD=true)");
  const later = findSuperseding(await bucket.listKeys(releasesPrefix(config.env, config.app)), config);
  if (later) throw new DeploySkip(`superseded by ${later}`);

  const deployed = await ports.deployedVersion.get();
  out(`→ deployed version (${ports.deployedVersion.name}): ${deployed ?? "none"}`);
  const versionProblem = checkVersion(deployed, release);
  if (versionProblem) throw new DeployRefusedError(versionProblem);

  const zipPath = join(workDir, `${config.app}-${config.version}-${config.releaseId}.zip`);
  out(`→ download s3://${bucket.bucket}/${release.artifactKey}`);
  const file = await bucket.download(release.artifactKey, zipPath, config.maxArchiveBytes);
  const manifest = checkManifest(await bucket.getJson(manifestKey(config.app, config.version)), release);
  if (!manifest.ok) throw new DeployRefusedError(manifest.reason);
  const mismatch = checkChecksums(file, release, manifest.manifest);
  if (mismatch) throw new DeployRefusedError(mismatch);
  out(`  sha256 ${file.sha256} (${file.bytes} bytes) matches the release and the manifest`);

  const target = join(workDir, `release-${config.releaseId}`);
  const extracted = await ports.extract(zipPath, target, { maxBytes: config.maxArchiveBytes, maxFiles: config.maxArchiveFiles });
  out(`→ extracted ${extracted.files} files (${extracted.bytes} bytes) into ${target}`);
  const stackRel = `cdktf.out/${stackDirOf(workloadStackId(config.env))}`;
  const stackDir = join(target, stackRel);
  if (!(await isDirectory(stackDir))) throw new DeployRefusedError(`the artifact has no ${stackRel} (was it synthesized with this environment?)`);

  if (ports.signal?.aborted) throw new DeployFailedError("stopped before the apply (the build is being stopped); nothing applied");
  await bucket.putStatus(key, record("applying", "in-progress"));
  const commands = config.applyCommand ? [config.applyCommand] : defaultApplyCommands(config.terraformBin, config.lockTimeout);
  out(`→ apply ${stackRel}`);
  const applied = await ports.apply(
    {
      commands,
      cwd: stackDir,
      ...(ports.signal ? { signal: ports.signal } : {}),
      env: {
        ...ports.processEnv,
        [BUILD_VAR.stackDir]: stackDir,
        [BUILD_VAR.artifactDir]: target,
        [BUILD_VAR.workDir]: workDir,
        [BUILD_VAR.environment]: config.env,
        [BUILD_VAR.app]: config.app,
        [BUILD_VAR.version]: config.version,
        [BUILD_VAR.releaseId]: config.releaseId,
        ...(config.stateBucket ? { [BUILD_VAR.stateBucket]: config.stateBucket } : {}),
        ...(config.stateRegion ? { [BUILD_VAR.stateRegion]: config.stateRegion } : {}),
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
      },
    },
    out,
  );
  if (!applied.ok) throw new DeployFailedError(applied.reason);

  try {
    await ports.deployedVersion.put(config.version);
  } catch (err) {
    throw new DeployFailedError(`applied, but the deployed version was not recorded: ${(err as Error).message}`);
  }
  return `applied release ${config.releaseId}; ${ports.deployedVersion.name} = ${config.version}`;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
