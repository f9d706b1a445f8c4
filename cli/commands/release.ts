/**
 * `fleet release --app <app> --version <v> --to <env|wave:N>... [--allow-downgrade] [--reason TEXT]
 * [--dir environments] [--bucket B]`: the "one click" that releases a published version, for operators.
 */
import { userInfo } from "node:os";
import { UsageError } from "../../core/errors";
import { createS3 } from "../../pipe/aws";
import { releaseVersion } from "../../pipe/release";
import { outputFormat, parse } from "../args";
import { progressLine } from "../progress-line";
import { releaseSpec } from "../specs/release";
import { loadFleet } from "../../core/config/loader";
import type { CommandContext } from "../context";

function who(env: CommandContext["env"]): string {
  if (env.FLEET_REQUESTED_BY) return env.FLEET_REQUESTED_BY;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${env.USER ?? "unknown"}`;
  }
}

export async function release(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(releaseSpec, ctx.argv);
  const format = outputFormat("release", values, ["text", "json"]);
  // `--to alpha bravo` as well as `--to alpha --to bravo`: extra positionals are more targets.
  const targets = [...(values.to ?? []), ...positionals].flatMap((t) => t.split(",")).map((t) => t.trim()).filter((t) => t !== "");
  if (!values.app) throw new UsageError("fleet release: --app is required");
  if (!values.version) throw new UsageError("fleet release: --version is required");
  if (targets.length === 0) throw new UsageError("fleet release: --to <env|wave:N> is required (one or more)");
  const fleet = loadFleet(values.dir, { cwd: ctx.cwd });
  progressLine(ctx, `releasing ${values.app} ${values.version} to ${targets.join(", ")} …`);
  const written = await releaseVersion({
    s3: createS3(ctx.env, { region: ctx.env.AWS_REGION ?? fleet.central.region }),
    bucket: values.bucket ?? fleet.central.artifactBucket,
    fleet,
    app: values.app,
    version: values.version,
    targets,
    requestedBy: who(ctx.env),
    reason: values.reason ?? "",
    reasonName: "--reason",
    requestedByName: ctx.env.FLEET_REQUESTED_BY ? "FLEET_REQUESTED_BY" : "the requester (your user name)",
    allowDowngrade: values["allow-downgrade"] ?? false,
  });
  if (format === "json") ctx.stdout.write(`${JSON.stringify(written)}\n`);
  else ctx.stdout.write(written.map((w) => `✔ released ${values.app} ${values.version} to ${w.env}: ${w.key}\n`).join(""));
  return 0;
}
