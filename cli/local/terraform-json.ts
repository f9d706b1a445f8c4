/**
 * Reading synthesized stacks (`cdktf.out/stacks/<id>/cdk.tf.json`) the way Terraform would, far enough to
 * create their resources in the local AWS: which account and region each resource lives in (from its AWS
 * provider's `allowed_account_ids`/`assume_role` and `region`), and the values of `${type.name.attr}`
 * references between resources, including the attributes AWS computes (ARNs, queue URLs, ids) and the
 * `aws_iam_policy_document` data source rendered to its JSON.
 */
import { readFileSync } from "node:fs";
import { ProvisionError } from "./errors";

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export interface TfStack {
  readonly id: string;
  readonly file: string;
  readonly json: JsonObject;
}

export interface Placement {
  readonly account: string;
  readonly region: string;
}

/** One resource or data source of a stack, with where it lives. */
export interface TfResource {
  readonly stack: string;
  /** `aws_sqs_queue`, or `data.aws_iam_policy_document`. */
  readonly type: string;
  readonly name: string;
  /** Address as Terraform prints it: `aws_sqs_queue.dlq`. */
  readonly address: string;
  readonly config: JsonObject;
  readonly placement: Placement;
}

export function readStack(id: string, file: string): TfStack {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ProvisionError(`${file}: cannot read the synthesized stack ${id}: ${(err as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ProvisionError(`${file}: not a Terraform JSON object`);
  return { id, file, json: json as JsonObject };
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
const first = (v: Json | undefined): Json | undefined => (Array.isArray(v) ? v[0] : v);

function providerPlacements(stack: TfStack): Map<string, Placement> {
  const out = new Map<string, Placement>();
  const providers = isObject(stack.json.provider) ? stack.json.provider : {};
  const aws = providers.aws;
  const blocks = Array.isArray(aws) ? aws : aws !== undefined ? [aws] : [];
  for (const b of blocks) {
    if (!isObject(b)) continue;
    const alias = typeof b.alias === "string" ? `aws.${b.alias}` : "aws";
    const region = typeof b.region === "string" ? b.region : undefined;
    const allowed = first(b.allowed_account_ids);
    const assume = first(b.assume_role);
    const roleArn = isObject(assume) && typeof assume.role_arn === "string" ? assume.role_arn : undefined;
    const fromRole = roleArn ? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(roleArn)?.[1] : undefined;
    const account = typeof allowed === "string" ? allowed : fromRole;
    if (!region || !account) {
      throw new ProvisionError(`${stack.file}: provider ${alias} has no ${!region ? "region" : "account (allowed_account_ids or assume_role.role_arn)"}: every AWS provider must say where it acts (DESIGN.md §5)`);
    }
    out.set(alias, { account, region });
  }
  return out;
}

/** Every resource and data source of the stacks, keyed by `<stack>/<address>`. */
export function listResources(stack: TfStack): TfResource[] {
  const placements = providerPlacements(stack);
  const out: TfResource[] = [];
  const add = (kind: "resource" | "data") => {
    const section = stack.json[kind];
    if (!isObject(section)) return;
    for (const [type, byName] of Object.entries(section)) {
      if (!isObject(byName)) continue;
      for (const [name, config] of Object.entries(byName)) {
        if (!isObject(config)) continue;
        const providerRef = typeof config.provider === "string" ? config.provider : "aws";
        const fullType = kind === "data" ? `data.${type}` : type;
        const address = `${fullType}.${name}`;
        let placement = placements.get(providerRef);
        if (!placement) {
          if (!type.startsWith("aws_")) placement = { account: "", region: "" };
          else throw new ProvisionError(`${stack.file}: ${address} uses provider ${providerRef}, which the stack does not configure`);
        }
        out.push({ stack: stack.id, type: fullType, name, address, config, placement });
      }
    }
  };
  add("resource");
  add("data");
  return out;
}

/** The attributes AWS computes for a resource, as the provider would report them. */
function computedAttributes(r: TfResource, arg: (name: string) => Json | undefined): Record<string, Json> {
  const { account, region } = r.placement;
  const s = (name: string) => {
    const v = arg(name);
    return typeof v === "string" ? v : undefined;
  };
  switch (r.type) {
    case "aws_s3_bucket": {
      const b = s("bucket") ?? "";
      return { id: b, bucket: b, arn: `arn:aws:s3:::${b}`, region };
    }
    case "aws_sqs_queue": {
      const n = s("name") ?? "";
      return { id: `https://sqs.${region}.amazonaws.com/${account}/${n}`, url: `https://sqs.${region}.amazonaws.com/${account}/${n}`, arn: `arn:aws:sqs:${region}:${account}:${n}` };
    }
    case "aws_cloudwatch_event_bus": {
      const n = s("name") ?? "";
      return { id: n, arn: `arn:aws:events:${region}:${account}:event-bus/${n}` };
    }
    case "aws_cloudwatch_event_rule": {
      const n = s("name") ?? "";
      const bus = s("event_bus_name") ?? "default";
      const busName = bus.startsWith("arn:") ? bus.slice(bus.lastIndexOf("/") + 1) : bus;
      return { id: busName === "default" ? n : `${busName}/${n}`, arn: `arn:aws:events:${region}:${account}:rule/${busName === "default" ? "" : `${busName}/`}${n}` };
    }
    case "aws_iam_role": {
      const n = s("name") ?? "";
      const path = s("path") ?? "/";
      return { id: n, unique_id: n, arn: `arn:aws:iam::${account}:role${path}${n}` };
    }
    case "aws_iam_policy": {
      const n = s("name") ?? "";
      return { id: `arn:aws:iam::${account}:policy/${n}`, arn: `arn:aws:iam::${account}:policy/${n}` };
    }
    case "aws_lambda_function": {
      const n = s("function_name") ?? "";
      const arn = `arn:aws:lambda:${region}:${account}:function:${n}`;
      return { id: n, arn, qualified_arn: `${arn}:$LATEST`, invoke_arn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`, version: "$LATEST" };
    }
    case "aws_codebuild_project": {
      const n = s("name") ?? "";
      const arn = `arn:aws:codebuild:${region}:${account}:project/${n}`;
      return { id: arn, arn };
    }
    case "aws_ssm_parameter": {
      const n = s("name") ?? "";
      return { id: n, arn: `arn:aws:ssm:${region}:${account}:parameter${n.startsWith("/") ? "" : "/"}${n}` };
    }
    case "aws_cloudwatch_log_group": {
      const n = s("name") ?? "";
      return { id: n, arn: `arn:aws:logs:${region}:${account}:log-group:${n}` };
    }
    case "aws_iam_openid_connect_provider": {
      const url = (s("url") ?? "").replace(/^https:\/\//, "");
      return { id: `arn:aws:iam::${account}:oidc-provider/${url}`, arn: `arn:aws:iam::${account}:oidc-provider/${url}` };
    }
    case "data.aws_caller_identity":
      return { id: account, account_id: account, arn: `arn:aws:iam::${account}:root` };
    case "data.aws_region":
      return { id: region, name: region, region };
    case "data.aws_partition":
      return { id: "aws", partition: "aws", dns_suffix: "amazonaws.com" };
    default:
      return {};
  }
}

/** Renders an `aws_iam_policy_document` data source (already resolved) to the JSON IAM reads. */
export function renderPolicyDocument(config: JsonObject): string {
  const text = (v: Json | undefined): string => (typeof v === "string" ? v : JSON.stringify(v ?? null));
  const list = (v: Json | undefined): string[] => (Array.isArray(v) ? v.map(text) : typeof v === "string" ? [v] : []);
  const one = (xs: string[]): Json => (xs.length === 1 ? xs[0] : xs);
  const statements = (Array.isArray(config.statement) ? config.statement : []).filter(isObject).map((st) => {
    const out: JsonObject = {};
    if (typeof st.sid === "string") out.Sid = st.sid;
    out.Effect = typeof st.effect === "string" ? st.effect : "Allow";
    const principals = (kind: string) => {
      const ps = Array.isArray(st[kind]) ? (st[kind]).filter(isObject) : [];
      if (ps.length === 0) return undefined;
      const m: JsonObject = {};
      for (const p of ps) {
        const t = text(p.type);
        const ids = list(p.identifiers);
        if (t === "*" && ids.length === 1 && ids[0] === "*") return "*";
        const prev = m[t];
        m[t] = one([...(Array.isArray(prev) ? prev.map(text) : typeof prev === "string" ? [prev] : []), ...ids]);
      }
      return m;
    };
    const p = principals("principals");
    if (p !== undefined) out.Principal = p;
    const np = principals("not_principals");
    if (np !== undefined) out.NotPrincipal = np;
    if (st.actions !== undefined) out.Action = one(list(st.actions));
    if (st.not_actions !== undefined) out.NotAction = one(list(st.not_actions));
    if (st.resources !== undefined) out.Resource = one(list(st.resources));
    if (st.not_resources !== undefined) out.NotResource = one(list(st.not_resources));
    const conditions = Array.isArray(st.condition) ? st.condition.filter(isObject) : [];
    if (conditions.length > 0) {
      const c: Record<string, JsonObject> = {};
      for (const cond of conditions) {
        const test = text(cond.test);
        c[test] = { ...(c[test] ?? {}), [text(cond.variable)]: one(list(cond.values)) };
      }
      out.Condition = c;
    }
    return out;
  });
  const doc: JsonObject = { Version: typeof config.version === "string" ? config.version : "2012-10-17" };
  if (typeof config.policy_id === "string") doc.Id = config.policy_id;
  doc.Statement = statements;
  return JSON.stringify(doc);
}

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
      if (parts.length === 1 && "expr" in parts[0]) return this.expression(parts[0].expr, where);
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
