/**
 * The `fleet` command (README.md lists every command; `fleet <command> --help` explains one). This file is
 * the one place that turns errors into exit codes:
 * FleetError → its message, no stack, its exit code (1, or 2 for usage); anything else is a bug → stack, 1.
 * Commands are loaded lazily so that `fleet status` does not pay for cdktf; their specs (cli/specs/) are
 * small and loaded eagerly, so help and `--version` cost no command code at all.
 */
import { version } from "../package.json";
import { FleetError, UsageError, fileSystemError } from "../core/errors";
import { HelpRequested } from "./args";
import { colorEnabled, paint } from "./color";
import type { Command, CommandContext } from "./context";
import { renderHelp, renderUsage } from "./help";
import type { CommandSpec } from "./spec";
import { decommissionSpec } from "./specs/decommission";
import { doctorSpec } from "./specs/doctor";
import { localSpec } from "./specs/local";
import { packageSpec } from "./specs/package";
import { publishSpec } from "./specs/publish";
import { releaseSpec } from "./specs/release";
import { reviewSpec } from "./specs/review";
import { rollbackSpec } from "./specs/rollback";
import { rolloutSpec } from "./specs/rollout";
import { schemaSpec } from "./specs/schema";
import { statusSpec } from "./specs/status";
import { synthSpec } from "./specs/synth";
import { validateSpec } from "./specs/validate";

/**
 * Every command: its spec (help, options) and its code. A command added without a spec still runs; its
 * help then lists the bare option names, and the help test fails until the spec is written.
 */
export const COMMANDS: Record<string, { spec?: CommandSpec; summary?: string; load: () => Promise<Command> }> = {
  validate: { spec: validateSpec, load: async () => (await import("./commands/validate")).validate },
  schema: { spec: schemaSpec, load: async () => (await import("./commands/schema")).schema },
  synth: { spec: synthSpec, load: async () => (await import("./commands/synth")).synth },
  package: { spec: packageSpec, load: async () => (await import("./commands/package")).packageCommand },
  publish: { spec: publishSpec, load: async () => (await import("./commands/publish")).publish },
  release: { spec: releaseSpec, load: async () => (await import("./commands/release")).release },
  status: { spec: statusSpec, load: async () => (await import("./commands/status")).status },
  review: { spec: reviewSpec, load: async () => (await import("./commands/review")).review },
  rollout: { spec: rolloutSpec, load: async () => (await import("./commands/rollout")).rollout },
  rollback: { spec: rollbackSpec, load: async () => (await import("./commands/rollback")).rollback },
  doctor: { spec: doctorSpec, load: async () => (await import("./commands/doctor")).doctor },
  decommission: { spec: decommissionSpec, load: async () => (await import("./commands/decommission")).decommission },
  local: { spec: localSpec, load: async () => (await import("./commands/local")).local },
};

/** Commands that create AWS SDK clients (`local` says it on its own first screen). */
const AWS_COMMANDS = new Set(["publish", "release", "status", "rollout", "rollback", "doctor", "decommission"]);

/**
 * Under Node < 22 the AWS SDK prints a 7-line warning in every process (it will want Node 22 after January
 * 2027). The README says so once; here it would bury the command's own output, and `--format json` users
 * expect a clean stderr.
 */
function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

function usage(ctx: CommandContext, out: CommandContext["stdout"]): string {
  const list = Object.entries(COMMANDS).map(([name, c]) => ({ name, summary: c.spec?.summary ?? c.summary ?? "" }));
  return renderUsage(list, version, paint(colorEnabled(ctx.env, out)));
}

/** Help for a command without a spec: the option names its parser accepts, nothing more to say. */
function bareHelp(name: string, accepted: readonly string[]): string {
  return `fleet ${name} [options]\n\nOptions:\n${accepted.map((o) => `  --${o}\n`).join("")}`;
}

/** The spec that `fleet <name> [<sub>] --help` asks for; a subcommand's when the command has it. */
function helpSpec(name: string, sub: string | undefined): CommandSpec | undefined {
  const spec = COMMANDS[name]?.spec;
  return (sub === undefined ? undefined : spec?.subcommands?.[sub]) ?? spec;
}

function help(ctx: CommandContext, name: string, sub: string | undefined): number {
  if (!COMMANDS[name]) throw new UsageError(`unknown command ${JSON.stringify(name)}; 'fleet help' lists the commands`);
  const spec = helpSpec(name, sub);
  if (!spec) return -1;
  ctx.stdout.write(renderHelp(spec, paint(colorEnabled(ctx.env, ctx.stdout))));
  return 0;
}

async function dispatch(ctx: CommandContext): Promise<number> {
  const [name, ...rest] = ctx.argv;
  if (name === undefined) {
    ctx.stderr.write(usage(ctx, ctx.stderr));
    return 2;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    ctx.stdout.write(`cdktf-fleet ${version}\n`);
    return 0;
  }
  if (name === "--help" || name === "-h" || (name === "help" && rest.length === 0)) {
    ctx.stdout.write(usage(ctx, ctx.stdout));
    return 0;
  }
  const flags = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  const helpFor = name === "help" ? rest[0] : flags.includes("--help") || flags.includes("-h") ? name : undefined;
  if (helpFor !== undefined) {
    // `fleet help rollout start` and `fleet rollout start --help` both ask for the subcommand.
    const candidate = name === "help" ? rest[1] : rest[0];
    const sub = candidate !== undefined && !candidate.startsWith("-") ? candidate : undefined;
    const code = help(ctx, helpFor, sub);
    if (code >= 0) return code;
  }
  const entry = COMMANDS[helpFor ?? name];
  if (!entry) {
    // Loaded only here: the suggestion's module brings the YAML parser, which no command start should pay for.
    const suggestion = (await import("../core/config/messages")).closest(name, Object.keys(COMMANDS));
    throw new UsageError(`unknown command ${JSON.stringify(name)}${suggestion ? `; did you mean ${suggestion}?` : ""}\n\n${usage(ctx, ctx.stderr)}`);
  }
  if (AWS_COMMANDS.has(name)) quietNodeVersionWarning();
  const command = await entry.load();
  // A command without a spec answers --help itself (its parser stops at it and names its options).
  return await command({ ...ctx, argv: name === "help" ? [...rest.slice(1), "--help"] : rest });
}

export async function main(ctx: CommandContext): Promise<number> {
  try {
    return await dispatch(ctx);
  } catch (err) {
    if (err instanceof HelpRequested) {
      ctx.stdout.write(bareHelp(err.command, err.accepted));
      return 0;
    }
    const p = paint(colorEnabled(ctx.env, ctx.stderr));
    // A file-system error on a path the user named (ENOENT, EISDIR, EACCES, ENOSPC, …) is theirs to fix.
    const known = err instanceof FleetError ? err : fileSystemError(err);
    if (known) {
      ctx.stderr.write(`${p.red("✖")} ${known.message}\n`);
      return known.exitCode;
    }
    ctx.stderr.write(`${p.red("✖")} internal error (a bug in cdktf-fleet, please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
