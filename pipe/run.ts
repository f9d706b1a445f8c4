/**
 * The pipe, start to finish: gate, package, publish, release. `run()` never throws: every outcome ends in one
 * `✔ …` line and exit 0, or one `✖ …` line and exit 1, and a result.json in the pipe's storage dir.
 *
 * publish: variables → lint → test → sonar scan + quality gate → synth → package → publish → releases
 *          (RELEASE_TO, e.g. wave 0 on merge)
 * review:  pipe/review (pull requests: plan summary as a PR comment)
 * release: confirm the published artifact → one release object per target (a manual promote step)
 * rollout: start the rollout of the version through the waves (pipe/rollout.ts; the step after publish)
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FleetError } from "../core/errors";
import { isSecretVariable } from "../core/secrets";
import type { FleetConfig } from "../core/config/schema";
import { loadFleet } from "../core/config/loader";
import { createS3 } from "./aws";
import { runCommand } from "./commands";
import { createLog, type Log, type Sink } from "./log";
import { packageTree } from "./package";
import { publishArtifact } from "./publish";
import { releaseVersion } from "./release";
import { rolloutMode } from "./rollout";
import { writeResult, type PipeResult } from "./result";
import { readSettings, type PipeSettings } from "./settings";
import { publishStatusPage } from "./status-page";
import { checkQualityGate } from "./sonar";
import { Variables, type Env } from "./variables";

export interface RunOptions {
  readonly env?: Env;
  readonly cwd?: string;
  readonly stdout?: Sink;
}

/** The environment of the repository's own commands (lint, tests, synth): no credentials, no tokens. */
function childEnv(env: Env, keep: readonly string[] = []): Env {
  const out: Record<string, string | undefined> = { ...env };
  for (const k of Object.keys(out)) if (isSecretVariable(k) && !keep.includes(k)) delete out[k];
  return out;
}

/** Masks every variable named like a secret, not only those the pipe reads itself. */
function maskSecretVariables(env: Env, vars: Variables): void {
  // At least 8 characters: a `FOO_TOKEN=true` set by someone must not mask the word "true".
  for (const [name, value] of Object.entries(env)) if (value && isSecretVariable(name)) vars.addSecret(value, 8);
}

function requestedBy(env: Env): string {
  const repo = env.BITBUCKET_REPO_FULL_NAME ?? env.BITBUCKET_REPO_SLUG ?? "repository";
  const who = env.BITBUCKET_STEP_TRIGGERER_UUID ? ` by ${env.BITBUCKET_STEP_TRIGGERER_UUID}` : "";
  return `bitbucket:${repo}#${env.BITBUCKET_BUILD_NUMBER ?? "?"}${who}`;
}

function fleetFor(s: PipeSettings, cwd: string, needed: boolean, log: Log): FleetConfig | undefined {
  const dir = resolve(cwd, s.fleetDir);
  if (!needed) return undefined;
  log.debug(`loading the fleet config from ${dir}`);
  return loadFleet(dir, { cwd });
}

async function gate(s: PipeSettings, env: Env, cwd: string, log: Log, result: PipeResult): Promise<void> {
  const plain = childEnv(env);
  for (const step of ["lint", "test"] as const) {
    const argv = step === "lint" ? s.lintCommand : s.testCommand;
    if (argv.length === 0) {
      log.warn(`${step} skipped: ${step.toUpperCase()}_COMMAND is an empty list`);
      result.gate[step] = "skipped";
      continue;
    }
    log.info(`── ${step}`);
    result.gate[step] = "failed";
    await runCommand(argv, { cwd, env: plain, log, what: step });
    result.gate[step] = "passed";
  }
  if (!s.sonar) {
    log.warn("══════════════════════════════════════════════════════════════════════");
    log.warn("SONAR_SKIP is 'true': NO SonarQube scan and NO quality gate for this build.");
    log.warn("The artifact is published without a quality gate (manifest gate.sonar = skipped).");
    log.warn("══════════════════════════════════════════════════════════════════════");
    result.gate.sonar = "skipped";
    return;
  }
  log.info("── sonar");
  result.gate.sonar = "failed";
  const sonarEnv = { ...childEnv(env, ["SONAR_TOKEN"]), SONAR_TOKEN: s.sonar.token, ...(s.sonar.hostUrl ? { SONAR_HOST_URL: s.sonar.hostUrl } : {}) };
  // A report left from an earlier scan would make the gate read an old analysis: the scanner must write it anew.
  const reportFile = resolve(cwd, s.sonar.reportFile);
  rmSync(reportFile, { force: true });
  await runCommand(s.sonar.scannerCommand, { cwd, env: sonarEnv, log, what: "sonar scanner" });
  const g = await checkQualityGate({
    reportFile,
    ...(s.sonar.hostUrl !== undefined ? { hostUrl: s.sonar.hostUrl } : {}),
    token: s.sonar.token,
    auth: s.sonar.auth,
    timeoutMs: s.sonar.timeoutMs,
    pollIntervalMs: s.sonar.pollIntervalMs,
    warnFails: s.sonar.warnFails,
    log,
  });
  result.gate = { ...result.gate, sonar: "passed", sonarAnalysisId: g.analysisId, ...(g.projectKey ? { sonarProjectKey: g.projectKey } : {}), ...(g.dashboardUrl ? { sonarDashboardUrl: g.dashboardUrl } : {}) };
}

