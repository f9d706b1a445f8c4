/**
 * `fleet synth [--dir environments] [--out cdktf.out] [--only a,b]`: validates the fleet, synthesizes every
 * stack in-process (no cdktf CLI: it adds ~1.6 s and re-logs our output), and prints one row per stack.
 * Config errors exit 1 before anything is written; stack warnings (quotas) are printed, not fatal.
 */
import { mkdirSync } from "node:fs";
import { relative, resolve } from "node:path";
import { FleetError, UsageError, formatIssue } from "../../core/errors";
import { ConfigError } from "../../core/errors";
import { parse, splitList } from "../args";
import { readFleet } from "../config-loader";
import type { CommandContext } from "../context";
import { annotationsOf, formatTable, readRow, sortRows, type SynthManifest } from "../synth-report";

const WARN = "@cdktf/warn";
const ANNOTATION_ERROR = /^Encountered Annotations with level "ERROR":\n([\s\S]*?)\n\nEither fix/;

export async function synth(ctx: CommandContext): Promise<number> {
  const { values } = parse("synth", ctx.argv, {
    dir: { type: "string", default: "environments" },
    out: { type: "string", default: "cdktf.out" },
    only: { type: "string" },
  });
  const only = splitList("only", values.only);
  const started = Date.now();
  // FLEET_TIMINGS=1 prints where the time goes (bench/synth reads it).
  const marks: [string, number][] = [];
  const mark = (phase: string) => marks.push([phase, Date.now()]);

  const result = readFleet(values.dir, { cwd: ctx.cwd });
  for (const w of result.warnings) ctx.stderr.write(`⚠ ${formatIssue(w)}\n`);
  if (!result.config) throw new ConfigError(result.issues);
  const config = result.config;
  if (only) {
    const known = new Set(config.environments.map((e) => e.name));
    const unknown = only.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new UsageError(`--only names unknown environment${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}; valid: ${[...known].join(", ") || "(none)"}`);
    }
  }

  mark("config");
  // cdktf's App creates outdir with a non-recursive mkdir; create the whole path first.
  const outdir = resolve(ctx.cwd, values.out);
  mkdirSync(outdir, { recursive: true });
  // Loaded here, not at the top: `fleet validate` must not pay for cdktf and the provider classes.
  const { App } = await import("cdktf");
  const { buildFleet } = await import("../../stacks/fleet");
  mark("load");
  const app = new App({ outdir, stackTraces: false });
  buildFleet(app, config, only ? { only } : {});
  mark("construct");
  try {
    app.synth();
  } catch (err) {
    const m = err instanceof Error ? ANNOTATION_ERROR.exec(err.message) : null;
    if (m) throw new FleetError(`synthesis stopped by stack errors:\n${m[1].split("\n").map((l) => `  ${l}`).join("\n")}`, { cause: err });
    throw err;
  }

  mark("synth");
  const manifest = app.manifest as unknown as SynthManifest;
  const rows = sortRows(Object.values(manifest.stacks).map((s) => readRow(outdir, s.name, s.synthesizedStackPath)));
  ctx.stdout.write(formatTable(rows));
  mark("table");
  const total = rows.reduce((n, r) => n + r.resources, 0);
  const shownOut = relative(ctx.cwd, outdir) || ".";
  ctx.stdout.write(`✔ ${rows.length} stacks, ${total} resources → ${shownOut.startsWith("..") ? outdir : shownOut} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  for (const w of annotationsOf(manifest, WARN)) ctx.stderr.write(`⚠ ${w.stack}: ${w.message} (${w.constructPath})\n`);
  if (ctx.env.FLEET_TIMINGS === "1") {
    const parts = marks.map(([phase, at], i) => `${phase} ${at - (i === 0 ? started : marks[i - 1][1])} ms`);
    ctx.stderr.write(`timings: ${parts.join(", ")}\n`);
  }
  return 0;
}
