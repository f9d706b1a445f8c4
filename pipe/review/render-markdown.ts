/**
 * The sticky pull-request comment. Bitbucket renders Markdown tables and code spans but no HTML, so
 * nothing can be folded: the comment is a compact summary within a character budget,
 * filled in a fixed priority order:
 *   1. verdict, totals, failed stacks, destructive changes — never trimmed;
 *   2. per-cluster detail and drift — trimmed first, with a pointer to the full detail;
 *   3. the unchanged stacks on one line, the pointer and the visible marker that identifies the comment.
 */
import { code, reasonText } from "./change-lines";
import { inert } from "./inert";
import type { DestructiveGroup, Review } from "./review-model";

/** Visible (Bitbucket shows no HTML comments): the sticky comment is found by this line and its author. */
export const COMMENT_MARKER = "_cdktf-fleet plan review_";
export const DEFAULT_BUDGET = 30_000;
const MAX_UNCHANGED_LINE = 2_000;

export interface RenderOptions {
  /** Maximum length of the comment in characters. @default 30000 */
  readonly budget?: number;
  /** Where the full detail is, e.g. "the Code Insights report and plan-review.json in the pipe's storage dir". */
  readonly detailPointer?: string;
  readonly commit?: string;
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
const stackList = (stacks: readonly string[]) => stacks.map(code).join(", ");

export function verdict(review: Review): string {
  const t = review.totals;
  const synth = review.mode === "synth";
  const destroyingStacks = new Set(review.destructive.flatMap((g) => g.stacks)).size;
  const parts: string[] = [];
  if (t.failed > 0) parts.push(`✖ ${plural(t.failed, "stack")} failed to plan`);
  if (destroyingStacks > 0) parts.push(`⚠ ${plural(destroyingStacks, "stack")} ${synth ? "remove" : "destroy or replace"} resources`);
  if (parts.length) return parts.join("; ");
  if (t.changed > 0) return `✔ ${plural(t.changed, "stack")} change; nothing is ${synth ? "removed" : "destroyed or replaced"}`;
  return `✔ No changes in ${plural(t.stacks, "stack")}`;
}

function totalsLines(review: Review): string[] {
  const t = review.totals;
  const c = t.counts;
  const lines = [`**${plural(t.stacks, "stack")}** · ${t.changed} with changes · ${t.unchanged} unchanged · ${t.failed} failed`, ""];
  if (review.mode === "synth") {
    lines.push("| added | changed | removed |", "|---:|---:|---:|", `| ${c.create} | ${c.update} | ${c.delete} |`);
  } else {
    lines.push(
      "| create | update | replace | destroy | import | move | forget | read |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|",
      `| ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${c.import} | ${c.move} | ${c.forget} | ${c.read} |`,
    );
    if (c.replace > 0) lines.push("", `_A replace is counted once here; Terraform's own "Plan:" line counts it as 1 to add and 1 to destroy._`);
    if (t.drift > 0) lines.push("", `Drift: ${plural(t.drift, "resource")} changed outside Terraform since the last apply (listed below; not part of this plan).`);
  }
  return lines;
}

function destructiveLine(g: DestructiveGroup, synth: boolean): string {
  const label = g.kind === "delete" ? (synth ? "**removed**" : "**destroy**") : g.replaceOrder === "create-before-destroy" ? "**replace** (create, then destroy)" : "**replace** (destroy, then create)";
  const extras: string[] = [];
  if (g.replacePaths.length) extras.push(`forces replacement: ${g.replacePaths.map(code).join(", ")}`);
  if (g.actionReason) extras.push(`reason: ${reasonText(g.actionReason)}`);
  return `- ${label} ${code(g.address)}${extras.length ? ` — ${extras.join("; ")}` : ""} — in ${g.stacks.length === 1 ? stackList(g.stacks) : `${g.stacks.length} stacks: ${stackList(g.stacks)}`}`;
}

function headLines(review: Review): string[] {
  const lines = [`### Terraform plan review: ${verdict(review)}`, ""];
  for (const n of review.notes) lines.push(`> ${n}`, "");
  lines.push(...totalsLines(review));
  if (review.failed.length) {
    lines.push("", `#### ✖ Failed stacks (${review.failed.length})`);
    for (const s of review.failed) lines.push(`- ${code(s.stack)}: ${inert(s.error ?? "plan failed")}`);
  }
  if (review.destructive.length) {
    const n = review.destructive.reduce((sum, g) => sum + g.stacks.length, 0);
    lines.push("", `#### ⚠ Destructive changes (${n})`);
    for (const g of review.destructive) lines.push(destructiveLine(g, review.mode === "synth"));
  }
  return lines;
}

function detailLines(review: Review): string[] {
  const lines: string[] = [];
  if (review.clusters.length) {
    lines.push("", "#### Changes");
    const shared = review.clusters.filter((c) => c.stacks.length > 1);
    const single = review.clusters.filter((c) => c.stacks.length === 1);
    for (const c of shared) {
      const n = c.lines.filter((l) => l.startsWith("- ")).length;
      lines.push("", `**${c.stacks.length} stacks: the same ${plural(n, "change")}** — ${stackList(c.stacks)}`, ...c.lines);
    }
    if (single.length) {
      if (shared.length) lines.push("", `**${plural(single.length, "stack")} ${single.length === 1 ? "differs" : "differ"}:**`);
      for (const c of single) {
        // A lone stack is shown with its real names and values, not the placeholders.
        lines.push("", `**${code(c.stacks[0] ?? "")}**`, ...c.ownLines);
      }
    }
  }
  const drifting = review.stacks.filter((s) => s.drift.length > 0 && s.status !== "errored");
  if (drifting.length) {
    lines.push("", "#### Drift (changed outside Terraform; not part of this plan)");
    for (const s of drifting) lines.push(`- ${code(s.stack)}: ${s.drift.map((d) => `${d.kind} ${code(d.address)}`).join(", ")}`);
  }
  return lines;
}

function tailLines(review: Review, options: RenderOptions): string[] {
  const lines: string[] = [];
  if (review.unchanged.length) {
    let line = `Unchanged (${review.unchanged.length}): ${stackList(review.unchanged)}`;
    if (line.length > MAX_UNCHANGED_LINE) line = `${line.slice(0, MAX_UNCHANGED_LINE).replace(/,[^,]*$/, "")}, … (all in the detail file)`;
    lines.push("", line);
  }
  lines.push("", `---`, `${COMMENT_MARKER}${options.commit ? ` · commit ${code(options.commit.slice(0, 12))}` : ""}${options.detailPointer ? ` · full masked detail: ${options.detailPointer}` : ""}`);
  return lines;
}

/** Renders the comment; the result is never longer than the budget. */
export function renderMarkdown(review: Review, options: RenderOptions = {}): string {
  const budget = options.budget ?? DEFAULT_BUDGET;
  const head = headLines(review).join("\n");
  const tail = tailLines(review, options).join("\n");
  const detail = detailLines(review);
  const pointer = `_… the rest of the detail is trimmed to fit the comment (${budget} characters)${options.detailPointer ? `; it is in ${options.detailPointer}` : ""}._`;
  if (head.length + tail.length > budget) {
    // Only reachable with thousands of destructive groups; cut the head rather than fail to post at all.
    const cut = `\n\n_… cut at the comment size limit; the full list is in ${options.detailPointer ?? "the detail file"}._`;
    const marker = `\n\n---\n${COMMENT_MARKER}`;
    return head.slice(0, Math.max(0, budget - cut.length - marker.length)) + cut + marker;
  }
  let room = budget - head.length - tail.length;
  const kept: string[] = [];
  let i = 0;
  for (; i < detail.length; i++) {
    const line = detail[i] ?? "";
    const cost = line.length + 1;
    // Keep room for the pointer unless this is the last line and it fits.
    const needPointer = i < detail.length - 1 ? pointer.length + 2 : 0;
    if (cost + needPointer > room) break;
    kept.push(line);
    room -= cost;
  }
  const trimmed = i < detail.length;
  const body = [head, ...kept];
  if (trimmed) body.push("", pointer);
  const text = body.join("\n") + "\n" + tail;
  return text.length <= budget ? text : [head, "", pointer].join("\n").slice(0, budget - tail.length - 1) + "\n" + tail;
}

export type { DestructiveGroup };
