/**
 * The free text of a release (its `reason` and who requested it) is printed in build logs, status
 * pages and the deployer's output. It must be one honest line: a line break or an escape sequence in it
 * could forge log lines or repaint a terminal, and a silent cut can split a character in two. So such
 * text is refused, with the limit or the offending character named, before anything is written.
 */

/** Longest reason, in characters (UTF-16 code units, as the release record's schema counts them). */
export const MAX_REASON_LENGTH = 1024;
/** Longest requester, in characters. */
export const MAX_REQUESTED_BY_LENGTH = 256;

// C0 controls (line breaks, tab, ESC), DEL, C1 controls, line/paragraph separators, bidi controls and
// invisible format characters; the `u` flag makes the surrogate range match unpaired halves only.
// eslint-disable-next-line no-control-regex -- these characters are what it finds
const FORBIDDEN_RE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]/u;

const NAMES: Readonly<Record<string, string>> = { "\n": "a line break (\\n)", "\r": "a carriage return (\\r)", "\t": "a tab (\\t)", "\u001b": "an escape character (\\u001b)" };

function describe(ch: string): string {
  return NAMES[ch] ?? `the control or invisible character U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * The problem with a piece of release text, or undefined when it may be written. `what` names it in the
 * message (`--reason`, `RELEASE_REASON`, `the requester`).
 */
export function releaseTextProblem(what: string, text: string, max: number): string | undefined {
  const bad = FORBIDDEN_RE.exec(text);
  if (bad) {
    const at = [...text.slice(0, bad.index)].length + 1;
    return `${what} contains ${describe(bad[0])} at character ${at}; it must be one line of text without control characters (it is printed in build logs)`;
  }
  if (text.length > max) return `${what} is ${text.length} characters long; the limit is ${max} characters (nothing is cut: shorten it)`;
  return undefined;
}
