/**
 * Masking of plan values. `terraform show -json` keeps sensitive values in clear text and only flags them
 * in the parallel `before_sensitive` / `after_sensitive` trees (`true` at a leaf, or a bare `true` for
 * the whole value). Everything the review renders goes through this file: a sensitive leaf is never
 * copied, only replaced by a marker; a changed one says "(sensitive value changed)" without either side.
 */
import { setOwn } from "./own-record";

export const SENSITIVE = "(sensitive value)";
export const SENSITIVE_CHANGED = "(sensitive value changed)";
export const UNKNOWN = "(known after apply)";

type Path = readonly (string | number)[];

/** One changed attribute, masked: `before`/`after` are safe to print. */
export interface AttributeChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** True when the value is sensitive on either side: `before`/`after` are then markers only. */
  readonly sensitive?: true;
  /** True when the new value is known only after apply. */
  readonly unknown?: true;
}

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `environment[0].variables.EVENT_BUS_ARN`, `tags["kubernetes.io/name"]`. */
export function formatPath(path: Path): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (IDENT_RE.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out === "" ? "(whole value)" : out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The child of a sensitivity/unknown marker tree: `true` propagates to the whole subtree. */
function child(marker: unknown, key: string | number): unknown {
  if (marker === true) return true;
  if (Array.isArray(marker) && typeof key === "number") return marker[key];
  if (isRecord(marker) && typeof key === "string") return marker[key];
  return undefined;
}

/** True when any leaf under this marker is `true`. */
export function anyMarked(marker: unknown): boolean {
  if (marker === true) return true;
  if (Array.isArray(marker)) return marker.some(anyMarked);
  if (isRecord(marker)) return Object.values(marker).some(anyMarked);
  return false;
}

/**
 * A copy of `value` that is safe to print: sensitive leaves → "(sensitive value)", unknown leaves →
 * "(known after apply)" (also where the key is missing from `value`, as Terraform omits unknown keys).
 */
export function maskValue(value: unknown, sensitive: unknown, unknown?: unknown): unknown {
  if (sensitive === true) return SENSITIVE;
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(value) || Array.isArray(unknown)) {
    const arr = Array.isArray(value) ? value : [];
    const len = Math.max(arr.length, Array.isArray(unknown) ? unknown.length : 0);
    const out: unknown[] = [];
    for (let i = 0; i < len; i++) out.push(maskValue(arr[i], child(sensitive, i), child(unknown, i)));
    return out;
  }
  if (isRecord(value) || isRecord(unknown)) {
    const obj = isRecord(value) ? value : {};
    const out: Record<string, unknown> = {};
    const keys = new Set(Object.keys(obj));
    if (isRecord(unknown)) for (const k of Object.keys(unknown)) if (anyMarked(unknown[k])) keys.add(k);
    for (const k of keys) setOwn(out, k, maskValue(obj[k], child(sensitive, k), child(unknown, k)));
    return out;
  }
  return value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

interface Sides {
  before: unknown;
  after: unknown;
  beforeSensitive: unknown;
  afterSensitive: unknown;
  afterUnknown: unknown;
}

/**
 * The changed attributes between `before` and `after`, masked, leaves first in document order. Objects
 * and lists are descended; a leaf (or a whole value marked sensitive/unknown) is one entry.
 */
export function attributeChanges(sides: Sides): AttributeChange[] {
  const out: AttributeChange[] = [];
  walk(sides.before, sides.after, sides.beforeSensitive, sides.afterSensitive, sides.afterUnknown, [], out);
  return out;
}

// `path` is one shared, mutable stack (push/pop): plans hold tens of thousands of leaves, and a copied
// array per node was a third of the summarizing time in bench/review.
function walk(before: unknown, after: unknown, bs: unknown, as: unknown, au: unknown, path: (string | number)[], out: AttributeChange[]): void {
  if (bs === true || as === true) {
    // Compare in memory, print only a marker. Unknown + sensitive is still just "sensitive".
    if (au === true || !deepEqual(before, after)) out.push({ path: formatPath(path), before: before === undefined || before === null ? null : SENSITIVE, after: SENSITIVE_CHANGED, sensitive: true });
    return;
  }
  if (au === true) {
    out.push({ path: formatPath(path), before: maskValue(before, bs), after: UNKNOWN, unknown: true });
    return;
  }
  const bList = Array.isArray(before);
  const aList = Array.isArray(after);
  if ((bList || aList) && (bList || before == null) && (aList || after == null)) {
    const b = bList ? before : [];
    const a = aList ? after : [];
    const len = Math.max(b.length, a.length, Array.isArray(au) ? au.length : 0);
    for (let i = 0; i < len; i++) {
      path.push(i);
      walk(b[i], a[i], child(bs, i), child(as, i), child(au, i), path, out);
      path.pop();
    }
    return;
  }
  const bRec = isRecord(before);
  const aRec = isRecord(after);
  if ((bRec || aRec) && (bRec || before == null) && (aRec || after == null)) {
    const b = bRec ? before : {};
    const a = aRec ? after : {};
    const keys = new Set(Object.keys(b));
    for (const k of Object.keys(a)) keys.add(k);
    if (isRecord(au)) for (const k of Object.keys(au)) if (anyMarked(au[k])) keys.add(k);
    for (const k of keys) {
      path.push(k);
      walk(b[k], a[k], child(bs, k), child(as, k), child(au, k), path, out);
      path.pop();
    }
    return;
  }
  if (before == null && after == null && (Array.isArray(au) || isRecord(au))) {
    // Nothing known on either side but unknown leaves inside: report those.
    const keys = Array.isArray(au) ? au.map((_, i) => i) : Object.keys(au);
    for (const k of keys) {
      path.push(k);
      walk(undefined, undefined, child(bs, k), child(as, k), child(au, k), path, out);
      path.pop();
    }
    return;
  }
  if (!deepEqual(before ?? null, after ?? null)) out.push({ path: formatPath(path), before: maskValue(before ?? null, bs), after: maskValue(after ?? null, as) });
}

/**
 * Every value the plan marks sensitive anywhere, from the RAW plan JSON (before the schema strips
 * `variables`, `prior_state`, `planned_values` and `configuration`): leaves under `true` in the
 * `*_sensitive` / `sensitive_values` trees, outputs flagged `sensitive`, and root variables declared
 * sensitive. Used only to scrub (see {@link scrub}), never rendered.
 *
 * Why a second layer: Terraform does not mark values derived by a provider from a sensitive input. A real
 * `terraform_data` whose `input` is sensitive has an `output` attribute holding the same secret with no
 * mark in `before_sensitive` (terraform 1.11.4); the tree walk alone would print it.
 */
export function collectSecrets(plan: unknown): Set<string> {
  const out = new Set<string>();
  if (!isRecord(plan)) return out;
  const addLeaves = (v: unknown): void => {
    if (typeof v === "string" && v !== "") out.add(v);
    else if (typeof v === "number") out.add(String(v));
    else if (Array.isArray(v)) v.forEach(addLeaves);
    else if (isRecord(v)) Object.values(v).forEach(addLeaves);
  };
  // Descends only where the sensitivity tree marks something: cheap on 100 KB plans.
  const marked = (value: unknown, sensitive: unknown): void => {
    if (sensitive === true) return addLeaves(value);
    if (typeof sensitive !== "object" || sensitive === null || typeof value !== "object" || value === null) return;
    if (Array.isArray(sensitive)) {
      if (Array.isArray(value)) for (let i = 0; i < sensitive.length; i++) if (typeof sensitive[i] === "object" || sensitive[i] === true) marked(value[i], sensitive[i]);
      return;
    }
    const tree = sensitive as Record<string, unknown>;
    const obj = value as Record<string, unknown>;
    for (const k in tree) {
      const s = tree[k];
      if (s === true || (typeof s === "object" && s !== null)) marked(obj[k], s);
    }
  };
  const change = (c: unknown): void => {
    if (!isRecord(c)) return;
    marked(c.before, c.before_sensitive);
    marked(c.after, c.after_sensitive);
  };
  for (const key of ["resource_changes", "resource_drift"] as const) {
    const list = plan[key];
    if (Array.isArray(list)) for (const rc of list) if (isRecord(rc)) change(rc.change);
  }
  if (isRecord(plan.output_changes)) Object.values(plan.output_changes).forEach(change);
  // prior_state.values and planned_values: {outputs: {name: {sensitive, value}}, root_module: module}.
  const module = (m: unknown, depth: number): void => {
    if (!isRecord(m) || depth > 32) return;
    if (Array.isArray(m.resources)) for (const r of m.resources) if (isRecord(r)) marked(r.values, r.sensitive_values);
    if (Array.isArray(m.child_modules)) for (const c of m.child_modules) module(c, depth + 1);
  };
  const values = (v: unknown): void => {
    if (!isRecord(v)) return;
    if (isRecord(v.outputs)) for (const o of Object.values(v.outputs)) if (isRecord(o) && o.sensitive === true) addLeaves(o.value);
    module(v.root_module, 0);
  };
  values(plan.planned_values);
  if (isRecord(plan.prior_state)) values(plan.prior_state.values);
  if (isRecord(plan.variables)) {
    const declared = isRecord(plan.configuration) && isRecord(plan.configuration.root_module) && isRecord(plan.configuration.root_module.variables) ? plan.configuration.root_module.variables : {};
    for (const [name, v] of Object.entries(plan.variables)) {
      const decl = declared[name];
      if (isRecord(decl) && decl.sensitive === true && isRecord(v)) addLeaves(v.value);
    }
  }
  return out;
}

/** Secrets this short are matched exactly only; as substrings they would mask half the plan. */
const MIN_SUBSTRING_SECRET = 6;

/**
 * Replaces any printable value that equals a known secret, or contains one of at least 6 characters, by
 * "(sensitive value)". Markers pass through.
 */
export function scrub(value: unknown, secrets: ReadonlySet<string>): unknown {
  if (secrets.size === 0) return value;
  if (typeof value === "string") {
    if (value === SENSITIVE || value === SENSITIVE_CHANGED || value === UNKNOWN) return value;
    if (secrets.has(value)) return SENSITIVE;
    for (const s of secrets) if (s.length >= MIN_SUBSTRING_SECRET && value.includes(s)) return SENSITIVE;
    return value;
  }
  if (typeof value === "number") return secrets.has(String(value)) ? SENSITIVE : value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, scrub(v, secrets));
    return out;
  }
  return value;
}
