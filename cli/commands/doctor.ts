/**
 * `fleet doctor [--env E]... [--format table|json] [--dir environments]`: checks, in the central account and
 * in each environment, everything a release depends on, and says what to fix. Exit 1 when a check fails
 * (warnings alone exit 0). The doctor reads only: it assumes each account's read-only `fleet-plan` role.
 */
import { UsageError } from "../../core/errors";
import { parse } from "../args";
import { loadFleet } from "../../core/config/loader";
import type { CommandContext } from "../context";
import { evaluateCentral, evaluateTenant, summarize } from "../doctor/evaluate";
import { formatJson, formatTable } from "../doctor/format";
import { gatherFleet } from "../doctor/gather";

export async function doctor(ctx: CommandContext): Promise<number> {
  const { values } = parse("doctor", ctx.argv, {
    env: { type: "string", multiple: true },
    format: { type: "string", default: "table" },
    dir: { type: "string", default: "environments" },
  });
  if (values.format !== "table" && values.format !== "json") throw new UsageError(`fleet doctor: --format must be table or json, got ${JSON.stringify(values.format)}`);
  const config = loadFleet(values.dir, { cwd: ctx.cwd });
  const wanted = (values.env ?? []).flatMap((v) => v.split(",")).filter((v) => v !== "");
  const unknown = wanted.filter((w) => !config.environments.some((e) => e.name === w));
  if (unknown.length > 0) {
    throw new UsageError(`fleet doctor: unknown environment${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}; known: ${config.environments.map((e) => e.name).join(", ")}`);
  }
  const envs = wanted.length === 0 ? config.environments : config.environments.filter((e) => wanted.includes(e.name));

  const facts = await gatherFleet(ctx.env, config, envs);
  const checks = [...evaluateCentral(config, facts.central), ...facts.tenants.flatMap((t) => evaluateTenant(config, envs.find((e) => e.name === t.env)!, t))];
  const report = summarize(checks);
  ctx.stdout.write(values.format === "json" ? formatJson(report) : formatTable(report));
  return report.failed === 0 ? 0 : 1;
}
