/**
 * The tenant account's policies, as pure functions of the fleet configuration and one environment
 * (typed data: the isolation test evaluates exactly these).
 */
import type { FleetConfig } from "../core/config/schema";
import { roleOnlyTrust } from "./central-policies";
import { type PolicyDocument, type PolicyStatement, policy } from "./iam";
import {
  type EnvFacts,
  NAMES,
  arn,
  deployProjectName,
  deployedVersionParameterName,
  partitionOf,
  stateRoleName,
  workloadBoundaryName,
  workloadFunctionName,
  workloadFunctionRoleName,
  workloadRoleName,
} from "./names";

/** Only the central account, and only through this environment's forwarding rule, may put events. */
export function inboundBusPolicy(config: FleetConfig, e: EnvFacts): PolicyDocument {
  return policy({
    Sid: "FromCentralForwardRuleOnly",
    Effect: "Allow",
    Principal: { AWS: arn.accountRoot(partitionOf(config.central.region), config.central.accountId) },
    Action: "events:PutEvents",
    Resource: e.busArn,
    Condition: { ArnEquals: { "aws:SourceArn": e.forwardRuleArn } },
  });
}

/** ARN of the tenant rule (on a custom bus: `rule/<bus>/<rule>`). */
export const trackerRuleArn = (e: EnvFacts): string => arn.rule(e.partition, e.region, e.account, NAMES.trackerRule, NAMES.inboundBus);

/** A queue that only EventBridge, on behalf of one rule, may send to. */
export function ruleDlqPolicy(queueArn: string, ruleArn: string): PolicyDocument {
  return policy({
    Sid: "RuleDeadLetters",
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: "sqs:SendMessage",
    Resource: queueArn,
    Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
  });
}

export function trackerPolicy(e: EnvFacts): PolicyDocument {
  const projectArn = arn.project(e.partition, e.region, e.account, deployProjectName(e.name));
  return policy(
    { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${arn.logGroup(e.partition, e.region, e.account, NAMES.trackerLogGroup)}:*` },
    { Sid: "OnFailureDestination", Effect: "Allow", Action: "sqs:SendMessage", Resource: arn.queue(e.partition, e.region, e.account, NAMES.trackerFailures) },
    { Sid: "StartThisEnvironmentsDeploy", Effect: "Allow", Action: "codebuild:StartBuild", Resource: projectArn },
    {
      // A buildspec override would run arbitrary commands with the deployer's role: refuse any (Null = "false"
      // means the key is present, whatever its value).
      Sid: "DenyBuildspecOverride",
      Effect: "Deny",
      Action: "codebuild:StartBuild",
      Resource: projectArn,
      Condition: { Null: { "codebuild:source.buildspec": "false" } },
    },
  );
}

export interface DeployerObject {
  readonly bucket: string;
  readonly key: string;
}

/** The CodeBuild role: release plumbing only; the workload's own permissions live on the workload role. */
export function deployerPolicy(config: FleetConfig, e: EnvFacts, deployer: DeployerObject, logGroupName: string): PolicyDocument {
  const c = config.central;
  const cp = partitionOf(c.region);
  const b = c.artifactBucket;
  return policy(
    { Sid: "BuildLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${arn.logGroup(e.partition, e.region, e.account, logGroupName)}:*` },
    { Sid: "ReadArtifactsAndOwnReleases", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: [arn.objects(cp, b, "artifacts/*"), arn.objects(cp, b, `${e.releasesPrefix}*`)] },
    { Sid: "ListOwnReleases", Effect: "Allow", Action: "s3:ListBucket", Resource: arn.bucket(cp, b), Condition: { StringLike: { "s3:prefix": `${e.releasesPrefix}*` } } },
    { Sid: "WriteOwnStatus", Effect: "Allow", Action: "s3:PutObject", Resource: arn.objects(cp, b, `${e.statusPrefix}*`) },
    {
      // The workload backend assumes the per-environment state role (its state key and lock only); the
      // workload provider assumes the workload role (the application's resources only).
      Sid: "AssumeStateAndWorkloadRoles",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: [arn.role(cp, c.accountId, stateRoleName(e.name)), arn.role(e.partition, e.account, workloadRoleName(e.name))],
    },
    {
      Sid: "DeployedVersion",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter"],
      Resource: arn.parameter(e.partition, e.region, e.account, deployedVersionParameterName(e.name, config.app.name)),
    },
    { Sid: "DeployerBundle", Effect: "Allow", Action: "s3:GetObject", Resource: arn.objects(e.partition, deployer.bucket, deployer.key) },
    ...healthAlarmsStatements(e),
  );
}

