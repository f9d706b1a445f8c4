/**
 * The pipe's output, in the conventions of Atlassian's pipes (reference §3): info plain, debug gray and
 * only with `DEBUG: 'true'`, warnings yellow, errors `ERROR:`; the run ends with exactly one `✔`/`✖` line.
 * Every line goes through the secret mask first: a token never reaches the build log, DEBUG or not.
 */
export interface Sink {
  write(text: string): unknown;
}

export interface Log {
  info(message: string): void;
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  success(message: string): void;
  fail(message: string): void;
  /** Raw output from a child process (already line-oriented), masked. */
  raw(text: string): void;
}

const color = (code: string, text: string, on: boolean): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

export function createLog(out: Sink, options: { debug: boolean; mask: (text: string) => string; colors?: boolean }): Log {
  const colors = options.colors ?? false;
  const line = (text: string): void => {
    out.write(`${options.mask(text)}\n`);
  };
  return {
    info: (m) => line(color("36", m, colors)),
    debug: (m) => {
      if (options.debug) line(color("90", `DEBUG: ${m}`, colors));
    },
    warn: (m) => line(color("33", `WARNING: ${m}`, colors)),
    error: (m) => line(color("31", `ERROR: ${m}`, colors)),
    success: (m) => line(color("32", `✔ ${m}`, colors)),
    fail: (m) => line(color("31", `✖ ${m}`, colors)),
    raw: (t) => {
      out.write(options.mask(t));
    },
  };
}
