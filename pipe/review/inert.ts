/**
 * Text the review did not write itself (addresses, output names, check messages, action reasons, stack
 * names, Terraform error lines, values) is written by the pull request's author: it must render as
 * plain, inert text in the comment. One function does that for every such piece, so that no call site
 * can forget a case: {@link inert} always yields ONE Markdown code span on ONE line. Inside a code span
 * Markdown has no emphasis, headings, links, autolinks, mentions or HTML; what remains is to keep the
 * text inside the span and on its line:
 *   - line breaks, control characters, bidirectional and invisible format characters are shown as
 *     visible escapes (`\n`, `\u001b`, `\u202e`): a newline would end the span, start a new block or a
 *     line beginning with the sticky-comment marker; the others hide or reorder what a reviewer reads;
 *   - the fence is one backtick longer than the longest run of backticks inside, so none closes it;
 *   - the sticky-comment marker's words are shown visibly altered, so the comment holds one marker only.
 */

/** The words of the sticky-comment marker (render-markdown.ts); repeated here to avoid an import cycle. */
const MARKER_WORDS = "cdktf-fleet plan review";

/** Longest piece of untrusted text shown inline; the full text is in the detail file. */
export const MAX_INERT_LENGTH = 500;

// C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings/overrides/isolates and marks,
// zero-width, tag and other invisible format characters, and lone surrogates (the `u` flag makes the
// surrogate class match unpaired halves only).
// eslint-disable-next-line no-control-regex, no-misleading-character-class -- these characters are what it finds
const UNSAFE_RE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]|[\ud800-\udfff]/gu;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function visible(ch: string): string {
  return NAMED[ch] ?? `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
}

/** The text on one line with every unsafe character shown as a visible escape. Not Markdown-safe alone. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_RE, visible);
}

/** Cuts at a code point boundary (never inside a surrogate pair) and says that it did. */
function capped(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}

/**
 * Untrusted text as one inert Markdown code span on one line.
 *
 * @example
 * inert("a\n### approved [x](https://evil) @all") // "`a\\n### approved [x](https://evil) @all`"
 */
export function inert(text: string, max = MAX_INERT_LENGTH): string {
  let body = capped(oneLine(text), max);
  body = body.split(MARKER_WORDS).join("cdktf-fleet plan·review");
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  // A span whose text starts or ends with a backtick or a space needs a space of padding on each side
  // (Markdown strips exactly one on each side); an empty span would render as literal backticks.
  const pad = body === "" || /^[` ]|[` ]$/.test(body) ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}