/**
 * The health bake reads the environment's own alarms, and only those: DescribeAlarms on each alarm's ARN
 * in this account and region (no statement without alarms). The names cannot hold IAM wildcards
 * (core/health.ts), so each ARN matches exactly one alarm.
 */
export function healthAlarmsStatements(e: EnvFacts): PolicyStatement[] {
  const alarms = e.env.health?.alarms ?? [];
  if (alarms.length === 0) return [];
  return [{ Sid: "ReadOwnHealthAlarms", Effect: "Allow", Action: "cloudwatch:DescribeAlarms", Resource: alarms.map((name) => arn.alarm(e.partition, e.region, e.account, name)) }];
}

/** Only this environment's deployer role may assume the workload role. */
export function workloadRoleTrust(e: EnvFacts): PolicyDocument {
  return roleOnlyTrust(e);
}

/**
 * The sample workload's permissions, on resources named for this environment only (stacks/workload-stack.ts):
 * Lambda function `<app>-<env>` and its URL, its role `<app>-<env>-fn` (created only with the boundary below,
 * passed only to Lambda), its log group.
 */
export function workloadPolicy(config: FleetConfig, e: EnvFacts): PolicyDocument {
  const app = config.app.name;
  const fnName = workloadFunctionName(app, e.name);
  const fnArn = arn.function(e.partition, e.region, e.account, fnName);
  const roleArn = arn.role(e.partition, e.account, workloadFunctionRoleName(app, e.name));
  const boundaryArn = arn.policy(e.partition, e.account, workloadBoundaryName(e.name));
  const logGroup = arn.logGroup(e.partition, e.region, e.account, `/aws/lambda/${fnName}`);
  return policy(
    {
      Sid: "Function",
      Effect: "Allow",
      Action: [
        "lambda:CreateFunction",
        "lambda:DeleteFunction",
        "lambda:GetFunction",
        "lambda:GetFunctionConfiguration",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:GetRuntimeManagementConfig",
        "lambda:ListVersionsByFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:PutFunctionConcurrency",
        "lambda:DeleteFunctionConcurrency",
        "lambda:GetFunctionConcurrency",
        "lambda:CreateFunctionUrlConfig",
        "lambda:GetFunctionUrlConfig",
        "lambda:UpdateFunctionUrlConfig",
        "lambda:DeleteFunctionUrlConfig",
        "lambda:AddPermission",
        "lambda:RemovePermission",
        "lambda:GetPolicy",
        "lambda:TagResource",
        "lambda:UntagResource",
        "lambda:ListTags",
      ],
      Resource: fnArn,
    },
    {
      Sid: "FunctionRoleOnlyWithBoundary",
      Effect: "Allow",
      Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      Resource: roleArn,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn } },
    },
    {
      Sid: "FunctionRole",
      Effect: "Allow",
      Action: [
        "iam:GetRole",
        "iam:DeleteRole",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy",
        "iam:GetRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
      ],
      Resource: roleArn,
    },
    { Sid: "PassFunctionRoleToLambdaOnly", Effect: "Allow", Action: "iam:PassRole", Resource: roleArn, Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } },
    {
      Sid: "FunctionLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:ListTagsLogGroup"],
      Resource: [logGroup, `${logGroup}:*`],
    },
    // DescribeLogGroups only supports the account's log-group:* resource (it is a list call).
    { Sid: "DescribeLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: arn.logGroup(e.partition, e.region, e.account, "*") },
  );
}

/** The most any role created by the workload may do: write its function's logs. */
export function workloadBoundary(config: FleetConfig, e: EnvFacts): PolicyDocument {
  const fnName = workloadFunctionName(config.app.name, e.name);
  return policy({
    Sid: "FunctionLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${arn.logGroup(e.partition, e.region, e.account, `/aws/lambda/${fnName}`)}:*`,
  });
}
