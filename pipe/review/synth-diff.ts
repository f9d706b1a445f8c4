/**
 * Synth diff: compares two synthesized cdktf outputs (the pull request's head and its destination), per
 * stack: stacks added or removed; resources and data sources added, removed and changed, with the
 * changed attribute paths; outputs; provider/backend settings. Pure; needs no cloud credentials.
 *
 * Only paths are reported, never values: synthesized configuration can hold literals that were read
 * from the environment at synth time, and the plan's masking (`*_sensitive`) does not exist here.
 */
import { attributeChanges } from "./mask";
import { emptyCounts, type OutputSummary, type ResourceSummary, type StackSummary } from "./summarize";
import { setOwn } from "./own-record";

/** One stack's `cdk.tf.json`, decoded. */
export type SynthStack = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** cdktf puts construct metadata under "//"; it changes with code layout, not with infrastructure. */
function stripMeta(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripMeta);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (k !== "//") setOwn(out, k, stripMeta(x));
  return out;
}

function blocks(stack: SynthStack, kind: "resource" | "data"): Map<string, { type: string; body: unknown }> {
  const out = new Map<string, { type: string; body: unknown }>();
  const section = stack[kind];
  if (!isRecord(section)) return out;
  for (const [type, byName] of Object.entries(section)) {
    if (!isRecord(byName)) continue;
    for (const [name, body] of Object.entries(byName)) out.set(`${kind === "data" ? "data." : ""}${type}.${name}`, { type, body: stripMeta(body) });
  }
  return out;
}

function changedPaths(before: unknown, after: unknown) {
  return attributeChanges({ before, after, beforeSensitive: undefined, afterSensitive: undefined, afterUnknown: undefined }).map((a) => ({ path: a.path }));
}

function diffResources(base: SynthStack, head: SynthStack): ResourceSummary[] {
  const out: ResourceSummary[] = [];
  for (const kind of ["resource", "data"] as const) {
    const b = blocks(base, kind);
    const h = blocks(head, kind);
    for (const [address, { type, body }] of h) {
      const old = b.get(address);
      if (!old) out.push({ address, type, kind: kind === "data" ? "read" : "create", replacePaths: [], attributes: [] });
      else {
        const attributes = changedPaths(old.body, body);
        if (attributes.length) out.push({ address, type, kind: kind === "data" ? "read" : "update", replacePaths: [], attributes });
      }
    }
    for (const [address, { type }] of b) if (!h.has(address) && kind === "resource") out.push({ address, type, kind: "delete", replacePaths: [], attributes: [] });
  }
  return out.sort((x, y) => x.address.localeCompare(y.address));
}

function diffOutputs(base: SynthStack, head: SynthStack): OutputSummary[] {
  const b = isRecord(base.output) ? base.output : {};
  const h = isRecord(head.output) ? head.output : {};
  const out: OutputSummary[] = [];
  const sensitive = (o: unknown) => isRecord(o) && o.sensitive === true;
  for (const [name, o] of Object.entries(h)) {
    if (!(name in b)) out.push({ name, kind: "create", sensitive: sensitive(o) });
    else if (changedPaths(stripMeta(b[name]), stripMeta(o)).length) out.push({ name, kind: "update", sensitive: sensitive(o) || sensitive(b[name]) });
  }
  for (const name of Object.keys(b)) if (!(name in h)) out.push({ name, kind: "delete", sensitive: sensitive(b[name]) });
  return out;
}

/** Provider and backend settings are not resources, but a changed assume_role is worth a reviewer's eye. */
function settingsWarnings(base: SynthStack, head: SynthStack): string[] {
  const out: string[] = [];
  for (const section of ["provider", "terraform"] as const) {
    const paths = changedPaths(stripMeta(base[section] ?? null), stripMeta(head[section] ?? null)).map((a) => a.path);
    if (paths.length) out.push(`${section === "provider" ? "provider" : "terraform (backend/required providers)"} settings change: ${paths.slice(0, 8).join(", ")}${paths.length > 8 ? `, … ${paths.length - 8} more` : ""}`);
  }
  return out;
}

function summary(stack: string, resources: ResourceSummary[], outputs: OutputSummary[], warnings: string[], stackChange?: "added" | "removed"): StackSummary {
  const counts = emptyCounts();
  for (const r of resources) counts[r.kind] += 1;
  const changed = resources.some((r) => r.kind !== "read") || outputs.length > 0 || warnings.length > 0 || stackChange !== undefined;
  return { stack, status: changed ? "changes" : "no-changes", ...(stackChange ? { stackChange } : {}), counts, resources, outputs, drift: [], warnings };
}

/** Every stack of either side, as a summary in synth terms (create = added, update = changed, delete = removed). */
export function synthDiff(base: ReadonlyMap<string, SynthStack>, head: ReadonlyMap<string, SynthStack>): StackSummary[] {
  const out: StackSummary[] = [];
  for (const [stack, h] of head) {
    const b = base.get(stack);
    if (!b) out.push(summary(stack, diffResources({}, h), [], [], "added"));
    else out.push(summary(stack, diffResources(b, h), diffOutputs(b, h), settingsWarnings(b, h)));
  }
  for (const stack of base.keys()) if (!head.has(stack)) out.push(summary(stack, [], [], [], "removed"));
  return out.sort((a, b) => a.stack.localeCompare(b.stack));
}
