/**
 * Shaping text for the build log and the status record: one line, short, and without anything that looks
 * like a credential (terraform errors can echo provider configuration).
 */

/** The status record's `error` limit (core/records.ts). */
export const MAX_ERROR_CHARS = 500;

// AWS access key ids, and `secret`/`token`/`password` assignments as providers print them.
const ACCESS_KEY_RE = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
const ASSIGNMENT_RE = /\b((?:aws_)?(?:secret(?:_access)?_key|session_token|token|password|secret))(\s*[=:]\s*)("?)[^\s"',;]+\3/gi;

/** Masks credential-looking text, and the given secret values wherever they appear. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join("***");
  out = out.replace(ACCESS_KEY_RE, "***");
  out = out.replace(ASSIGNMENT_RE, (_m, name: string, sep: string, q: string) => `${name}${sep}${q}***${q}`);
  return out;
}

/** One line of at most `max` characters. */
export function oneLine(text: string, max = MAX_ERROR_CHARS): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

// eslint-disable-next-line no-control-regex -- ANSI escape sequences are exactly control characters
const ANSI_RE = /\u001b\[[0-9;]*[A-Za-z]/g;

/** A terraform output line without colours and the box-drawing frame around diagnostics. */
export function plainLine(line: string): string {
  return line.replace(ANSI_RE, "").replace(/^[\s│╷╵|]+/u, "").trim();
}

/**
 * The line that best explains a failed command: the last `Error: …` line terraform printed, else the last
 * non-empty line.
 */
export class LastMeaningfulLine {
  private lastError: string | undefined;
  private last: string | undefined;

  add(raw: string): void {
    const line = plainLine(raw);
    if (line === "") return;
    this.last = line;
    if (/^Error\b/.test(line)) this.lastError = line;
  }

  get value(): string | undefined {
    return this.lastError ?? this.last;
  }
}
