/**
 * The deployer CodeBuild runs in a tenant account: `node dist/deployer/index.js`. Thin: read the
 * configuration, build the AWS clients, run deploy.ts, set the exit code. It ships with the tenant
 * plumbing, never inside the artifact it verifies (see deployer/README.md).
 *
 * Nothing escapes as a crash: an exception thrown outside every promise chain or a rejection nobody handled
 * ends the deploy as "failed" with one line and a record (see `unexpected` in ports.ts), and whatever
 * happens before or after the deploy is one `✖ deploy:` line, never a stack trace of the bundle.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { S3Client } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import { s3Settings } from "../core/aws-config";
import { runApply } from "./apply";
import { readDeployerConfig } from "./config";
import { deploy } from "./deploy";
import { DeployerConfigError } from "./errors";
import { extractArchive } from "./extract";
import { CloudWatchAlarms, sleep } from "./health";
import { CentralBucket } from "./s3-store";
import { DeployedVersionParameter } from "./ssm-store";

async function run(): Promise<number> {
  let config;
  try {
    config = readDeployerConfig(process.env);
  } catch (err) {
    if (err instanceof DeployerConfigError) {
      process.stderr.write(`✖ deploy: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const ownWorkDir = config.workDir === undefined;
  const workDir = config.workDir ?? (await mkdtemp(join(tmpdir(), "fleet-deploy-")));
  // A work directory that cannot be created fails the download step, which records it.
  await mkdir(workDir, { recursive: true }).catch(() => undefined);
  // CodeBuild stops a build (StopBuild, timeout) with a signal: finish with a "failed" record and let
  // terraform stop gracefully rather than die holding its state lock.
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`… ${sig} received: stopping the deploy\n`);
    stop.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  const unexpected = catchUnexpected();
  try {
    const outcome = await deploy(config, workDir, {
      bucket: new CentralBucket(new S3Client({ region: config.centralRegion, ...s3Settings(process.env) }), config.artifactBucket),
      // The parameter lives in this (tenant) account and region: the SDK's own region settings.
      deployedVersion: new DeployedVersionParameter(new SSMClient({}), config.deployedVersionParameter),
      extract: extractArchive,
      apply: runApply,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      now: () => new Date(),
      signal: stop.signal,
      unexpected: unexpected.promise,
      processEnv: process.env,
      // The alarms live in this (tenant) account and region, like the parameter.
      ...(config.health ? { health: { alarms: new CloudWatchAlarms(new CloudWatchClient({})), sleep } } : {}),
    });
    // After an unexpected error the steps may still be running (an apply, a stream): stop them.
    if (unexpected.seen()) {
      stop.abort();
      // Whatever the error left open must not hold the build until its timeout.
      setTimeout(() => process.exit(outcome.exitCode), 10_000).unref();
    }
    return outcome.exitCode;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    if (ownWorkDir) await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * A promise that rejects with the first uncaught exception or unhandled rejection of the process. The
 * handlers stay installed to the end: a second such error must not kill the process before the record of
 * the first is written.
 */
function catchUnexpected(): { promise: Promise<never>; seen: () => boolean } {
  let seen = false;
  let fail: (err: unknown) => void = () => undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    fail = reject;
  });
  promise.catch(() => undefined);
  const onError = (err: unknown) => {
    seen = true;
    fail(err);
  };
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  return { promise, seen: () => seen };
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`✖ deploy: internal error: ${e.name}: ${e.message.replace(/\s+/g, " ").slice(0, 500)}\n`);
    process.exitCode = 1;
  },
);
