/**
 * IAM policy documents as typed data (never string-built JSON). Stacks build {@link PolicyDocument}s,
 * {@link policyJson} serializes them once; the quota guard measures the same string AWS receives, and the
 * isolation test parses the synthesized JSON back into these types.
 */

export type ConditionOperator =
  | "StringEquals"
  | "StringNotEquals"
  | "StringLike"
  | "StringNotLike"
  | "StringLikeIfExists"
  | "ArnEquals"
  | "ArnLike"
  | "ArnNotEquals"
  | "ArnNotLike"
  | "Bool"
  | "Null";

export type Condition = Partial<Record<ConditionOperator, Readonly<Record<string, string | readonly string[]>>>>;

export type Principal =
  | "*"
  | { readonly AWS: string | readonly string[] }
  | { readonly Service: string | readonly string[] }
  | { readonly Federated: string };

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Principal;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Condition;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** The JSON AWS receives (compact: size quotas count characters). */
export function policyJson(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}

/**
 * The same JSON as a Terraform string literal. Terraform reads `${…}` inside JSON configuration as an
 * interpolation, so IAM policy variables (`${aws:PrincipalTag/…}`) must be escaped as `$${…}`.
 */
export function terraformPolicyJson(doc: PolicyDocument): string {
  // A function replacement: in a replacement string, "$$" would itself mean one "$".
  return policyJson(doc).replace(/\$\{/g, () => "$${");
}

/** Trust policy for an AWS service, pinned to the calling account (confused-deputy guard). */
export function serviceTrust(service: string, sourceAccount: string, sourceArnLike?: string): PolicyDocument {
  return policy({
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: { "aws:SourceAccount": sourceAccount },
      ...(sourceArnLike === undefined ? {} : { ArnLike: { "aws:SourceArn": sourceArnLike } }),
    },
  });
}
