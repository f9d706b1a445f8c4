/**
 * The CloudFormation template the bootstrap StackSet deploys into every account of the fleet's
 * organizational units, as typed data serialized once (never hand-written JSON): `fleet-provisioner`, which
 * the operators' `cdktf deploy` of the tenant stack assumes, allowed exactly what that stack deploys; and
 * `fleet-plan`, read-only over the same resources, which the central plan-review role assumes.
 *
 * ARNs use the pseudo parameters `${AWS::Partition}` and `${AWS::AccountId}` (through `Fn::Sub`), so one
 * template serves every account; regions are `*` because tenants choose their region and IAM is global.
 */
import type { Condition, Principal } from "./iam";
import { type ArnScope, grantsFor } from "./provisioner-actions";
import { NAMES } from "./names";

/** A string CloudFormation substitutes pseudo parameters into. */
export interface CfnSub {
  readonly "Fn::Sub": string;
}
export type CfnString = string | CfnSub;

export interface CfnStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Principal | { readonly AWS: CfnString };
  readonly Action: string | readonly string[];
  readonly Resource?: CfnString | readonly CfnString[];
  readonly Condition?: Condition | Readonly<Record<string, Readonly<Record<string, CfnString>>>>;
}

export interface CfnPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly CfnStatement[];
}

export interface CfnRole {
  readonly Type: "AWS::IAM::Role";
  readonly Properties: {
    readonly RoleName: string;
    readonly Description: string;
    readonly MaxSessionDuration: number;
    readonly AssumeRolePolicyDocument: CfnPolicyDocument;
    readonly Policies: readonly { readonly PolicyName: string; readonly PolicyDocument: CfnPolicyDocument }[];
    readonly Tags: readonly { readonly Key: string; readonly Value: string }[];
  };
}

export interface CfnTemplate {
  readonly AWSTemplateFormatVersion: "2010-09-09";
  readonly Description: string;
  readonly Resources: Readonly<Record<string, CfnRole>>;
  readonly Outputs: Readonly<Record<string, { readonly Value: { readonly "Fn::GetAtt": readonly [string, "Arn"] } }>>;
}

export interface BaselineInputs {
  /** Terraform resource types the tenant stack synthesizes (what fleet-provisioner must deploy). */
  readonly deployTypes: readonly string[];
  /** Types fleet-plan must read: the tenant stack's and the workload stack's. */
  readonly readTypes: readonly string[];
  /** Who may assume fleet-provisioner: an IAM principal ARN, `*` allowed for a changing part (SSO roles). */
  readonly operatorPrincipalArn: string;
  readonly centralAccountId: string;
  /** Partition of the central account (the review role's ARN). */
  readonly centralPartition: string;
  /** Tag value of `fleet`. */
  readonly app: string;
}

const cfnScope = (prefixes: readonly string[]): ArnScope => ({
  partition: "${AWS::Partition}",
  account: "${AWS::AccountId}",
  region: "*",
  buckets: ["fleet-deployer-${AWS::AccountId}-*"],
  prefixes,
});

/** `fleet doctor` compares quotas with what the fleet needs (read-only; Service Quotas grants these on `*` only). */
export const QUOTA_READ_ACTIONS = ["servicequotas:GetServiceQuota", "servicequotas:ListServiceQuotas"] as const;

const sub = (s: string): CfnString => (s.includes("${") ? { "Fn::Sub": s } : s);

function grants(types: readonly string[], scope: ArnScope, write: boolean): CfnStatement[] {
  return grantsFor(types, scope, { write }).map((g) => ({ Sid: g.sid, Effect: "Allow", Action: g.actions, Resource: g.resources.map(sub) }));
}

/** `arn:aws:iam::123456789012:role/x` → the account's root, for trust by account plus `aws:PrincipalArn`. */
function accountOfArn(principalArn: string): string {
  return principalArn.split(":")[4] ?? "";
}

/**
 * Trust by account plus `aws:PrincipalArn`, not `Principal: {AWS: <role>}`: IAM rejects a trust policy naming
 * a role that does not exist yet, and an operator's SSO role ARN changes when it is re-provisioned (a pattern
 * with `*` keeps matching).
 */
function trustOf(principalArn: string): CfnPolicyDocument {
  const account = accountOfArn(principalArn);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: { "Fn::Sub": `arn:\${AWS::Partition}:iam::${account}:root` } },
        Action: "sts:AssumeRole",
        Condition: { ArnLike: { "aws:PrincipalArn": principalArn } },
      },
    ],
  };
}

export function accountBaselineTemplate(input: BaselineInputs): CfnTemplate {
  const tags = [
    { Key: "fleet", Value: input.app },
    { Key: "managed-by", Value: "cdktf-fleet" },
  ];
  const reviewRole = `arn:${input.centralPartition}:iam::${input.centralAccountId}:role/${NAMES.planReviewRole}`;
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `cdktf-fleet account baseline for ${input.app}: the roles the fleet deploys and reviews with`,
    Resources: {
      Provisioner: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: NAMES.provisionerRole,
          Description: "Deploys the fleet's tenant stack (cdktf deploy); allowed only what that stack creates",
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: trustOf(input.operatorPrincipalArn),
          Policies: [{ PolicyName: "deploy-tenant-stack", PolicyDocument: { Version: "2012-10-17", Statement: grants(input.deployTypes, cfnScope(["fleet-"]), true) } }],
          Tags: tags,
        },
      },
      Plan: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: NAMES.planRole,
          Description: "Reads the fleet's resources for plan review and drift checks; changes nothing",
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: trustOf(reviewRole),
          Policies: [{ PolicyName: "read-fleet-resources", PolicyDocument: { Version: "2012-10-17", Statement: [...grants(input.readTypes, cfnScope(["fleet-", `${input.app}-`]), false), { Sid: "Quotas", Effect: "Allow", Action: [...QUOTA_READ_ACTIONS], Resource: "*" }] } }],
          Tags: tags,
        },
      },
    },
    Outputs: {
      ProvisionerRoleArn: { Value: { "Fn::GetAtt": ["Provisioner", "Arn"] } },
      PlanRoleArn: { Value: { "Fn::GetAtt": ["Plan", "Arn"] } },
    },
  };
}

/** The template body CloudFormation receives (serialized once, here). */
export function templateBody(t: CfnTemplate): string {
  return JSON.stringify(t);
}
