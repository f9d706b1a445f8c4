/**
 * `fleet validate [--dir environments]`: every rule of the fleet configuration over every file; exit 0 with a
 * one-line summary, or exit 1 with every problem at once (ConfigError, printed by cli/main.ts).
 */
import { ConfigError, formatIssue } from "../../core/errors";
import type { FleetConfig } from "../../core/config/schema";
import { parse } from "../args";
import { validateSpec } from "../specs/validate";
import { readFleet } from "../../core/config/loader";
import type { CommandContext } from "../context";

/** `3 environments valid (waves 0-2, regions eu-west-1, eu-central-1)`: what a reviewer wants to see. */
export function summary(config: FleetConfig): string {
  const envs = config.environments;
  if (envs.length === 0) return "fleet.yaml valid, no environments yet";
  const waves = envs.map((e) => e.wave);
  const lo = Math.min(...waves);
  const hi = Math.max(...waves);
  const regions = [...new Set(envs.map((e) => e.region))];
  return `${envs.length} environment${envs.length === 1 ? "" : "s"} valid (wave${lo === hi ? ` ${lo}` : `s ${lo}-${hi}`}, region${regions.length === 1 ? "" : "s"} ${regions.join(", ")})`;
}

export async function validate(ctx: CommandContext): Promise<number> {
  const { values } = parse(validateSpec, ctx.argv);
  const result = readFleet(values.dir, { cwd: ctx.cwd });
  for (const w of result.warnings) ctx.stderr.write(`⚠ ${formatIssue(w)}\n`);
  if (!result.config) throw new ConfigError(result.issues);
  ctx.stdout.write(`✔ ${summary(result.config)}\n`);
  return 0;
}
