/**
 * The whole review: every stack's summary plus what the renderers need (totals, destructive changes
 * grouped across stacks, clusters of identical change sets). Pure.
 */
import { clusterStacks, factorOut, tenantOfStack, type Cluster, type TenantIdentity } from "./cluster";
import { changeLines } from "./change-lines";
import { changeCount, emptyCounts, type Counts, type ResourceSummary, type StackSummary } from "./summarize";

/** `plan`: terraform plans were summarized. `synth`: only the synthesized configurations were compared. */
export type ReviewMode = "plan" | "synth";

export interface ReviewTotals {
  readonly stacks: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly failed: number;
  readonly counts: Counts;
  /** Resources changed outside Terraform (drift), over all stacks; never part of `counts`. */
  readonly drift: number;
}

export interface DestructiveGroup {
  readonly kind: "delete" | "replace";
  readonly address: string;
  readonly replaceOrder?: ResourceSummary["replaceOrder"];
  readonly actionReason?: string;
  readonly replacePaths: readonly string[];
  readonly type: string;
  readonly stacks: readonly string[];
}

export interface Review {
  readonly mode: ReviewMode;
  readonly stacks: readonly StackSummary[];
  readonly totals: ReviewTotals;
  readonly destructive: readonly DestructiveGroup[];
  readonly clusters: readonly Cluster[];
  readonly unchanged: readonly string[];
  readonly failed: readonly StackSummary[];
  /** Why the review is what it is, e.g. "synth diff only: no plan role configured". */
  readonly notes: readonly string[];
}

export interface BuildOptions {
  readonly mode: ReviewMode;
  /** Account id per tenant name, from the fleet config when available. */
  readonly accountIds?: Readonly<Record<string, string>>;
  readonly notes?: readonly string[];
}

export function identityResolver(accountIds: Readonly<Record<string, string>> = {}): (stack: string) => TenantIdentity {
  return (stack) => {
    const name = tenantOfStack(stack);
    const accountId = accountIds[name];
    return accountId ? { name, accountId } : { name };
  };
}

function isDestructive(r: ResourceSummary): r is ResourceSummary & { kind: "delete" | "replace" } {
  return r.kind === "delete" || r.kind === "replace";
}

export function buildReview(stacks: readonly StackSummary[], options: BuildOptions): Review {
  const sorted = [...stacks].sort((a, b) => a.stack.localeCompare(b.stack));
  const counts = emptyCounts();
  let drift = 0;
  for (const s of sorted) {
    if (s.status === "errored") continue;
    for (const k of Object.keys(counts) as (keyof Counts)[]) counts[k] += s.counts[k];
    drift += s.drift.length;
  }
  const identityOf = identityResolver(options.accountIds);
  const groups = new Map<string, { group: Omit<DestructiveGroup, "stacks">; stacks: string[] }>();
  for (const s of sorted) {
    if (s.status === "errored") continue;
    const identity = identityOf(s.stack);
    for (const r of s.resources) {
      if (!isDestructive(r)) continue;
      const address = factorOut(r.address, identity);
      const key = JSON.stringify([r.kind, address, r.replaceOrder, r.actionReason, r.replacePaths]);
      const found = groups.get(key);
      if (found) found.stacks.push(s.stack);
      else
        groups.set(key, {
          group: { kind: r.kind, address, type: r.type, replacePaths: r.replacePaths, ...(r.replaceOrder ? { replaceOrder: r.replaceOrder } : {}), ...(r.actionReason ? { actionReason: r.actionReason } : {}) },
          stacks: [s.stack],
        });
    }
  }
  // Destroy-first replaces and deletes before create-before-destroy replaces: the worst first.
  const rank = (g: Omit<DestructiveGroup, "stacks">) => (g.kind === "delete" ? 0 : g.replaceOrder === "delete-before-create" ? 1 : 2);
  const destructive = [...groups.values()]
    .map(({ group, stacks: st }) => ({ ...group, stacks: st }))
    .sort((a, b) => rank(a) - rank(b) || b.stacks.length - a.stacks.length || a.address.localeCompare(b.address));
  const changedStacks = sorted.filter((s) => s.status === "changes");
  const clusters = clusterStacks(
    changedStacks.map((s) => ({ stack: s.stack, lines: changeLines(s, options.mode === "synth") })),
    identityOf,
  );
  const failed = sorted.filter((s) => s.status === "errored");
  const unchanged = sorted.filter((s) => s.status === "no-changes").map((s) => s.stack);
  return {
    mode: options.mode,
    stacks: sorted,
    totals: { stacks: sorted.length, changed: changedStacks.length, unchanged: unchanged.length, failed: failed.length, counts, drift },
    destructive,
    clusters,
    unchanged,
    failed,
    notes: options.notes ?? [],
  };
}

export function hasChanges(s: StackSummary): boolean {
  return changeCount(s.counts) > 0 || s.outputs.length > 0;
}
