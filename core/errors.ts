/**
 * Errors that users cause and can fix. The CLI (cli/main.ts) is the one place that maps them to exit
 * codes: a {@link FleetError} prints its message without a stack trace and exits with `exitCode`;
 * anything else is a bug and exits 1 with the stack.
 */
export class FleetError extends Error {
  /** Process exit code for this error. @default 1 */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command-line usage (unknown flag, missing argument): exit 2. */
export class UsageError extends FleetError {
  override readonly exitCode = 2;
}

/** One problem in a configuration file, located precisely enough for an editor to jump to it. */
export interface ConfigIssue {
  readonly file: string;
  /** 1-based; 0 when the problem concerns the file or directory as a whole. */
  readonly line: number;
  /** 1-based; 0 when the problem concerns the file or directory as a whole. */
  readonly col: number;
  readonly message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

/** Every configuration problem found in one run, reported together. */
export class ConfigError extends FleetError {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `${issues.length} configuration error${issues.length === 1 ? "" : "s"}:\n` + issues.map((i) => `  ${formatIssue(i)}`).join("\n"),
    );
  }
}
