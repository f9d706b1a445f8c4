/** What a command gets from the outside world; tests pass their own. */
export interface Output {
  write(text: string): unknown;
  /** True for a terminal (process.stdout/stderr set it): colour and progress lines only there. */
  readonly isTTY?: boolean;
}

export interface CommandContext {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: Output;
  readonly stderr: Output;
}

/** A command returns its exit code, or throws a FleetError (cli/main.ts maps it). */
export type Command = (ctx: CommandContext) => Promise<number>;
