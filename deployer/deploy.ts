/**
 * One deploy, start to finish, over ports so that the order of steps and the mapping of every outcome to a
 * status record and an exit code live in one readable place:
 *
 *   duplicate? → record "started" → release (key, app pin, exact version-id, schema, clock) → hold (a
 *   destroy release passes: deployer/destroy.ts) →
 *   superseded → version guard → download + checksums → safe extraction → superseded + version guard again
 *   → record "applying" → apply → deployed version → health bake (when the environment has one) → record
 *   the result
 *
 * The version guard runs before the download: a refused downgrade should not cost a large transfer. It and
 * the superseded check run again right before the apply, because another release may have landed while
 * this one downloaded. Every stop is one line in the log (`✖ deploy <env> <version>: …`) and the same line
 * in the record, and a deploy that stops short leaves none of its files in the work directory. Success is
 * recorded only after the apply succeeded, the deployed version was written AND no health alarm was in
 * ALARM during the bake. An unhealthy deploy stays applied (and recorded as deployed, so that a rollback is
 * a downgrade the guard can allow); its record says failed and names the alarm.
 */
import { statusKey } from "../core/keys";
import { STATUS_SCHEMA, type Release, type Status, type StatusResult } from "../core/records";
import { PLATFORM_SECRET_VARIABLES } from "../core/secret-variables";
import type { HealthSettings } from "../core/health";
import type { DeployerConfig } from "./config";
import { DeployFailedError, DeployRefusedError, DeploySkip } from "./errors";
import { bake } from "./health";
import { isDestroy, recordDestroyed } from "./destroy";
import type { DeployPorts } from "./ports";
import { applyStack, checkNotSuperseded, extractArtifact, fetchArtifact, guardVersion, recordDeployedVersion, removeReleaseFiles, verifyRelease, type StepContext } from "./steps";
import { oneLine, redact } from "./text";

export type { DeployPorts } from "./ports";

export interface DeployOutcome {
  readonly result: Exclude<StatusResult, "in-progress">;
  /** One line: why it stopped, or what was applied. */
  readonly message: string;
  readonly exitCode: 0 | 1;
}

/** The steps, in order. A step that stops the deploy throws; see steps.ts. */
async function steps(ctx: StepContext, recordApplying: () => Promise<void>): Promise<string> {
  const release: Release = await verifyRelease(ctx);
  if (ctx.config.hold && !isDestroy(release)) throw new DeploySkip("environment on hold (FLEET_HOLD=true)");
  await checkNotSuperseded(ctx);
  await guardVersion(ctx, release);
  const zip = await fetchArtifact(ctx, release);
  const stackDir = await extractArtifact(ctx, zip);
  // Another release may have landed during the download: look again before changing anything.
  await checkNotSuperseded(ctx);
  await guardVersion(ctx, release);
  await recordApplying();
  await applyStack(ctx, stackDir, release);
  if (isDestroy(release)) return recordDestroyed(ctx, release);
  const done = await recordDeployedVersion(ctx, release);
  return ctx.config.health ? `${done}; ${await bakeHealth(ctx, ctx.config.health)}` : done;
}

/** Watches the environment's alarms for its bake (health.ts); throws naming an alarm in ALARM. */
async function bakeHealth(ctx: StepContext, health: HealthSettings): Promise<string> {
  const { ports } = ctx;
  if (!ports.health) throw new DeployFailedError("applied, but no alarm reader was given for the health bake");
  return bake(health, { ...ports.health, now: ports.now, out: ctx.out, ...(ports.signal ? { signal: ports.signal } : {}) });
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
  const alreadySucceeded = async (): Promise<Status | undefined> => {
    const found = await ports.bucket.getStatus(key).catch(() => undefined);
    return found?.result === "succeeded" ? found : undefined;
  };

  // A duplicate build of a release that already succeeded (a redelivered event, a redrive): nothing to do.
  const done = await alreadySucceeded();
  if (done) {
    const message = `already succeeded (build ${done.buildId}); this duplicate build changes nothing`;
    ports.out(`↷ ${label}: ${message}`);
    return { result: "skipped", message, exitCode: 0 };
  }

  try {
    await ports.bucket.putStatus(key, record("started", "in-progress"));
  } catch (err) {
    // Without a status record nobody could see this build's outcome: stop before touching anything.
    const message = clean(`could not record the start, nothing applied: ${(err as Error).message}`);
    ports.err(`✖ ${label}: ${message}`);
    return { result: "failed", message, exitCode: 1 };
  }

  const ctx: StepContext = { config, workDir, ports, out: (line) => ports.out(redact(line, secrets)) };
  let outcome = await outcomeOf(ctx, clean, () => ports.bucket.putStatus(key, record("applying", "in-progress")));
  if (outcome.result !== "succeeded") {
    await removeReleaseFiles(config, workDir).catch(() => undefined);
    // Another build of this same release may have succeeded while this one ran (its failure is then a
    // state lock or the like): the succeeded record stands.
    const other = await alreadySucceeded();
    if (other) {
      const message = clean(`already succeeded (build ${other.buildId}); this duplicate build stopped (${outcome.message}) and changes nothing`);
      ports.out(`↷ ${label}: ${message}`);
      return { result: "skipped", message, exitCode: 0 };
    }
  }

  try {
    await ports.bucket.putStatus(key, record("finished", outcome.result, outcome.result === "succeeded" ? undefined : outcome.message));
  } catch (err) {
    outcome = { result: outcome.result, message: clean(`${outcome.result}, but the status record could not be written: ${(err as Error).message}`), exitCode: 1 };
    ports.err(`✖ ${label}: ${outcome.message}`);
    return outcome;
  }

  if (outcome.result === "succeeded") ports.out(`✔ ${label}: ${outcome.message}`);
  else if (outcome.result === "skipped") ports.out(`↷ ${label}: skipped: ${outcome.message}`);
  else ports.err(`✖ ${label}: ${outcome.message}`);
  return outcome;
}

/** Runs the steps and maps however they ended (including errors nobody expected) to an outcome. */
async function outcomeOf(ctx: StepContext, clean: (text: string) => string, recordApplying: () => Promise<void>): Promise<DeployOutcome> {
  const running = steps(ctx, recordApplying);
  // When an unexpected error wins the race the steps may still reject later: that is already reported.
  running.catch(() => undefined);
  try {
    const applied = await (ctx.ports.unexpected ? Promise.race([running, ctx.ports.unexpected]) : running);
    return { result: "succeeded", message: applied, exitCode: 0 };
  } catch (err) {
    if (err instanceof DeploySkip) return { result: "skipped", message: clean(err.message), exitCode: 0 };
    if (err instanceof DeployRefusedError) return { result: "refused", message: clean(err.message), exitCode: 1 };
    if (err instanceof DeployFailedError) return { result: "failed", message: clean(err.message), exitCode: 1 };
    // A bug. One line, like every other stop: a stack trace of the bundled deployer is one enormous line
    // of minified source, which buries the build log and helps nobody reading it.
    const e = err instanceof Error ? err : new Error(String(err));
    return { result: "failed", message: clean(`internal error: ${e.name}: ${e.message}`), exitCode: 1 };
  }
}
