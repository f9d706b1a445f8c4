/**
 * `fleet publish <file.zip> --app <app> --version <v> [--format text|json] [--bucket B] [--dir environments]`:
 * the pipe's immutable upload for operators and the local run. The bucket comes from fleet.yaml
 * (`central.artifactBucket`) unless --bucket is given.
 */
import { resolve } from "node:path";
import { UsageError } from "../../core/errors";
import { isValidVersion } from "../../core/version";
import { NAME_RE } from "../../core/patterns";
import { createS3 } from "../../pipe/aws";
import { publishArtifact } from "../../pipe/publish";
import { inspectZip } from "../../pipe/zip/inspect";
import { outputFormat, parse } from "../args";
import { progressLine } from "../progress-line";
import { publishSpec } from "../specs/publish";
import { loadFleet } from "../../core/config/loader";
import type { CommandContext } from "../context";

export async function publish(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(publishSpec, ctx.argv);
  const [zip] = positionals;
  if (positionals.length !== 1 || zip === undefined) throw new UsageError("fleet publish: give exactly one zip: fleet publish <file.zip> --app <app> --version <v>");
  if (!values.app || !NAME_RE.test(values.app)) throw new UsageError(`fleet publish: --app is required and must match ${NAME_RE.source}${values.app ? `, got ${JSON.stringify(values.app)}` : ""}`);
  if (!values.version || !isValidVersion(values.version)) throw new UsageError(`fleet publish: --version is required and must be SemVer without build metadata (e.g. 1.4.2)${values.version ? `, got ${JSON.stringify(values.version)}` : ""}`);
  const format = outputFormat("publish", values, ["text", "json"]);
  const fleet = values.bucket ? undefined : loadFleet(values.dir, { cwd: ctx.cwd });
  const bucket = values.bucket ?? fleet!.central.artifactBucket;
  const file = resolve(ctx.cwd, zip);
  const facts = await inspectZip(file);
  progressLine(ctx, `publishing ${values.app} ${values.version} (${(facts.size / 1e6).toFixed(1)} MB) to s3://${bucket} …`);
  const region = ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? fleet?.central.region;
  const s3 = createS3(ctx.env, region ? { region } : {});
  const result = await publishArtifact({
    s3,
    bucket,
    app: values.app,
    version: values.version,
    file,
    sha256: facts.sha256,
    files: facts.files,
    manifestFields: { gate: { lint: "skipped", test: "skipped", sonar: "skipped" }, ...(ctx.env.FLEET_COMMIT ? { commit: ctx.env.FLEET_COMMIT } : {}) },
    log: (m) => ctx.stderr.write(`${m}\n`),
  });
  if (format === "json") ctx.stdout.write(`${JSON.stringify({ bucket, ...result })}\n`);
  else ctx.stdout.write(`✔ ${result.alreadyPublished ? "already published" : "published"} s3://${bucket}/${result.artifactKey} (sha256 ${result.sha256}) and ${result.manifestKey}\n`);
  return 0;
}
