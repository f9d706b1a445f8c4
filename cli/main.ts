/**
const AWS_COMMANDS = new Set(["publish", "release", "status", "rollout", "rollback", "doctor", "decommission"]);
 * FleetError → its message, no stack, its exit code (1, or 2 for usage); anything else is a bug → stack, 1.
 * Commands are loaded lazily so that `fleet status` does not pay for cdktf.
 */
import { FleetError, UsageError, fileSystemError } from "../core/errors";
import type { Command, CommandContext } from "./context";

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: { summary: "validate [--dir environments]            check every environment file; all errors at once", load: async () => (await import("./commands/validate")).validate },
  schema: { summary: "schema [--out environments/schema.json]   write the editor JSON Schema", load: async () => (await import("./commands/schema")).schema },
  synth: { summary: "synth [--dir D] [--out cdktf.out] [--only a,b] [--jobs N]  synthesize and print a summary", load: async () => (await import("./commands/synth")).synth },
  package: { summary: "package <dir> --out <file.zip> [--json]   deterministic zip of a tree", load: async () => (await import("./commands/package")).packageCommand },
  publish: { summary: "publish <file.zip> --app A --version V [--json]  immutable upload", load: async () => (await import("./commands/publish")).publish },
  release: { summary: "release --app A --version V --to env|wave:N ...  write release objects", load: async () => (await import("./commands/release")).release },
  status: { summary: "status [--app A] [--format table|json|html] [--out FILE]  what runs where; exit 1 if a newest release failed", load: async () => (await import("./commands/status")).status },
  review: { summary: "review --plans <file|dir>... [--format markdown|json]  summarize terraform plans", load: async () => (await import("./commands/review")).review },
  rollout: { summary: "rollout start|status|halt|resume|run ...   move a version through the waves (fleet rollout --help)", load: async () => (await import("./commands/rollout")).rollout },
  rollback: { summary: "rollback --app A --to env|wave:N|failed ... [--version V]  release the last good version again", load: async () => (await import("./commands/rollback")).rollback },
  doctor: { summary: "doctor [--env E]... [--format table|json]  check everything a release depends on, with fixes", load: async () => (await import("./commands/doctor")).doctor },
  decommission: { summary: "decommission --env E [--wait S]         destroy a held environment's workload through its deployer", load: async () => (await import("./commands/decommission")).decommission },
  local: { summary: "local [--drill | --scenario FILE [--report OUT.json]]  the whole chain on a local AWS", load: async () => (await import("./commands/local")).local },
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

function usage(): string {
  return ["Usage: fleet <command> [options]", "", "Commands:", ...Object.values(COMMANDS).map((c) => `  fleet ${c.summary}`), ""].join("\n");
}

export async function main(ctx: CommandContext): Promise<number> {
  const [name, ...rest] = ctx.argv;
  try {
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      ctx.stdout.write(usage());
      return name === undefined ? 2 : 0;
    }
    const entry = COMMANDS[name];
    if (!entry) throw new UsageError(`unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    if (AWS_COMMANDS.has(name)) quietNodeVersionWarning();
    const command = await entry.load();
    return await command({ ...ctx, argv: rest });
  } catch (err) {
    // A file-system error on a path the user named (ENOENT, EISDIR, EACCES, ENOSPC, …) is theirs to fix.
    const known = err instanceof FleetError ? err : fileSystemError(err);
    if (known) {
      ctx.stderr.write(`✖ ${known.message}\n`);
      return known.exitCode;
    }
    ctx.stderr.write(`✖ internal error (a bug in cdktf-fleet, please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
