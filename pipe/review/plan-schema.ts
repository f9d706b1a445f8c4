/**
 * Reading plan JSON: a hand-checked fast path for the common shapes, and the zod schema (plan-zod.ts)
 * for everything else and for the error messages. The schema is loaded only when needed: loading zod
 * alone took 0.2–0.3 s of every `fleet review` start on the benchmark machine.
 */
import { collectSecrets } from "./mask";
import type * as PlanZod from "./plan-zod";
import type { Plan, PlanChange, PlanResourceChange } from "./plan-zod";
import { setOwn } from "./own-record";

export type { Plan, PlanChange, PlanResourceChange } from "./plan-zod";

function planSchema(): typeof PlanZod.PlanSchema {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous lazy load, see above
  return (require("./plan-zod") as typeof PlanZod).PlanSchema;
}

/**
 * How deep plan JSON may nest. Real plans nest a few dozen levels (module values inside lists inside
 * objects); the summary, the masking and the schema all walk values recursively, so a hand-made plan
 * nested thousands of levels deep is refused here with a clear message instead of overflowing the stack.
 */
export const MAX_PLAN_DEPTH = 256;

/** The first place deeper than {@link MAX_PLAN_DEPTH}, found without recursion, as a problem line. */
function tooDeep(json: unknown): string | undefined {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: json, depth: 0, path: "" }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth >= MAX_PLAN_DEPTH) {
      const shown = path.length > 120 ? `${path.slice(0, 120)}…` : path;
      return `${shown || "(top level)"}: the JSON nests more than ${MAX_PLAN_DEPTH} levels deep, which no Terraform plan does; refusing to read it`;
    }
    if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: depth + 1, path: depth < 8 ? `${path}[${i}]` : path });
    else for (const [k, v] of Object.entries(value)) stack.push({ value: v, depth: depth + 1, path: depth < 8 ? `${path}${path ? "." : ""}${k}` : path });
  }
  return undefined;
}

/**
 * Parses already-decoded JSON; on failure returns one readable line per problem (path: message). On
 * success also returns every sensitive value of the raw plan, for scrubbing (never for printing).
 */
export function parsePlan(json: unknown): { ok: true; plan: Plan; secrets: Set<string> } | { ok: false; problems: string[] } {
  const deep = tooDeep(json);
  if (deep) return { ok: false, problems: [deep] };
  const fast = fastPlan(json);
  if (fast) return { ok: true, plan: fast, secrets: collectSecrets(json) };
  const result = planSchema().safeParse(json);
  if (result.success) return { ok: true, plan: result.data, secrets: collectSecrets(json) };
  const problems = result.error.issues.slice(0, 10).map((i) => `${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`);
  if (json === null || typeof json !== "object" || Array.isArray(json)) return { ok: false, problems: ["not a JSON object; expected the output of `terraform show -json <planfile>`"] };
  if (!("format_version" in json)) return { ok: false, problems: ["no format_version; expected the output of `terraform show -json <planfile>` (not the plan file itself, not a state file)"] };
  return { ok: false, problems };
}

// ---------------------------------------------------------------------------------------------------
// Fast path. A cold zod parse of 300 plans cost ~300 ms in bench/review, more than summarizing them.
// fastPlan checks the common shapes by hand and builds exactly what PlanSchema would output; on
// anything unusual (checks, importing, a wrong type anywhere) it returns undefined and PlanSchema
// decides, with its error messages. It may be stricter than the schema, never looser
// (__tests__/review/plan-schema.test.ts compares both on every fixture and on broken variants).

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const FORMAT_RE = /^\d+\.\d+/;

function pickStrings(src: Obj, keys: readonly string[], out: Obj): boolean {
  for (const k of keys) {
    const v = src[k];
    if (v === undefined) continue;
    if (typeof v !== "string") return false;
    out[k] = v;
  }
  return true;
}

const CHANGE_VALUE_KEYS = ["before", "after", "after_unknown", "before_sensitive", "after_sensitive"] as const;

function fastChange(c: unknown): PlanChange | undefined {
  if (!isObj(c)) return undefined;
  const actions = c.actions;
  if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === "string")) return undefined;
  if (c.importing !== undefined && c.importing !== null) return undefined;
  const out: Obj = { actions: [...(actions)] };
  for (const k of CHANGE_VALUE_KEYS) if (k in c) out[k] = c[k];
  if (c.importing === null) out.importing = null;
  if (c.replace_paths !== undefined) {
    if (!Array.isArray(c.replace_paths)) return undefined;
    const paths: (string | number)[][] = [];
    for (const p of c.replace_paths) {
      if (!Array.isArray(p) || !p.every((k) => typeof k === "string" || typeof k === "number")) return undefined;
      paths.push([...(p)]);
    }
    out.replace_paths = paths;
  }
  return out as PlanChange;
}

const RC_STRING_KEYS = ["address", "module_address", "mode", "type", "name", "previous_address", "deposed", "action_reason"] as const;

function fastResourceChanges(list: unknown): PlanResourceChange[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: PlanResourceChange[] = [];
  for (const rc of list) {
    if (!isObj(rc)) return undefined;
    const r: Obj = {};
    if (!pickStrings(rc, RC_STRING_KEYS, r)) return undefined;
    if (rc.index !== undefined) {
      if (typeof rc.index !== "string" && typeof rc.index !== "number") return undefined;
      r.index = rc.index;
    }
    const change = fastChange(rc.change);
    if (!change) return undefined;
    r.change = change;
    out.push(r as PlanResourceChange);
  }
  return out;
}

export function fastPlan(json: unknown): Plan | undefined {
  if (!isObj(json)) return undefined;
  const fv = json.format_version;
  if (typeof fv !== "string" || !FORMAT_RE.test(fv) || Number(fv.split(".")[0]) >= 2) return undefined;
  if (json.checks !== undefined) return undefined;
  const out: Obj = { format_version: fv };
  if (!pickStrings(json, ["terraform_version", "timestamp"], out)) return undefined;
  for (const k of ["errored", "applyable", "complete"] as const) {
    const v = json[k];
    if (v === undefined) continue;
    if (typeof v !== "boolean") return undefined;
    out[k] = v;
  }
  for (const k of ["resource_changes", "resource_drift"] as const) {
    if (json[k] === undefined) continue;
    const list = fastResourceChanges(json[k]);
    if (!list) return undefined;
    out[k] = list;
  }
  if (json.output_changes !== undefined) {
    if (!isObj(json.output_changes)) return undefined;
    const outputs: Record<string, PlanChange> = {};
    for (const [name, c] of Object.entries(json.output_changes)) {
      const change = fastChange(c);
      if (!change) return undefined;
      setOwn(outputs, name, change);
    }
    out.output_changes = outputs;
  }
  if (json.deferred_changes !== undefined) {
    if (!Array.isArray(json.deferred_changes)) return undefined;
    out.deferred_changes = [...(json.deferred_changes as unknown[])];
  }
  return out as Plan;
}
