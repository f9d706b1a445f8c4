/**
 * `fleet synth [--dir environments] [--out cdktf.out] [--only a,b] [--jobs N]`: validates the fleet,
 * synthesizes every stack in-process (no cdktf CLI: it adds ~1.6 s and re-logs our output), and prints one
 * row per stack. Config errors exit 1 before anything is written; stack warnings (quotas) are printed, not
 * fatal. Large fleets are synthesized by several processes (cli/synth-shards.ts); `--jobs 1` turns that off.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { App } from "cdktf";
import { ConfigError, FleetError, UsageError, formatIssue } from "../../core/errors";
import type { FleetConfig } from "../../core/config/schema";
import { outputFormat, parse, splitList } from "../args";
import { progressLine } from "../progress-line";
import { synthSpec } from "../specs/synth";
import { readFleet } from "../../core/config/loader";
import type { CommandContext } from "../context";
import { annotationsOf, formatTable, readRow, sortRows, type SynthManifest } from "../synth-report";
import { autoJobs, builtCli, mergeShards, planShards, startShard, type ShardInput, type ShardRun } from "../synth-shards";

const WARN = "@cdktf/warn";
const ANNOTATION_ERROR = /^Encountered Annotations with level "ERROR":\n([\s\S]*?)\n\nEither fix/;

/** `app.synth()`, with cdktf's error-annotation failure turned into a user error (exit 1, no stack). */
function synthesize(app: App): void {
  try {
    app.synth();
  } catch (err) {
    const m = err instanceof Error ? ANNOTATION_ERROR.exec(err.message) : null;
    if (m) throw new FleetError(`synthesis stopped by stack errors:\n${(m[1] ?? "").split("\n").map((l) => `  ${l}`).join("\n")}`, { cause: err });
    throw err;
  }
}

/** A shard process: config and assets come validated from the parent; everything but central. */
async function synthShard(outdir: string, inputFile: string): Promise<number> {
  const input = JSON.parse(readFileSync(inputFile, "utf8")) as ShardInput;
  const { App } = await import("cdktf");
  const { buildFleet } = await import("../../stacks/fleet");
  const app = new App({ outdir, stackTraces: false });
  const { central } = buildFleet(app, input.config, { only: input.only, assets: input.assets });
  app.node.tryRemoveChild(central.node.id);
  synthesize(app);
  return 0;
}

function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return jobs;
}

export async function synth(ctx: CommandContext): Promise<number> {
  const { values } = parse(synthSpec, ctx.argv);
  const outdir = resolve(ctx.cwd, values.out);
  if (values["internal-shard"] !== undefined) return synthShard(outdir, resolve(ctx.cwd, values["internal-shard"]));

  const format = outputFormat("synth", values, ["table", "json"]);
  const only = splitList("only", values.only);
  const jobsFlag = parseJobs(values.jobs);
  const started = Date.now();
  // FLEET_TIMINGS=1 prints where the time goes (bench/synth reads it).
  const marks: [string, number][] = [];
  const mark = (phase: string) => marks.push([phase, Date.now()]);

  const result = readFleet(values.dir, { cwd: ctx.cwd });
  for (const w of result.warnings) ctx.stderr.write(`⚠ ${formatIssue(w)}\n`);
  if (!result.config) throw new ConfigError(result.issues);
  const config: FleetConfig = result.config;
  const known = config.environments.map((e) => e.name);
  if (only) {
    const unknown = only.filter((n) => !known.includes(n));
    if (unknown.length > 0) {
      throw new UsageError(`--only names unknown environment${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}; valid: ${known.join(", ") || "(none)"}`);
    }
  }
  mark("config");

  // cdktf's App creates outdir with a non-recursive mkdir; create the whole path first.
  mkdirSync(outdir, { recursive: true });
  // Loaded here, not at the top: `fleet validate` must not pay for cdktf and the provider classes.
  const { App } = await import("cdktf");
  const { buildFleet } = await import("../../stacks/fleet");
  const { prepareAssets, repoRoot } = await import("../../stacks/assets");
  mark("load");

  const selected = only ? known.filter((n) => only.includes(n)) : known;
  const cli = builtCli(repoRoot());
  const shards = planShards(selected, cli ? (jobsFlag ?? autoJobs(selected.length)) : 1);
  progressLine(ctx, `synthesizing central and ${selected.length} environment${selected.length === 1 ? "" : "s"}${shards.length > 1 ? ` in ${shards.length} processes` : ""} …`);
  const assets = prepareAssets(outdir);
  // Children first, so that they run while this process builds and synthesizes central and shard 0.
  const children: ShardRun[] = shards
    .slice(1)
    .map((names, i) => startShard(cli!, join(outdir, `.shard-${i + 1}`), { config, only: names, assets }));
  let manifest: SynthManifest;
  try {
    const app = new App({ outdir, stackTraces: false });
    buildFleet(app, config, { only: shards[0] ?? [], assets });
    mark("construct");
    synthesize(app);
    mark("synth");
    const settled = await Promise.allSettled(children.map((c) => c.done));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    manifest = children.length > 0 ? mergeShards(outdir, children.map((c) => c.dir)) : app.manifest;
    mark("shards");
  } catch (err) {
    for (const c of children) c.stop();
    throw err;
  }

  const rows = sortRows(Object.values(manifest.stacks).map((s) => readRow(outdir, s.name, s.synthesizedStackPath)));
  const total = rows.reduce((n, r) => n + r.resources, 0);
  const shownOut = relative(ctx.cwd, outdir) || ".";
  const seconds = (Date.now() - started) / 1000;
  if (format === "json") {
    ctx.stdout.write(JSON.stringify({ out: outdir, stacks: rows, resources: total, seconds, processes: shards.length }, null, 2) + "\n");
  } else {
    ctx.stdout.write(formatTable(rows));
    const processes = shards.length > 1 ? `, ${shards.length} processes` : "";
    ctx.stdout.write(`✔ ${rows.length} stacks, ${total} resources → ${shownOut.startsWith("..") ? outdir : shownOut} (${seconds.toFixed(1)} s${processes})\n`);
  }
  mark("table");
  for (const w of annotationsOf(manifest, WARN)) ctx.stderr.write(`⚠ ${w.stack}: ${w.message} (${w.constructPath})\n`);
  if (ctx.env.FLEET_TIMINGS === "1") {
    const parts = marks.map(([phase, at], i) => `${phase} ${at - (marks[i - 1]?.[1] ?? started)} ms`);
    ctx.stderr.write(`timings: ${parts.join(", ")}\n`);
  }
  return 0;
}
