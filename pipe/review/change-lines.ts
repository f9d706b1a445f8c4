/**
 * One stack's changes as Markdown list lines. The same lines are the clustering signature (cluster.ts):
 * values are included (masked) so that two tenants changing a tag to different values are not "the
 * same change"; long values are shown as their length and a short hash of the MASKED value.
 */
import { createHash } from "node:crypto";
import { inert } from "./inert";
import type { AttributeChange } from "./mask";
import type { OutputSummary, ResourceSummary, StackSummary } from "./summarize";

/** How many changed attributes are listed per resource in the comment; the rest are in the detail file. */
export const MAX_ATTRIBUTES_PER_RESOURCE = 12;
const MAX_INLINE_VALUE = 60;

const MARKERS = new Set(["(sensitive value)", "(sensitive value changed)", "(known after apply)"]);

/** Untrusted text (addresses, names, paths, values) as one inert code span: see inert.ts. */
export const code = (text: string): string => inert(text);

export function shortValue(v: unknown): string {
  if (typeof v === "string" && MARKERS.has(v)) return `_${v}_`;
  if (v === undefined) return "_null_";
  const json = JSON.stringify(v);
  if (json.length <= MAX_INLINE_VALUE) return code(json);
  const hash = createHash("sha256").update(json).digest("hex").slice(0, 8);
  return `_(${json.length} chars, #${hash})_`;
}

/**
 * Terraform's `action_reason` in words (`delete_because_no_resource_config` → "no resource config").
 * Terraform writes lower-case identifiers only; anything else came from a hand-made plan and is shown
 * as inert text.
 */
export function reasonText(reason: string | undefined): string {
  if (!reason) return "";
  if (!/^[a-z][a-z_]{0,79}$/.test(reason)) return inert(reason);
  return reason.replace(/^(replace|delete|read)_because_/, "").replace(/_/g, " ");
}

export function kindLabel(r: Pick<ResourceSummary, "kind" | "replaceOrder" | "previousAddress">, synth = false): string {
  switch (r.kind) {
    case "create":
      return synth ? "added" : "create";
    case "update":
      return synth ? "changed" : "update in place";
    case "delete":
      return synth ? "removed" : "**destroy**";
    case "replace":
      return r.replaceOrder === "create-before-destroy" ? "**replace** (create, then destroy)" : "**replace** (destroy, then create)";
    case "read":
      return "read data source";
    case "import":
      return "import";
    case "move":
      return `move from ${code(r.previousAddress ?? "?")}`;
    case "forget":
      return "forget (removed from state, NOT destroyed)";
  }
}

function attributeLine(a: AttributeChange): string {
  // Synth diffs carry paths only (no values).
  if (!("after" in a)) return `  - ${code(a.path)}`;
  if (a.sensitive) return `  - ${code(a.path)}: _(sensitive value changed)_`;
  const before = a.before === null || a.before === undefined ? "" : `${shortValue(a.before)} → `;
  return `  - ${code(a.path)}: ${before}${shortValue(a.after)}`;
}

function resourceLines(r: ResourceSummary, synth: boolean): string[] {
  const extras: string[] = [];
  if (r.replacePaths.length) extras.push(`forces replacement: ${r.replacePaths.map(code).join(", ")}`);
  if (r.actionReason) extras.push(`reason: ${reasonText(r.actionReason)}`);
  if (r.importing && r.kind !== "import") extras.push("imported");
  if (r.previousAddress && r.kind !== "move") extras.push(`moved from ${code(r.previousAddress)}`);
  if (r.deposed) extras.push(`deposed object ${code(r.deposed)}`);
  const lines = [`- ${kindLabel(r, synth)} ${code(r.address)}${extras.length ? ` — ${extras.join("; ")}` : ""}`];
  if (r.kind === "update" || r.kind === "replace") {
    for (const a of r.attributes.slice(0, MAX_ATTRIBUTES_PER_RESOURCE)) lines.push(attributeLine(a));
    const more = r.attributes.length - MAX_ATTRIBUTES_PER_RESOURCE;
    if (more > 0) lines.push(`  - … ${more} more changed attribute${more === 1 ? "" : "s"} (full detail file)`);
  }
  return lines;
}

function outputLine(o: OutputSummary): string {
  const label = o.kind === "create" ? "new output" : o.kind === "delete" ? "removed output" : "changed output";
  if (o.sensitive) return `- ${label} ${code(o.name)}: _(sensitive)_`;
  if (o.kind === "delete" || !("after" in o)) return `- ${label} ${code(o.name)}`;
  return `- ${label} ${code(o.name)}: ${o.kind === "update" ? `${shortValue(o.before)} → ` : ""}${shortValue(o.after)}`;
}

const ORDER: Record<ResourceSummary["kind"], number> = { delete: 0, replace: 1, forget: 2, update: 3, create: 4, import: 5, move: 6, read: 7 };

export function changeLines(s: StackSummary, synth = false): string[] {
  const lines: string[] = [];
  if (s.stackChange === "added") lines.push(`- **new stack** (${s.resources.length} resource${s.resources.length === 1 ? "" : "s"})`);
  // A stack dropped from the app is not destroyed by anything: its resources stay until someone does.
  if (s.stackChange === "removed") lines.push("- **stack removed** from the app (its deployed resources are not destroyed by this change)");
  for (const w of s.warnings) lines.push(`- ⚠ ${inert(w)}`);
  const resources = [...s.resources].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  for (const r of resources) lines.push(...resourceLines(r, synth));
  for (const o of s.outputs) lines.push(outputLine(o));
  return lines;
}
