/**
 * Text from a plan (the pull request's author writes check messages, and hand-made plan JSON can put
 * anything in addresses, output names and action reasons) renders as inert text in the review comment:
 * whatever the string, it stays inside one code span on its own line, the comment's structure outside
 * the spans is exactly what it is for harmless text, and the sticky-comment marker appears once.
 */
import fc from "fast-check";
import { inert } from "../../pipe/review/inert";
import { parsePlan } from "../../pipe/review/plan-schema";
import { COMMENT_MARKER, renderMarkdown } from "../../pipe/review/render-markdown";
import { buildReview } from "../../pipe/review/review-model";
import { summarizePlan } from "../../pipe/review/summarize";

/** Replaces every CommonMark code span by `<span>`: what is left is what Markdown would interpret. */
function outsideSpans(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] !== "`") {
      out += line[i];
      i += 1;
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n += 1;
    const fence = "`".repeat(n);
    // The closing run must be exactly n backticks long.
    let j = i + n;
    let close = -1;
    while ((j = line.indexOf(fence, j)) !== -1) {
      if (line[j + n] !== "`" && line[j - 1] !== "`") {
        close = j;
        break;
      }
      while (line[j] === "`") j += 1;
    }
    if (close === -1) {
      out += fence;
      i += n;
    } else {
      out += "<span>";
      i = close + n;
    }
  }
  return out;
}

/**
 * The comment's structure. Two renderings the review writes itself are inert too and count as a span:
 * a reason Terraform could have written (lower-case words), and a long value shown as its length and hash.
 */
const structure = (md: string): string[] =>
  md.split("\n").map((l) =>
    outsideSpans(l)
      .replace(/reason: [a-z ]+( —|$)/, "reason: <span>$1")
      .replace(/_\(\d+ chars, #[0-9a-f]{8}\)_/g, "<span>"),
  );

function hostilePlan(text: string): unknown {
  return {
    format_version: "1.2",
    resource_changes: [
      { address: `aws_s3_bucket.${text}`, type: "aws_s3_bucket", action_reason: text, change: { actions: ["delete"], before: { bucket: "b" }, after: null } },
      { address: text, previous_address: `old.${text}`, type: "aws_sqs_queue", change: { actions: ["update"], before: { name: "a" }, after: { name: text }, after_unknown: {}, before_sensitive: {}, after_sensitive: {} } },
    ],
    output_changes: { [text]: { actions: ["create"], before: null, after: text, after_unknown: false, before_sensitive: false, after_sensitive: false } },
    checks: [{ address: { kind: "check", name: "x", to_display: `check.${text}` }, status: "fail", instances: [{ address: { to_display: "check.x" }, status: "fail", problems: [{ message: text }] }] }],
  };
}

function render(text: string, stack: string): string {
  const parsed = parsePlan(hostilePlan(text));
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  const summary = summarizePlan(stack, parsed.plan, new Set(), { detail: true });
  const failed = { ...summary, stack: `${stack}-failed`, status: "errored" as const, error: `terraform plan failed: Error: ${text}` };
  return renderMarkdown(buildReview([summary, failed], { mode: "plan" }), { budget: 1_000_000 });
}

const HOSTILE = [
  "x\n\n### ✔ Approved by security",
  "[click here](https://evil.example/login) <img src=x onerror=alert(1)> @everyone @{123}",
  `\n${COMMENT_MARKER}\n`,
  "``` fenced\n# heading",
  "a\u202eevil\u2028b\u0000\u001b[31m",
  "` ` `` ```` x",
];

describe("Function: inert", () => {
  it("gives one code span on one line whose fence no backtick run inside can close", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom(...HOSTILE), fc.stringMatching(/^[`\n\r #\-*_[\]()<>@!|\\]{0,30}$/)), (s) => {
        const span = inert(s);
        // eslint-disable-next-line no-control-regex -- control characters are what it looks for
        expect(span).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        const fence = /^`+/.exec(span)![0];
        expect(span.endsWith(fence)).toBe(true);
        const inner = span.slice(fence.length, span.length - fence.length);
        expect(inner.match(/`+/g)?.every((run) => run.length !== fence.length) ?? true).toBe(true);
        expect(outsideSpans(span)).toBe("<span>");
      }),
      { numRuns: 2000 },
    );
  });

  it("shows line breaks and escape sequences as visible escapes instead of dropping them", () => {
    expect(inert("a\nb\u001b[31m")).toBe("`a\\nb\\u001b[31m`");
  });
});

describe("Function: renderMarkdown with text from the plan", () => {
  const baseline = structure(render("x", "workload-z"));

  it.each(HOSTILE)("keeps %j inert", (text) => {
    const md = render(text, "workload-z");
    expect(structure(md)).toEqual(baseline);
    expect(md.split(COMMENT_MARKER)).toHaveLength(2);
  });

  it("renders any string as inert text: the structure outside code spans never changes", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 80 }), fc.constantFrom(...HOSTILE)), (text) => {
        const md = render(text, "workload-z");
        expect(structure(md)).toEqual(baseline);
        expect(md.split(COMMENT_MARKER)).toHaveLength(2);
      }),
      { numRuns: 300 },
    );
  });
});
