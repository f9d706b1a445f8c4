/**
 * `fleet decommission --env E [--version V] [--wait SECONDS] [--reason TEXT] [--dir environments]`: run once,
 * it holds E (`hold: true` in its file) and says to deploy its tenant stack; run again on a held E, it writes a
 * release that asks E's deployer to destroy its workload, waits for its status when asked to, and prints the
 * remaining steps (cli/lifecycle/decommission.ts says the whole order).
 */
import { resolve } from "node:path";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { s3Settings } from "../../core/aws-config";
import { loadFleet } from "../../core/config/loader";
import { UsageError } from "../../core/errors";
import { parse } from "../args";
import type { CommandContext } from "../context";
import { nextSteps, waitForStatus, writeDestroyRelease } from "../lifecycle/decommission";
import { holdInFile } from "../lifecycle/hold";
import { tenantStackId } from "../../core/stack-ids";

function s3Client(env: CommandContext["env"], region: string): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const config: S3ClientConfig = { ...s3Settings(env), region, ...(endpoint ? { endpoint } : {}) };
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  }
  return new S3Client(config);
}

export async function decommission(ctx: CommandContext): Promise<number> {
  const { values } = parse("decommission", ctx.argv, {
    env: { type: "string" },
    version: { type: "string" },
    wait: { type: "string", default: "0" },
    reason: { type: "string", default: "decommission" },
    dir: { type: "string", default: "environments" },
  });
  if (values.env === undefined) throw new UsageError("fleet decommission: --env is required (the environment to remove)");
  const wait = Number(values.wait);
  if (!Number.isInteger(wait) || wait < 0) throw new UsageError(`fleet decommission: --wait takes whole seconds ≥ 0, got ${JSON.stringify(values.wait)}`);
  const config = loadFleet(values.dir, { cwd: ctx.cwd });
  const env = config.environments.find((e) => e.name === values.env);
  if (!env) throw new UsageError(`fleet decommission: unknown environment ${values.env}; known: ${config.environments.map((e) => e.name).join(", ")}`);
  if (!env.hold) {
    // Step 1 first, and nothing else: the hold only works once the tenant stack carries it.
    holdInFile(resolve(ctx.cwd, env.file));
    ctx.stdout.write(
      `✔ 1. hold: true written to ${env.file}
` +
        `  next: deploy it, so that ${env.name}'s deployer refuses new releases: npx cdktf deploy ${tenantStackId(env.name)}
` +
        `  then: fleet decommission --env ${env.name} again, to destroy its workload
`,
    );
    return 0;
  }

  const s3 = s3Client(ctx.env, config.central.region);
  try {
    const { key, release } = await writeDestroyRelease({
      s3,
      config,
      env,
      ...(values.version !== undefined ? { version: values.version } : {}),
      requestedBy: ctx.env.USER ?? "fleet decommission",
      reason: values.reason,
    });
    ctx.stdout.write(`✔ 1. ${env.name} is on hold (${env.file})\n✔ 2. destroy release written: s3://${config.central.artifactBucket}/${key}\n`);
    if (wait > 0) {
      const status = await waitForStatus(s3, config.central.artifactBucket, release, wait * 1000);
      if (!status) {
        ctx.stdout.write(`✖ no final status from ${env.name}'s deployer within ${wait} s: fleet status, then fleet doctor --env ${env.name}\n`);
        return 1;
      }
      if (status.result !== "succeeded") {
        ctx.stdout.write(`✖ ${env.name}'s deployer: ${status.result}: ${status.error ?? ""}\n  fix the cause and run fleet decommission --env ${env.name} again\n`);
        return 1;
      }
      ctx.stdout.write(`✔    ${env.name}'s deployer destroyed the workload of ${release.version} (build ${status.buildId})\n`);
    } else {
      ctx.stdout.write(`     wait for ${env.name}'s status record (fleet status) before the next step\n`);
    }
    nextSteps(config, env).forEach((s, i) => ctx.stdout.write(`  ${i + 3}. ${s}\n`));
    return 0;
  } finally {
    s3.destroy();
  }
}
