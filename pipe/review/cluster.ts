/**
 * Clustering of stacks whose change sets are identical once the tenant's name and account id are
 * factored out, so that a reviewer reads each distinct change once ("27 stacks: the same 3 changes").
 * Pure and generic: a stack is given as the lines that describe its changes; the caller renders them.
 */
import { environmentOfStack } from "../../core/stack-ids";

export interface TenantIdentity {
  /** The tenant (environment) name, e.g. `alpha` for stacks `tenant-alpha` / `workload-alpha`. */
  readonly name: string;
  /** Its AWS account id, when known (from the fleet config). */
  readonly accountId?: string;
}

export interface ClusterInput {
  readonly stack: string;
  /** Lines describing the stack's changes; compared after factoring out the tenant. */
  readonly lines: readonly string[];
}

export interface Cluster {
  readonly stacks: readonly string[];
  /** The shared lines with `<tenant>` / `<account>` placeholders. */
  readonly lines: readonly string[];
  /** The first stack's own lines, without placeholders: what a cluster of one shows. */
  readonly ownLines: readonly string[];
}

export const TENANT_PLACEHOLDER = "<tenant>";
export const ACCOUNT_PLACEHOLDER = "<account>";

/** `tenant-alpha` → `alpha`; stacks without a known prefix are their own "tenant" (e.g. `central`). */
export function tenantOfStack(stack: string): string {
  return environmentOfStack(stack) ?? stack;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Replaces the tenant's name (as a whole word: not inside a longer name) and its account id with
 * placeholders. Any other 12-digit number bounded by non-digits is taken for an account id too: the plan
 * may reference accounts that the fleet config does not list for this tenant (its own is the common case).
 */
export function factorOut(line: string, tenant: TenantIdentity): string {
  return factorer(tenant)(line);
}

/** One compiled replacer per tenant: clustering 300 stacks calls it for every line of every stack. */
export function factorer(tenant: TenantIdentity): (line: string) => string {
  const nameRe = tenant.name ? new RegExp(`(?<![A-Za-z0-9])${escapeRe(tenant.name)}(?![A-Za-z0-9])`, "g") : undefined;
  const accountRe = /(?<!\d)\d{12}(?!\d)/g;
  return (line) => {
    let out = line;
    if (tenant.accountId && out.includes(tenant.accountId)) out = out.split(tenant.accountId).join(ACCOUNT_PLACEHOLDER);
    if (/\d{12}/.test(out)) out = out.replace(accountRe, ACCOUNT_PLACEHOLDER);
    if (nameRe && out.includes(tenant.name)) out = out.replace(nameRe, TENANT_PLACEHOLDER);
    return out;
  };
}

/**
 * Groups stacks with identical factored lines. Clusters are ordered by size (largest first), then by
 * their first stack name; stacks inside a cluster keep the input order.
 */
export function clusterStacks(inputs: readonly ClusterInput[], identityOf: (stack: string) => TenantIdentity): Cluster[] {
  const byKey = new Map<string, { stacks: string[]; lines: string[]; ownLines: readonly string[] }>();
  for (const input of inputs) {
    const lines = input.lines.map(factorer(identityOf(input.stack)));
    const key = lines.join("\n");
    const found = byKey.get(key);
    if (found) found.stacks.push(input.stack);
    else byKey.set(key, { stacks: [input.stack], lines, ownLines: input.lines });
  }
  return [...byKey.values()].sort((a, b) => b.stacks.length - a.stacks.length || (a.stacks[0] ?? "").localeCompare(b.stacks[0] ?? ""));
}