async function publishMode(s: PipeSettings, env: Env, cwd: string, storageDir: string, log: Log, result: PipeResult): Promise<string> {
  // Resolve everything that can be wrong in the config before the (long) gate runs.
  const fleet = fleetFor(s, cwd, !s.app || !s.bucket || s.releaseTo.length > 0, log);
  const app = s.app ?? fleet!.app.name;
  const bucket = s.bucket ?? fleet!.central.artifactBucket;
  const version = s.version!;
  Object.assign(result, { app, version, bucket });
  log.info(`publishing ${app} ${version} to s3://${bucket}`);

  await gate(s, env, cwd, log, result);

  if (s.synthCommand.length > 0) {
    log.info("── synth");
    await runCommand(s.synthCommand, { cwd, env: childEnv(env), log, what: "synth" });
  }
  log.info("── package");
  const zip = join(storageDir, `${app}-${version}.zip`);
  const started = Date.now();
  const pkg = await packageTree({ root: cwd, out: zip, include: s.packagePaths, exclude: s.packageExcludes });
  Object.assign(result, { sha256: pkg.sha256, size: pkg.size, files: pkg.files });
  log.info(`packaged ${pkg.files} files into ${pkg.size} bytes in ${((Date.now() - started) / 1000).toFixed(1)} s, sha256 ${pkg.sha256}`);

  log.info("── publish");
  const region = s.region ?? fleet?.central.region;
  const s3 = createS3(env, region !== undefined ? { region } : {});
  try {
    const pub = await publishArtifact({
      s3,
      bucket,
      app,
      version,
      file: zip,
      sha256: pkg.sha256,
      files: pkg.files,
      manifestFields: {
        commit: env.BITBUCKET_COMMIT,
        buildNumber: env.BITBUCKET_BUILD_NUMBER,
        branch: env.BITBUCKET_BRANCH,
        tag: env.BITBUCKET_TAG,
        gate: {
          lint: result.gate.lint === "passed" ? "passed" : "skipped",
          test: result.gate.test === "passed" ? "passed" : "skipped",
          sonar: result.gate.sonar === "passed" ? "passed" : "skipped",
          sonarProjectKey: result.gate.sonarProjectKey,
          sonarAnalysisId: result.gate.sonarAnalysisId,
          sonarDashboardUrl: result.gate.sonarDashboardUrl,
        },
      },
      log: (m) => log.info(m),
    });
    Object.assign(result, { artifactKey: pub.artifactKey, manifestKey: pub.manifestKey, alreadyPublished: pub.alreadyPublished });
    log.info(`${pub.alreadyPublished ? "already published" : "published"} s3://${bucket}/${pub.artifactKey} and ${pub.manifestKey}`);

    if (s.releaseTo.length > 0) {
      log.info("── release");
      result.releases = await releaseVersion({ s3, bucket, fleet: fleet!, app, version, targets: s.releaseTo, requestedBy: requestedBy(env), reason: s.releaseReason || `pipeline ${env.BITBUCKET_BUILD_NUMBER ?? ""}`.trim(), reasonName: "RELEASE_REASON", allowDowngrade: s.allowDowngrade });
      for (const r of result.releases) log.info(`released to ${r.env}: ${r.key}`);
    }
  } finally {
    s3.destroy();
  }
  const rel = result.releases.length > 0 ? `, released to ${result.releases.map((r) => r.env).join(", ")}` : "";
  return `${app} ${version} ${result.alreadyPublished ? "was already published" : "published"} (sha256 ${pkg.sha256.slice(0, 12)}…)${rel}`;
}

