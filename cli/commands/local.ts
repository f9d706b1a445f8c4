/**
 * `fleet local [--drill | --scenario FILE] [--dir environments] [--timeout S] [--keep] [--quiet]
 * [--report FILE] [--apply-command JSON]`: the whole chain on a local AWS (moto), nothing from AWS. See
 * cli/local/run.ts for what it does; this file parses the flags and turns the verdict into the exit code:
 * 0 only when every tenant reached the released version (with --drill, every fault had exactly its
 * expected effect; with --scenario, the last rollout ended as the scenario expects).
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../../core/errors";
import { parse } from "../args";
import { localSpec } from "../specs/local";
import type { CommandContext } from "../context";
import { pythonFrom } from "../local/moto";
import { runLocal } from "../local/run";
import { prepareScenario } from "../local/scenarios/load";
import { status } from "./status";

export async function local(ctx: CommandContext): Promise<number> {
  const { values } = parse(localSpec, ctx.argv);
  if (values.scenario !== undefined) {
    const clash = (["drill", "apply-command", "version"] as const).filter((f) => values[f] !== undefined && values[f] !== false);
    if (clash.length > 0) throw new UsageError(`--scenario cannot be combined with ${clash.map((f) => `--${f}`).join(", ")}: the scenario file says what is released and what fails`);
  }
  let applyCommand: string[] | undefined;
  if (values["apply-command"] !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(values["apply-command"]);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((x) => typeof x === "string")) {
      throw new UsageError(`--apply-command takes a JSON array of strings (argv), e.g. '["true"]', got ${JSON.stringify(values["apply-command"])}`);
    }
    applyCommand = parsed;
  }
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout takes seconds per wave (a positive number), got ${JSON.stringify(values.timeout)}`);
  // The AWS SDK prints a 7-line warning under Node 20 (it wants Node 22 from 2027); say it in one line
  // instead of burying the first screen of `npm start`.
  if (Number(process.versions.node.split(".")[0]) < 22 && process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    ctx.stdout.write(`note: Node ${process.versions.node}: the AWS SDK will want Node 22 or later for releases after January 2027\n`);
  }
  const prepared = values.scenario !== undefined ? prepareScenario(values.scenario, values.dir, ctx.cwd) : undefined;
  // The status page of the run, where it outlives the run's temporary work dir (.fleet/ is not committed).
  const page = resolve(ctx.cwd, ".fleet", "local", "status.html");
  let pageWritten = false;
  const result = await runLocal({
    dir: prepared?.fleetDir ?? resolve(ctx.cwd, values.dir),
    ...(prepared ? { scenario: prepared.scenario } : {}),
    drill: values.drill,
    out: ctx.stdout,
    waveTimeoutSeconds: timeout,
    keepWorkDir: values.keep,
    python: pythonFrom(ctx.env),
    quiet: values.quiet,
    ...(applyCommand ? { applyCommand } : {}),
    ...(values.version ? { version: values.version } : {}),
    statusTable: async (env, out) => {
      const code = await status({ argv: ["--dir", env.FLEET_LOCAL_DIR ?? join(ctx.cwd, values.dir)], env: { ...env, PATH: ctx.env.PATH }, cwd: ctx.cwd, stdout: out, stderr: ctx.stderr });
      if (code !== 0) out.write(`(fleet status exited ${code})\n`);
      // The same read again, as the page; its exit code says what the table's already said (1 when a tenant
      // failed, which a drill makes on purpose), so success is the page being written.
      let said = "";
      await status({ argv: ["--dir", env.FLEET_LOCAL_DIR ?? join(ctx.cwd, values.dir), "--format", "html", "--out", page], env: { ...env, PATH: ctx.env.PATH }, cwd: ctx.cwd, stdout: { write: (t: string) => (said += t) }, stderr: { write: () => true } });
      pageWritten = said.startsWith("status page written to ");
    },
  }).finally(() => prepared?.cleanup());
  // With a scenario the report is the scenario's (how its rollout ended, per tenant); otherwise the run's.
  if (values.report) writeFileSync(resolve(ctx.cwd, values.report), `${JSON.stringify(prepared ? result.scenarioReport ?? null : result, null, 2)}\n`);
  if (pageWritten) ctx.stdout.write(`status page: ${page}\n`);
  if (prepared) {
    const state = result.scenarioReport?.rollout.state ?? "unknown";
    ctx.stdout.write(result.ok ? `✔ scenario ${prepared.scenario.file}: the rollout ended ${state}, as expected\n` : `✖ scenario ${prepared.scenario.file}: ${result.problems.join("; ") || "see above"}\n`);
    return result.ok ? 0 : 1;
  }
  ctx.stdout.write(result.ok ? `✔ local chain: every tenant reached its expected version${values.drill ? " and every fault had its expected effect" : ""}\n` : `✖ local chain failed: ${result.problems[0] ?? (result.drill?.find((f) => !f.ok)?.fault ?? "see above")}\n`);
  return result.ok ? 0 : 1;
}
