/**
 * Plan → typed summary of one stack. Pure: no I/O; the input is a parsed plan (plan-schema.ts), the output
 * holds only masked values (mask.ts) and never anything from `variables`, `prior_state`,
 * `planned_values` or `configuration` (the schema strips those before this file sees the plan).
 */
import { attributeChanges, maskValue, anyMarked, formatPath, scrub, type AttributeChange, SENSITIVE, SENSITIVE_CHANGED, UNKNOWN } from "./mask";
import type { Plan, PlanChange, PlanResourceChange } from "./plan-schema";

/**
 * What happens to one resource. `replace` is one resource destroyed and created again (Terraform's own
 * "Plan:" line counts it as 1 to add + 1 to destroy; the review counts it once, as a replace).
 * `forget` removes it from state WITHOUT destroying it. `import` and `move` are no-ops kept because a
 * reviewer must see them.
 */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "read" | "import" | "move" | "forget";

export type ReplaceOrder = "delete-before-create" | "create-before-destroy";

export interface ResourceSummary {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly replaceOrder?: ReplaceOrder;
  /** Terraform's `action_reason` (why it replaces, deletes or reads), when it gave one. */
  readonly actionReason?: string;
  /** Attribute paths that force the replacement, formatted (`content`, `tags["a"]`). */
  readonly replacePaths: readonly string[];
  /** Changed attributes, masked (for create: the new attributes; for delete: none). */
  readonly attributes: readonly AttributeChange[];
  readonly importing?: true;
  readonly previousAddress?: string;
  readonly deposed?: string;
}

export interface OutputSummary {
  readonly name: string;
  readonly kind: "create" | "update" | "delete";
  readonly sensitive: boolean;
  /** Masked; "(sensitive value)" / "(known after apply)" where applicable. */
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface DriftSummary {
  /** Terraform 1.0.0 drift entries have no `address`; then it is rebuilt from module/mode/type/name. */
  readonly address: string;
  readonly kind: "update" | "delete" | "create" | "other";
  readonly attributes: readonly AttributeChange[];
}

export interface Counts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  read: number;
  import: number;
  move: number;
  forget: number;
}

export interface StackSummary {
  readonly stack: string;
  /** `errored`: the plan failed (or could not be made) and must not be applied. */
  readonly status: "changes" | "no-changes" | "errored";
  /**
   * SHA-256 of the plan JSON as read: recorded in the detail file so that an apply can check that it
   * applies what was reviewed.
   */
  readonly planSha256?: string;
  /** Synth diff only: the whole stack is new in this pull request, or gone from it. */
  readonly stackChange?: "added" | "removed";
  readonly error?: string;
  readonly terraformVersion?: string;
  readonly formatVersion?: string;
  /** False when Terraform deferred changes or planned with -target: the plan is partial. */
  readonly complete?: boolean;
  readonly counts: Counts;
  readonly resources: readonly ResourceSummary[];
  readonly outputs: readonly OutputSummary[];
  readonly drift: readonly DriftSummary[];
  /** Failed or unknown check blocks, and deferred changes: shown as warnings. */
  readonly warnings: readonly string[];
}

export function emptyCounts(): Counts {
  return { create: 0, update: 0, replace: 0, delete: 0, read: 0, import: 0, move: 0, forget: 0 };
}

/** Counts that are changes to infrastructure or state (reads are not). */
export function changeCount(c: Counts): number {
  return c.create + c.update + c.replace + c.delete + c.import + c.move + c.forget;
}

function classify(actions: readonly string[]): ChangeKind | "no-op" | "unknown" {
  const key = actions.join(",");
  switch (key) {
    case "create":
      return "create";
    case "update":
      return "update";
    case "delete":
      return "delete";
    case "read":
      return "read";
    case "forget":
      return "forget";
    case "no-op":
      return "no-op";
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      return "unknown";
  }
}

function addressOf(rc: PlanResourceChange): string {
  if (rc.address) return rc.address;
  const base = `${rc.mode === "data" ? "data." : ""}${rc.type ?? "(unknown type)"}.${rc.name ?? "(unknown name)"}`;
  const index = rc.index === undefined ? "" : typeof rc.index === "number" ? `[${rc.index}]` : `[${JSON.stringify(rc.index)}]`;
  return `${rc.module_address ? `${rc.module_address}.` : ""}${base}${index}`;
}

function sides(c: PlanChange) {
  return { before: c.before, after: c.after, beforeSensitive: c.before_sensitive, afterSensitive: c.after_sensitive, afterUnknown: c.after_unknown };
}

export interface SummarizeOptions {
  /**
   * Also list the attributes of created resources and of drift: the full detail file wants them, the
   * comment never shows them, and on big plans they are most of the summarizing time (bench/review).
   * @default false
   */
  readonly detail?: boolean;
}

function summarizeResource(rc: PlanResourceChange, detail: boolean): ResourceSummary | undefined {
  const c = rc.change;
  let kind = classify(c.actions);
  const importing = c.importing ? true : undefined;
  if (kind === "no-op") {
    if (importing) kind = "import";
    else if (rc.previous_address && rc.previous_address !== rc.address) kind = "move";
    else return undefined;
  }
  if (kind === "unknown") {
    // A future action we do not know: show it as an update rather than hide it.
    kind = "update";
  }
  const listed = kind === "update" || kind === "replace" || (detail && (kind === "create" || kind === "read"));
  const attributes = listed ? attributeChanges(sides(c)) : [];
  return {
    address: addressOf(rc),
    type: rc.type ?? "",
    kind,
    ...(kind === "replace" ? { replaceOrder: c.actions[0] === "delete" ? "delete-before-create" : "create-before-destroy" } : {}),
    ...(rc.action_reason ? { actionReason: rc.action_reason } : {}),
    replacePaths: (c.replace_paths ?? []).map(formatPath),
    attributes,
    ...(importing ? { importing } : {}),
    ...(rc.previous_address && rc.previous_address !== rc.address ? { previousAddress: rc.previous_address } : {}),
    ...(rc.deposed ? { deposed: rc.deposed } : {}),
  };
}