async function releaseMode(s: PipeSettings, env: Env, cwd: string, storageDir: string, log: Log, result: PipeResult): Promise<string> {
  const fleet = fleetFor(s, cwd, true, log)!;
  const app = s.app ?? fleet.app.name;
  const bucket = s.bucket ?? fleet.central.artifactBucket;
  const version = s.version!;
  Object.assign(result, { app, version, bucket });
  const s3 = createS3(env, { region: s.region ?? fleet.central.region });
  try {
    result.releases = await releaseVersion({ s3, bucket, fleet, app, version, targets: s.releaseTo, requestedBy: requestedBy(env), reason: s.releaseReason, reasonName: "RELEASE_REASON", allowDowngrade: s.allowDowngrade });
    for (const r of result.releases) log.info(`released to ${r.env}: ${r.key}`);
    const page = await publishStatusPage({ s3, bucket, fleet, app, storageDir, settings: s.statusPage, log });
    if (page) result.statusPage = page;
  } finally {
    s3.destroy();
  }
  return `released ${app} ${version} to ${result.releases.map((r) => r.env).join(", ")}`;
}

async function reviewMode(env: Env, cwd: string, storageDir: string, log: Log, result: PipeResult): Promise<{ ok: boolean; message: string }> {
  // Built by the plan-review part (pipe/review/); loaded only in this mode.
  const { runReview } = await import("./review/run");
  const r = await runReview({ cwd, env, storageDir, log: (line: string) => log.info(line) });
  result.review = r;
  return { ok: r.ok, message: r.summary };
}

/** The whole pipe; resolves to the exit code. */
export async function run(options: RunOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? env.BITBUCKET_CLONE_DIR ?? process.cwd());
  const stdout = options.stdout ?? process.stdout;
  const storageDir = env.BITBUCKET_PIPE_STORAGE_DIR || join(tmpdir(), "fleet-pipe-storage");
  const vars = new Variables(env);
  maskSecretVariables(env, vars);
  let log = createLog(stdout, { debug: false, mask: vars.masker });
  const result: PipeResult = { mode: "?", ok: false, message: "", gate: { lint: "not-run", test: "not-run", sonar: "not-run" }, releases: [] };
  let ok = false;
  let message: string;
  try {
    const settings = readSettings(env, vars, cwd);
    result.mode = settings.mode;
    log = createLog(stdout, { debug: settings.debug, mask: vars.masker, colors: env.CI === "true" && env.NO_COLOR === undefined });
    vars.check();
    log.info(`cdktf-fleet pipe: mode ${settings.mode} in ${cwd}`);
    log.debug(`settings: ${JSON.stringify({ ...settings, sonar: settings.sonar ? { ...settings.sonar, token: "****" } : undefined })}`);
    if (settings.mode === "review") {
      const r = await reviewMode(env, cwd, storageDir, log, result);
      ok = r.ok;
      message = r.message;
    } else if (settings.mode === "rollout") {
      message = await rolloutMode({ settings, env, fleet: fleetFor(settings, cwd, true, log)!, requestedBy: requestedBy(env), log, result, storageDir });
      ok = true;
    } else {
      message = settings.mode === "release" ? await releaseMode(settings, env, cwd, storageDir, log, result) : await publishMode(settings, env, cwd, storageDir, log, result);
      ok = true;
    }
  } catch (err) {
    ok = false;
    if (err instanceof FleetError) {
      message = err.message;
    } else {
      message = `internal error (a bug in the pipe, please report it with DEBUG: 'true' logs): ${err instanceof Error ? err.message : String(err)}`;
      log.debug(err instanceof Error ? (err.stack ?? "") : "");
    }
  }
  result.ok = ok;
  result.message = vars.mask(message);
  try {
    const file = writeResult(storageDir, result);
    log.debug(`result written to ${file}`);
  } catch (err) {
    log.warn(`could not write the result file to ${storageDir}: ${(err as Error).message}`);
  }
  // The last line is always the one-line verdict; details of a multi-line message go above it.
  const [headline = message, ...details] = message.split("\n");
  if (details.length > 0) {
    if (ok) log.info(message);
    else log.error(message);
  }
  if (ok) log.success(headline);
  else log.fail(headline);
  return ok ? 0 : 1;
}
