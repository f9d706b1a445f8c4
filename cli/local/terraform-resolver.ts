/**
 * The `${type.name.attr}` references between the resources of one stack, resolved as Terraform would
 * for the values the local run needs.
 */
import { ProvisionError } from "./errors";
import { computedAttributes, renderPolicyDocument } from "./terraform-computed";
import { isObject, type Json, type JsonObject, type TfResource, type TfStack } from "./terraform-json";

/** Splits a string into literal text and `${…}` expressions (balanced braces; `$${` is a literal `${`). */
export function splitTemplate(text: string): ({ literal: string } | { expr: string })[] {
  const parts: ({ literal: string } | { expr: string })[] = [];
  let lit = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      lit += "${";
      i += 3;
    } else if (text.startsWith("${", i)) {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === "{") depth++;
        else if (text[j] === "}") depth--;
        j++;
      }
      if (depth !== 0) throw new ProvisionError(`unterminated expression in ${JSON.stringify(text.slice(0, 200))}`);
      if (lit) parts.push({ literal: lit });
      lit = "";
      parts.push({ expr: text.slice(i + 2, j - 1).trim() });
      i = j;
    } else {
      lit += text[i];
      i++;
    }
  }
  if (lit) parts.push({ literal: lit });
  return parts;
}

const REF_RE = /^((?:data\.)?[a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)((?:\[\d+\]|\.[a-z0-9_]+)*)$/;

/**
 * Resolves references between the resources of one stack. Resolution is lazy and memoized; a reference
 * that Terraform could resolve but this reader cannot (a function call, an unknown attribute) is an error
 * naming the stack, the resource and the expression, never a silent empty string.
 */
export class Resolver {
  private readonly byAddress = new Map<string, TfResource>();
  private readonly resolved = new Map<string, JsonObject>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly stack: TfStack,
    resources: readonly TfResource[],
  ) {
    for (const r of resources) this.byAddress.set(r.address, r);
  }

  resource(address: string): TfResource | undefined {
    return this.byAddress.get(address);
  }

  /** The resource's arguments with every reference replaced. */
  config(r: TfResource): JsonObject {
    const done = this.resolved.get(r.address);
    if (done) return done;
    if (this.inProgress.has(r.address)) throw new ProvisionError(`${this.stack.file}: ${r.address} refers to itself through its references`);
    this.inProgress.add(r.address);
    try {
      const out = this.value(r.config, r.address) as JsonObject;
      this.resolved.set(r.address, out);
      return out;
    } finally {
      this.inProgress.delete(r.address);
    }
  }

  /** One attribute of a resource: a computed one (arn, id, url, json) or one of its arguments. */
  attribute(r: TfResource, attr: string): Json {
    const cfg = this.config(r);
    if (r.type === "data.aws_iam_policy_document" && attr === "json") return renderPolicyDocument(cfg);
    const computed = computedAttributes(r, (name) => cfg[name]);
    if (attr in computed) return computed[attr]!;
    if (attr in cfg && attr !== "//") return cfg[attr]!;
    throw new ProvisionError(`${this.stack.file}: attribute "${attr}" of ${r.address} is not known to the local run (it knows the arguments and ${Object.keys(computed).join(", ") || "no computed attributes"})`);
  }

  /** Resolves one `${…}` expression. */
  expression(expr: string, where: string): Json {
    const m = REF_RE.exec(expr);
    if (!m) throw new ProvisionError(`${this.stack.file}: ${where}: the expression \${${expr}} is not a plain reference; the local run resolves type.name.attribute only`);
    const [, type, name, attr, rest] = m as unknown as [string, string, string, string, string];
    const target = this.byAddress.get(`${type}.${name}`);
    if (!target) throw new ProvisionError(`${this.stack.file}: ${where}: \${${expr}} refers to ${type}.${name}, which the stack does not define`);
    let v = this.attribute(target, attr);
    for (const step of rest.match(/\[\d+\]|\.[a-z0-9_]+/g) ?? []) {
      if (step.startsWith("[")) v = Array.isArray(v) ? (v[Number(step.slice(1, -1))] ?? null) : null;
      else v = isObject(v) ? (v[step.slice(1)] ?? null) : null;
      if (v === null) throw new ProvisionError(`${this.stack.file}: ${where}: \${${expr}} has no value`);
    }
    return v;
  }

  /** Any JSON value with its references replaced. */
  value(v: Json, where: string): Json {
    if (typeof v === "string") {
      if (!v.includes("${")) return v;
      const parts = splitTemplate(v);
      const only = parts.length === 1 ? parts[0] : undefined;
      if (only && "expr" in only) return this.expression(only.expr, where);
      return parts.map((p) => ("literal" in p ? p.literal : this.stringOf(this.expression(p.expr, where), p.expr, where))).join("");
    }
    if (Array.isArray(v)) return v.map((x) => this.value(x, where));
    if (isObject(v)) {
      const out: JsonObject = {};
      for (const [k, x] of Object.entries(v)) if (k !== "//") out[k] = this.value(x, where);
      return out;
    }
    return v;
  }

  private stringOf(v: Json, expr: string, where: string): string {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
    throw new ProvisionError(`${this.stack.file}: ${where}: \${${expr}} is not a string but is used inside one`);
  }
}
