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
export type JsonObject = { [k: string]: Json };

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

export const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
export const first = (v: Json | undefined): Json | undefined => (Array.isArray(v) ? v[0] : v);

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
      throw new ProvisionError(`${stack.file}: provider ${alias} has no ${!region ? "region" : "account (allowed_account_ids or assume_role.role_arn)"}: every AWS provider must say where it acts`);
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