function summarizeOutput(name: string, c: PlanChange): OutputSummary | undefined {
  const kind = classify(c.actions);
  if (kind !== "create" && kind !== "update" && kind !== "delete") return undefined;
  // Output sensitivity is a boolean per side (or a tree for structured values); either side taints both.
  const sensitive = anyMarked(c.before_sensitive) || anyMarked(c.after_sensitive);
  if (sensitive) {
    return { name, kind, sensitive, before: kind === "create" ? null : SENSITIVE, after: kind === "delete" ? null : kind === "update" ? SENSITIVE_CHANGED : SENSITIVE };
  }
  return {
    name,
    kind,
    sensitive,
    before: kind === "create" ? null : maskValue(c.before ?? null, c.before_sensitive),
    after: kind === "delete" ? null : c.after_unknown === true ? UNKNOWN : maskValue(c.after ?? null, c.after_sensitive, c.after_unknown),
  };
}

function summarizeDrift(rc: PlanResourceChange, detail: boolean): DriftSummary {
  const k = classify(rc.change.actions);
  const kind = k === "update" || k === "delete" || k === "create" ? k : "other";
  return { address: addressOf(rc), kind, attributes: detail && kind === "update" ? attributeChanges(sides(rc.change)) : [] };
}

function checkWarnings(plan: Plan): string[] {
  const out: string[] = [];
  for (const check of plan.checks ?? []) {
    if (check.status !== "fail" && check.status !== "error") continue;
    const problems = (check.instances ?? []).flatMap((i) => (i.problems ?? []).map((p) => p.message ?? "")).filter(Boolean);
    out.push(`check ${check.address?.to_display ?? "(unnamed)"} ${check.status === "fail" ? "failed" : "errored"}${problems.length ? `: ${problems.join("; ")}` : ""}`);
  }
  if (plan.deferred_changes?.length) out.push(`${plan.deferred_changes.length} change(s) deferred to a later plan`);
  if (plan.complete === false) out.push("the plan is incomplete (deferred changes or -target): apply will not reach the whole configuration");
  return out;
}

function scrubAttributes(attributes: readonly AttributeChange[], secrets: ReadonlySet<string>): AttributeChange[] {
  return attributes.map((a) => {
    if (a.sensitive) return a;
    const before = scrub(a.before, secrets);
    const after = scrub(a.after, secrets);
    // A value caught by the scrub is a sensitive value Terraform did not mark: say so, show neither side.
    if (before !== a.before || after !== a.after) return { path: a.path, before: a.before === null || a.before === undefined ? null : SENSITIVE, after: SENSITIVE_CHANGED, sensitive: true };
    return a;
  });
}

/**
 * Summarizes one stack's plan. An errored plan is a failure, whatever changes it lists. `secrets`
 * (from {@link collectSecrets} on the raw JSON) are scrubbed from every value and message.
 */
export function summarizePlan(stack: string, plan: Plan, secrets: ReadonlySet<string> = new Set(), options: SummarizeOptions = {}): StackSummary {
  const detail = options.detail === true;
  const counts = emptyCounts();
  const resources: ResourceSummary[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const found = summarizeResource(rc, detail);
    if (!found) continue;
    const r = secrets.size ? { ...found, attributes: scrubAttributes(found.attributes, secrets) } : found;
    resources.push(r);
    counts[r.kind] += 1;
    if (r.importing && r.kind !== "import") counts.import += 1;
    if (r.previousAddress && r.kind !== "move") counts.move += 1;
  }
  const outputs = Object.entries(plan.output_changes ?? {})
    .map(([name, c]) => summarizeOutput(name, c))
    .filter((o): o is OutputSummary => o !== undefined)
    .map((o) => (o.sensitive || !secrets.size ? o : { ...o, before: scrub(o.before, secrets), after: scrub(o.after, secrets) }));
  const drift = (plan.resource_drift ?? []).map((d) => summarizeDrift(d, detail)).map((d) => (secrets.size ? { ...d, attributes: scrubAttributes(d.attributes, secrets) } : d));
  const errored = plan.errored === true;
  const hasChanges = changeCount(counts) > 0 || outputs.length > 0;
  return {
    stack,
    status: errored ? "errored" : hasChanges ? "changes" : "no-changes",
    ...(errored ? { error: "Terraform reported the plan as errored (incomplete; it must not be applied)" } : {}),
    ...(plan.terraform_version ? { terraformVersion: plan.terraform_version } : {}),
    formatVersion: plan.format_version,
    ...(plan.complete !== undefined ? { complete: plan.complete } : {}),
    counts,
    resources,
    outputs,
    drift,
    warnings: checkWarnings(plan).map((w) => String(scrub(w, secrets))),
  };
}

/** A stack whose plan could not be made or read at all. */
export function erroredStack(stack: string, error: string): StackSummary {
  return { stack, status: "errored", error, counts: emptyCounts(), resources: [], outputs: [], drift: [], warnings: [] };
}

export { SENSITIVE, SENSITIVE_CHANGED, UNKNOWN };
