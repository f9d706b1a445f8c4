/**
 * Argument parsing for commands: node's parseArgs, with its errors turned into usage errors (exit 2).
 * A command passes its declared spec (cli/spec.ts), or its name and parseArgs options (the older form,
 * still accepted). `--help`/`-h` anywhere stops parsing with {@link HelpRequested}, which carries the
 * options the command really accepts (cli/main.ts prints the help; the help test compares the two).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../core/errors";
import type { CommandSpec, OptionSpec } from "./spec";

type ParseOptions = NonNullable<ParseArgsConfig["options"]>;

/** Not an error a user made: the user asked for help. cli/main.ts prints it and exits 0. */
export class HelpRequested extends Error {
  constructor(
    readonly command: string,
    readonly accepted: readonly string[],
  ) {
    super(`help for fleet ${command}`);
    this.name = "HelpRequested";
  }
}

function run<const T extends ParseOptions>(command: string, argv: readonly string[], options: T, allowPositionals: boolean) {
  // Before parsing, so that `fleet release --help` works without the required options.
  const end = argv.indexOf("--");
  const flags = end === -1 ? argv : argv.slice(0, end);
  if (flags.includes("--help") || flags.includes("-h")) throw new HelpRequested(command, Object.keys(options));
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(`fleet ${command}: ${(err as Error).message}\nRun 'fleet ${command} --help' for its options.`, { cause: err });
  }
}

export function parse<const O extends Readonly<Record<string, OptionSpec>>>(spec: CommandSpec<O>, argv: readonly string[]): ReturnType<typeof run<O>>;
export function parse<const T extends ParseOptions>(command: string, argv: readonly string[], options: T, allowPositionals?: boolean): ReturnType<typeof run<T>>;
export function parse(commandOrSpec: string | CommandSpec, argv: readonly string[], options?: ParseOptions, allowPositionals = false) {
  if (typeof commandOrSpec === "string") return run(commandOrSpec, argv, options ?? {}, allowPositionals);
  return run(commandOrSpec.name, argv, commandOrSpec.options, commandOrSpec.positionals !== undefined);
}

/**
 * The output format from `--format` and its alias `--json`; a usage error names the allowed formats.
 * `--json` with a different `--format` is a contradiction, not a silent choice.
 */
export function outputFormat<const F extends string>(command: string, values: { format?: string | undefined; json?: boolean | undefined }, formats: readonly F[]): F {
  const format = values.json ? "json" : values.format;
  if (values.json && values.format !== undefined && values.format !== "json") {
    throw new UsageError(`fleet ${command}: --json and --format ${values.format} contradict each other; give one`);
  }
  const found = formats.find((f) => f === (format ?? formats[0]));
  const allowed = formats.length > 1 ? `${formats.slice(0, -1).join(", ")} or ${formats.at(-1)}` : formats.join("");
  if (found === undefined) throw new UsageError(`fleet ${command}: --format must be ${allowed}, got ${JSON.stringify(format)}`);
  return found;
}

/** Splits `--only a,b` style lists; empty items are a usage error. */
export function splitList(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new UsageError(`--${flag} takes a comma-separated list without empty items, got ${JSON.stringify(value)}`);
  return items;
}
