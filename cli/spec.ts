/**
 * What a command accepts, declared once: parsing (cli/args.ts) and help (cli/help.ts) both come from it,
 * so that a help text cannot miss an option the command reads. The option shapes are node's parseArgs
 * shapes plus the words a user reads; parseArgs ignores the extra fields.
 */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  readonly default?: string | boolean | string[] | boolean[];
  /** One line: what the option does. */
  readonly description: string;
  /** The value's name in help, e.g. `dir` for `--dir <dir>`. */
  readonly placeholder?: string;
  /** For options without a `default`: what happens when the option is absent ("required", "from fleet.yaml"). */
  readonly defaultText?: string;
  /** Not shown in help (a flag one fleet process passes to another). */
  readonly internal?: boolean;
}

export interface CommandSpec<O extends Readonly<Record<string, OptionSpec>> = Readonly<Record<string, OptionSpec>>> {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Positional arguments as shown in the usage line, e.g. `<dir>`; empty when the command takes none. */
  readonly positionals?: string;
  /** More lines under the usage line (exit codes, what the command writes). */
  readonly details?: readonly string[];
  readonly options: O;
  /** Whole command lines a user can copy. */
  readonly examples: readonly string[];
  /**
   * `fleet rollout start|status|…`: each subcommand with its own spec (its `name` is the whole
   * `rollout start`); the parent's `options` are then empty.
   */
  readonly subcommands?: Readonly<Record<string, CommandSpec>>;
}

/** Keeps the options' literal types, so that `parse(spec, argv)` returns typed values. */
export function defineCommand<const O extends Readonly<Record<string, OptionSpec>>>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/** `--format` with the command's formats and `--json` as its alias: one output switch for every command. */
export function formatOptions<const F extends readonly [string, ...string[]]>(formats: F, what = "output format") {
  return {
    // No parseArgs default: `--json --format table` must be seen as a contradiction (defaultText shows it).
    format: { type: "string", defaultText: formats[0], placeholder: formats.join("|"), description: what },
    json: { type: "boolean", description: "same as --format json" },
  } as const;
}

/** The default a user reads in help: the declared default, the stated absence behaviour, or "none". */
export function defaultOf(option: OptionSpec): string {
  if (option.defaultText !== undefined) return option.defaultText;
  if (option.default === undefined) return option.type === "boolean" ? "off" : "none";
  if (option.type === "boolean") return option.default === true ? "on" : "off";
  return Array.isArray(option.default) ? option.default.join(", ") : String(option.default);
}

/** What help prints after an option's description: `(required)` or `(default: …)`. */
export function defaultNote(option: OptionSpec): string {
  const d = defaultOf(option);
  return d === "required" ? "(required)" : `(default: ${d})`;
}
