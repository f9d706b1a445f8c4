/**
 * Turns a zod issue into a message a person can act on: the field, the value found (as written in the
 * file), what is allowed, and how to fix it. zod's own default texts ("Invalid input: expected int,
 * received number") are replaced; the custom texts written in schema.ts (which already say what is
 * allowed) are kept.
 */
import { z } from "zod";
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { formatPath, type PathSegment } from "./positions";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** zod's built-in texts start like this; anything else was written by us in schema.ts. */
const ZOD_DEFAULT_TEXT = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch"]);

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: AnySchema; getter?: () => AnySchema };
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === "lazy" && def.getter) s = def.getter();
    else return s;
  }
}

/** The schema that validates the value at `path`, or undefined when the path leaves the known shape. */
export function schemaAt(root: AnySchema, path: readonly PathSegment[]): AnySchema | undefined {
  let s: AnySchema | undefined = root;
  for (const segment of path) {
    if (!s) return undefined;
    const def = unwrap(s)._zod.def as { type: string; shape?: Record<string, AnySchema>; valueType?: AnySchema; element?: AnySchema };
    if (def.type === "object") s = def.shape?.[String(segment)];
    else if (def.type === "record") s = def.valueType;
    else if (def.type === "array") s = def.element;
    else return undefined;
  }
  return s;
}

export function allowedKeys(root: AnySchema, path: readonly PathSegment[]): string[] {
  const s = schemaAt(root, path);
  if (!s) return [];
  const def = unwrap(s)._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function isRequired(schema: AnySchema): boolean {
  const type = (schema._zod.def as { type: string }).type;
  return type !== "optional" && type !== "default" && type !== "prefault";
}

/** The `description` given with `.meta()` in schema.ts, on the field or on what it wraps. */
export function describe(root: AnySchema, path: readonly PathSegment[]): string | undefined {
  let s = schemaAt(root, path);
  while (s) {
    const meta = z.globalRegistry.get(s);
    if (meta?.description) return meta.description;
    const def = s._zod.def as { type: string; innerType?: AnySchema };
    s = WRAPPERS.has(def.type) ? def.innerType : undefined;
  }
  return undefined;
}

/** Damerau-free edit distance, enough to suggest `accountId` for `acountId`. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  const at = (j: number): number => row[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    let prev = at(0);
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = at(j);
      row[j] = Math.min(at(j) + 1, at(j - 1) + 1, prev + (a.charAt(i - 1).toLowerCase() === b.charAt(j - 1).toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return at(b.length);
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** What kind of YAML value a node is, in words: `the number 12`, `the text "yes"`, `a list`. */
export function kindOf(node: Node | undefined, shown: string | undefined): string {
  if (node === undefined) return "nothing";
  if (isMap(node)) return "a mapping (key: value lines)";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "an empty value";
    if (typeof v === "number") return `the number ${shown ?? String(v)}`;
    if (typeof v === "boolean") return `the boolean ${shown ?? String(v)}`;
    if (typeof v === "string") return `the text ${JSON.stringify(v)}`;
  }
  return shown ?? "a value";
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping (key: value lines)",
  record: "a mapping (key: value lines)",
  array: "a list",
};

export interface IssueContext {
  readonly root: AnySchema;
  /** Node at the issue path, if it exists in the file. */
  readonly node: Node | undefined;
  /** The node as written, trimmed to one line. */
  readonly shown: string | undefined;
}

