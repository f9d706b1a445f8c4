/**
 * Finds the values a plan file holds that must never be printed: every leaf under a `true` in the
 * `*_sensitive` trees (resource changes, drift, outputs), every value of a variable declared sensitive,
 * and every variable value that the plan does not also show in a non-sensitive attribute (the
 * `variables` block is never rendered, so those values cannot legitimately appear).
 * Values that also appear at a non-sensitive leaf are printable by definition and are left out.
 */
type Json = unknown;

function isRecord(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function leaves(v: Json, out: Set<string>): void {
  if (Array.isArray(v)) v.forEach((x) => leaves(x, out));
  else if (isRecord(v)) Object.values(v).forEach((x) => leaves(x, out));
  else if (typeof v === "string" || typeof v === "number") out.add(String(v));
}

function split(value: Json, sensitive: Json, secret: Set<string>, open: Set<string>): void {
  if (sensitive === true) return leaves(value, secret);
  if (Array.isArray(value)) value.forEach((x, i) => split(x, Array.isArray(sensitive) ? sensitive[i] : undefined, secret, open));
  else if (isRecord(value)) for (const [k, x] of Object.entries(value)) split(x, isRecord(sensitive) ? sensitive[k] : undefined, secret, open);
  else if (typeof value === "string" || typeof value === "number") open.add(String(value));
}

export function secretStrings(plan: Record<string, Json>): string[] {
  const secret = new Set<string>();
  const open = new Set<string>();
  const changes = [...((plan.resource_changes as Json[]) ?? []), ...((plan.resource_drift as Json[]) ?? []), ...Object.values((plan.output_changes as Record<string, Json>) ?? {})];
  for (const rc of changes) {
    const c = (isRecord(rc) && isRecord(rc.change) ? rc.change : rc) as Record<string, Json>;
    split(c.before, c.before_sensitive, secret, open);
    split(c.after, c.after_sensitive, secret, open);
  }
  const declared = (((plan.configuration as Record<string, Json>)?.root_module as Record<string, Json>)?.variables ?? {}) as Record<string, { sensitive?: boolean }>;
  for (const [name, v] of Object.entries((plan.variables as Record<string, { value: Json }>) ?? {})) {
    const values = new Set<string>();
    leaves(v.value, values);
    // An undeclared variable's value that the plan also shows inside a printable attribute (a name
    // built from it, say) is not a secret; a declared-sensitive one always is.
    for (const s of values) if (declared[name]?.sensitive || ![...open].some((o) => o.includes(s))) secret.add(s);
  }
  // JSON literals cannot be told apart from the booleans every output holds.
  return [...secret].filter((s) => !open.has(s) && s.length >= 2 && !["true", "false", "null"].includes(s));
}

/** Where `secret` occurs in `text` as a whole token (not inside a longer word or number). */
export function findSecret(text: string, secret: string): number {
  const re = new RegExp(`(?<![A-Za-z0-9])${secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9])`);
  const m = re.exec(text);
  return m ? m.index : -1;
}
