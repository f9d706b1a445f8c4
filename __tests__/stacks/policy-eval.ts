/**
 * A small, conservative IAM evaluator for the isolation test: given the principal of a request, an action, a
 * resource ARN and the request's context keys, does an Allow statement of a policy match? Conditions on keys
 * the request context does not define are treated as satisfiable (so the test can only err towards reporting
 * a grant, never towards missing one). Supports what the fleet's policies use: wildcards in actions and
 * resources, policy variables `${aws:PrincipalTag/…}`, and the String/Arn/Null/Bool operators.
 */
import type { PolicyDocument, PolicyStatement } from "../../stacks/iam";

export interface RequestPrincipal {
  readonly arn: string;
  readonly account: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly orgId?: string;
}

export interface Request {
  readonly principal: RequestPrincipal;
  readonly action: string;
  readonly resource: string;
  /** Extra context, e.g. `s3:prefix`. */
  readonly context?: Readonly<Record<string, string>>;
}

const SERVICE_ONLY_KEYS = new Set(["aws:SourceArn", "aws:SourceAccount"]);

const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === "string" ? [v] : v);

/** IAM glob: `*` any run, `?` one character; case-sensitive (as for ARNs and S3 keys). */
const compiled = new Map<string, RegExp>();
export function globMatch(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
    compiled.set(pattern, re);
  }
  return re.test(value);
}

/** Substitutes policy variables; an undefined variable makes the value unusable (returns undefined). */
function substitute(value: string, ctx: Record<string, string>): string | undefined {
  let missing = false;
  const out = value.replace(/\$\$?\{([^}]+)\}/g, (_, key: string) => {
    const v = ctx[key];
    if (v === undefined) missing = true;
    return v ?? "";
  });
  return missing ? undefined : out;
}

function contextOf(req: Request): Record<string, string> {
  const p = req.principal;
  const ctx: Record<string, string> = { "aws:PrincipalArn": p.arn, "aws:PrincipalAccount": p.account, "aws:SecureTransport": "true", ...req.context };
  if (p.orgId !== undefined) ctx["aws:PrincipalOrgID"] = p.orgId;
  for (const [k, v] of Object.entries(p.tags)) ctx[`aws:PrincipalTag/${k}`] = v;
  return ctx;
}

function conditionHolds(stmt: PolicyStatement, ctx: Record<string, string>): boolean {
  for (const [op, entries] of Object.entries(stmt.Condition ?? {})) {
    for (const [key, raw] of Object.entries(entries ?? {})) {
      const actual = ctx[key];
      const ifExists = op.endsWith("IfExists");
      const base = ifExists ? op.slice(0, -"IfExists".length) : op;
      if (base === "Null") {
        if (actual === undefined) continue; // unknown key: may be absent or present; satisfiable
        if (list(raw).includes("true")) return false; // key present, statement wants it absent
        continue;
      }
      if (actual === undefined) {
        if (ifExists) continue;
        // Set only when a service acts for a resource (a rule, a project); absent when a role calls directly.
        if (SERVICE_ONLY_KEYS.has(key)) return false;
        // A key we do not model (e.g. aws:SourceArn of a service): satisfiable.
        if (!key.startsWith("aws:Principal") && key !== "s3:prefix") continue;
        return false;
      }
      const values = list(raw).map((v) => substitute(v, ctx)).filter((v): v is string => v !== undefined);
      const matchOne = (v: string) => {
        switch (base) {
          case "StringEquals":
          case "ArnEquals":
          case "Bool":
            return v === actual;
          case "StringLike":
          case "ArnLike":
            return globMatch(v, actual);
          default:
            return undefined;
        }
      };
      if (base === "StringNotEquals" || base === "ArnNotEquals") {
        if (values.includes(actual)) return false;
        continue;
      }
      if (base === "StringNotLike" || base === "ArnNotLike") {
        if (values.some((v) => globMatch(v, actual))) return false;
        continue;
      }
      const results = values.map(matchOne);
      if (results.some((r) => r === undefined)) continue; // unknown operator: satisfiable
      if (!results.some(Boolean)) return false;
    }
  }
  return true;
}

function principalMatches(stmt: PolicyStatement, p: RequestPrincipal): boolean {
  if (stmt.Principal === undefined) return true; // identity policy: the holder is the principal
  if (stmt.Principal === "*") return true;
  if ("AWS" in stmt.Principal) {
    return list(stmt.Principal.AWS).some((a) => a === "*" || a === p.arn || a === p.account || a === `arn:${p.arn.split(":")[1]}:iam::${p.account}:root`);
  }
  return false; // Service / Federated principals are not tenant roles
}

/** Does `stmt` (an Allow) grant `req`? */
export function statementAllows(stmt: PolicyStatement, req: Request): boolean {
  if (stmt.Effect !== "Allow") return false;
  if (!principalMatches(stmt, req.principal)) return false;
  if (!list(stmt.Action).some((a) => globMatch(a, req.action))) return false;
  const ctx = contextOf(req);
  // A trust policy has no Resource: it is about the role that holds it.
  if (stmt.Resource !== undefined) {
    const resources = list(stmt.Resource).map((r) => substitute(r, ctx)).filter((r): r is string => r !== undefined);
    if (!resources.some((r) => globMatch(r, req.resource))) return false;
  }
  return conditionHolds(stmt, ctx);
}

export function policyAllows(doc: PolicyDocument, req: Request): PolicyStatement | undefined {
  return doc.Statement.find((s) => statementAllows(s, req));
}

/** Parses a policy string from synthesized Terraform JSON (`$${` is Terraform's escape of `${`). */
export function parsePolicy(json: unknown): PolicyDocument {
  if (typeof json !== "string") throw new Error(`policy is not a literal string: ${JSON.stringify(json)}`);
  return JSON.parse(json.replace(/\$\$\{/g, "${")) as PolicyDocument;
}
