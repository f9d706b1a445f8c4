/**
 * `fleet status [--app A] [--format table|json|html] [--out FILE] [--dir environments] [--bucket B]`:
 * what runs where, what failed, who lags — from the status records the tenant deployers write to the
 * central bucket. A record counts for the environment its key names; a body that disagrees is ignored with
 * a warning. Exit 1 when a tenant's newest release failed or was refused, so that a script or a pipeline
 * step can gate on it; the table, JSON or page is written either way.
 *
 * Reading is cheap at fleet scale: one paginated listing of `status/` keys (keys sort by release id, so
 * each environment's newest record is its last key), then GETs only of each environment's newest record
 * and, walking back, its newest succeeded one; known versions come from listing `artifacts/<app>/`
 * (two keys per version, whatever the fleet size) instead of every release object.
 */
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { s3Settings } from "../../core/aws-config";
import type { FleetConfig } from "../../core/config/schema";
import { ConfigError, FleetError, UsageError } from "../../core/errors";
import { buildFleetStatus, failingEnvironments, formatFleetStatusTable } from "../../core/fleet-status";
import { BUCKET_RE, NAME_RE } from "../../core/patterns";
import { readStatusRecords } from "../../core/status-page/read";
import { s3RecordSource } from "../../pipe/status-page";
import { outputFormat, parse } from "../args";
import { progressLine } from "../progress-line";
import { statusSpec } from "../specs/status";
import { loadFleet } from "../../core/config/loader";
import { currentRollout, writeStatusPage } from "./status-html";
import type { CommandContext } from "../context";

/** The central bucket could not be read. */
export class StatusReadError extends FleetError {}

type Env = CommandContext["env"];

/**
 * The client from the command's environment (ctx.env), which is process.env in a real run: the standard
 * endpoint and credential variables, and FLEET_S3_FORCE_PATH_STYLE.
 */
function s3Client(env: Env, region: string | undefined): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const config: S3ClientConfig = { ...s3Settings(env) };
  const chosen = region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (chosen) config.region = chosen;
  if (endpoint) config.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  }
  return new S3Client(config);
}

export async function status(ctx: CommandContext): Promise<number> {
  const { values } = parse(statusSpec, ctx.argv);
  const format = outputFormat("status", values, ["table", "json", "html"]);
  if (values.out !== undefined && format !== "html") throw new UsageError(`fleet status: --out writes the status page: use it with --format html`);
  if (values.app !== undefined && !NAME_RE.test(values.app)) throw new UsageError(`fleet status: --app ${JSON.stringify(values.app)} is not an app name (${NAME_RE.source})`);
  if (values.bucket !== undefined && !BUCKET_RE.test(values.bucket)) throw new UsageError(`fleet status: --bucket ${JSON.stringify(values.bucket)} is not a bucket name`);
  const warn = (line: string) => ctx.stderr.write(`${line}\n`);

  // The fleet config names the bucket, the app and the environments to show; with --bucket and --app the
  // records alone are enough (an operator without the repository checked out).
  let fleet: FleetConfig | undefined;
  try {
    fleet = loadFleet(values.dir, { cwd: ctx.cwd });
  } catch (err) {
    if (!(err instanceof ConfigError) || values.bucket === undefined || values.app === undefined) throw err;
    warn(`⚠ fleet config not loaded (${err.issues.length} problem${err.issues.length === 1 ? "" : "s"} in ${values.dir}); showing environments that have records`);
  }
  const bucket = values.bucket ?? fleet!.central.artifactBucket;
  const app = values.app ?? fleet!.app.name;
  const s3 = s3Client(ctx.env, fleet?.central.region);

  progressLine(ctx, `reading the records of ${app} in s3://${bucket} …`);
  try {
    const { records, knownVersions } = await readStatusRecords(s3RecordSource(s3, bucket), app, warn);
    const result = buildFleetStatus({
      app,
      fleet: (fleet?.environments ?? []).map((e) => ({ name: e.name, wave: e.wave })),
      records,
      knownVersions,
    });
    if (format === "html") writeStatusPage(ctx, { status: result, fleet, source: `s3://${bucket}`, rollout: await currentRollout(s3, bucket, app, warn), out: values.out });
    else if (format === "json") ctx.stdout.write(JSON.stringify({ bucket, ...result }, null, 2) + "\n");
    else ctx.stdout.write(formatFleetStatusTable(result, `s3://${bucket}`));
    const failing = failingEnvironments(result);
    if (failing.length === 0) return 0;
    warn(`✖ fleet status: the newest release failed or was refused in ${failing.join(", ")}`);
    return 1;
  } catch (err) {
    if (err instanceof FleetError) throw err;
    const e = err as { name?: string; message?: string };
    throw new StatusReadError(`fleet status: could not read s3://${bucket}: ${e.name ?? "Error"}: ${e.message ?? String(err)}`);
  } finally {
    s3.destroy();
  }
}