/** One readable message for one zod issue (without the file:line:col prefix). */
export function messageFor(issue: Issue, ctx: IssueContext): string {
  const path = issue.path as PathSegment[];
  const field = formatPath(path);
  const custom = ZOD_DEFAULT_TEXT.test(issue.message) ? undefined : issue.message;
  const found = kindOf(ctx.node, ctx.shown);
  const last = path[path.length - 1];

  switch (issue.code) {
    case "invalid_type": {
      if (ctx.node === undefined || (isScalar(ctx.node) && ctx.node.value === null && issue.expected !== "null")) {
        const schema = schemaAt(ctx.root, path);
        const what = describe(ctx.root, path);
        if (ctx.node === undefined && schema && isRequired(schema)) {
          return `${field}: required key "${String(last)}" is missing${what ? ` (${what})` : ""}; add it`;
        }
        return `${field}: has no value; expected ${TYPE_WORDS[issue.expected] ?? issue.expected}${what ? ` (${what})` : ""}`;
      }
      if (last === "accountId" && isScalar(ctx.node) && typeof ctx.node.value === "number") {
        const digits = ctx.shown ?? String(ctx.node.value);
        return (
          `${field}: ${digits} is not quoted, so YAML reads it as the number ${String(ctx.node.value)}` +
          `${digits.startsWith("0") ? " (the leading zero is lost)" : ""}; account ids are 12-digit strings: write ${field.split(".").pop()}: "${digits}"`
        );
      }
      let hint = "";
      if (isScalar(ctx.node) && typeof ctx.node.value === "string") {
        const v = ctx.node.value;
        if ((issue.expected === "number" || issue.expected === "int") && /^-?\d+(\.\d+)?$/.test(v)) hint = `; remove the quotes: ${String(last)}: ${v}`;
        if (issue.expected === "boolean" && /^(yes|no|on|off|y|n|true|false)$/i.test(v)) hint = `; write true or false (YAML 1.2 reads ${JSON.stringify(v)} as text)`;
      }
      if (issue.expected === "string" && isScalar(ctx.node) && (typeof ctx.node.value === "number" || typeof ctx.node.value === "boolean")) {
        hint = `; quote it: ${String(last)}: "${ctx.shown ?? String(ctx.node.value)}"`;
      }
      if (issue.expected === "int" && isScalar(ctx.node) && typeof ctx.node.value === "number") {
        return `${field}: ${custom ?? "must be a whole number"}; found ${ctx.shown ?? String(ctx.node.value)}`;
      }
      return `${field}: expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, found ${found}${hint}`;
    }
    case "invalid_format":
      return `${field}: ${custom ?? `does not match ${issue.format === "regex" ? (issue as { pattern?: string }).pattern : issue.format}`}; found ${found}`;
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const bound = small ? issue.minimum : issue.maximum;
      const inclusive = issue.inclusive !== false;
      const op = small ? (inclusive ? "≥" : ">") : inclusive ? "≤" : "<";
      let rule: string;
      if (issue.origin === "string") rule = `${small ? "at least" : "at most"} ${String(bound)} characters`;
      else if (issue.origin === "array") rule = `${small ? "at least" : "at most"} ${String(bound)} item${bound === 1 ? "" : "s"}`;
      else rule = `a value ${op} ${String(bound)}`;
      return `${field}: ${custom ?? `must be ${rule}`}; found ${found}`;
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => String(v));
      const suggestion = isScalar(ctx.node) ? closest(String(ctx.node.value), allowed) : undefined;
      return `${field}: ${custom ?? `found ${found}; allowed: ${allowed.join(", ")}`}${suggestion ? `; did you mean ${suggestion}?` : ""}`;
    }
    case "invalid_key": {
      const inner = issue.issues[0];
      const reason = inner && !ZOD_DEFAULT_TEXT.test(inner.message) ? inner.message : "not an allowed key";
      return `${field}: key ${JSON.stringify(String(last))} is not allowed: ${reason}; rename it`;
    }
    case "unrecognized_keys":
      // Reported per key by the caller, which points at each key itself.
      return `${field}: unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.join(", ")}`;
    case "invalid_union":
      return `${field}: ${custom ?? "not an allowed value"}; found ${found}`;
    case "not_multiple_of":
      return `${field}: ${custom ?? `must be a multiple of ${String(issue.divisor)}`}; found ${found}`;
    default:
      return `${field}: ${custom ?? `not allowed here: found ${found}`}`;
  }
}

/** Message for one unknown key, with the allowed keys and the closest one. */
export function unknownKeyMessage(root: AnySchema, path: readonly PathSegment[], key: string): string {
  const allowed = allowedKeys(root, path);
  const suggestion = closest(key, allowed);
  const where = path.length === 0 ? "at the top level" : `in ${formatPath(path)}`;
  return (
    `unknown key ${JSON.stringify(key)} ${where}` +
    (suggestion ? `: did you mean "${suggestion}"?` : "; remove or rename it.") +
    (allowed.length ? ` Allowed keys: ${allowed.join(", ")}` : "")
  );
}
