/**
 * What Terraform knows without asking AWS, for the resources the local run reads: the attributes AWS
 * computes (ARNs, queue URLs, ids, as the provider reports them) and the `aws_iam_policy_document` data
 * source rendered to the JSON IAM reads.
 */
import { isObject, type Json, type JsonObject, type TfResource } from "./terraform-json";

// A table in switch form, one short case per type: longer than ~60 lines because the types are many.
/** The attributes AWS computes for a resource, as the provider would report them. */
export function computedAttributes(r: TfResource, arg: (name: string) => Json | undefined): Record<string, Json> {
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
  const one = (xs: string[]): Json => (xs.length === 1 && xs[0] !== undefined ? xs[0] : xs);
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
