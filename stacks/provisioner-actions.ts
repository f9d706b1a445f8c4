/**
 * What deploying a Terraform resource type needs in IAM, per type: the actions to read it (plan, refresh,
 * drift checks), the further actions to create, change and delete it, and the ARNs they may touch. The
 * bootstrap roles are built from this table and the resource types the fleet's stacks really synthesize, so
 * `fleet-provisioner` can deploy exactly those stacks and `fleet-plan` can only read them. A stack that gains
 * a resource type not listed here fails synthesis of the bootstrap stack (stacks/bootstrap-stack.ts), instead
 * of failing its first deploy with AccessDenied.
 */
import { NAMES } from "./names";

/** Where ARNs point: concrete values in Terraform, CloudFormation pseudo parameters in the StackSet. */
export interface ArnScope {
  readonly partition: string;
  readonly account: string;
  /** `*` where the role serves stacks of any region (IAM is global; tenants choose their region). */
  readonly region: string;
  /** Bucket names (or patterns) the stacks own in this account. */
  readonly buckets: readonly string[];
  /**
   * Name prefixes of the roles, functions and log groups the stacks own: `fleet-` for the plumbing, plus
   * `<app>-` where the workload's resources are read too.
   */
  readonly prefixes: readonly string[];
}

export interface TypeActions {
  readonly read: readonly string[];
  readonly write: readonly string[];
  /** Listing calls that IAM only grants on `*`. */
  readonly list?: readonly string[];
  readonly resources: (s: ArnScope) => readonly string[];
}

const events = (s: ArnScope) => [
  `arn:${s.partition}:events:${s.region}:${s.account}:event-bus/${NAMES.inboundBus}`,
  `arn:${s.partition}:events:${s.region}:${s.account}:rule/fleet-*`,
  `arn:${s.partition}:events:${s.region}:${s.account}:rule/${NAMES.inboundBus}/fleet-*`,
];
const tagsOf = (service: string) => [`${service}:TagResource`, `${service}:UntagResource`];
const queues = (s: ArnScope) => [`arn:${s.partition}:sqs:${s.region}:${s.account}:fleet-*`];
const roles = (s: ArnScope) => s.prefixes.map((x) => `arn:${s.partition}:iam::${s.account}:role/${x}*`);
const policies = (s: ArnScope) => [`arn:${s.partition}:iam::${s.account}:policy/fleet-*`];
const functions = (s: ArnScope) => s.prefixes.map((x) => `arn:${s.partition}:lambda:${s.region}:${s.account}:function:${x}*`);
const logGroups = (s: ArnScope) =>
  s.prefixes.flatMap((x) => [`arn:${s.partition}:logs:${s.region}:${s.account}:log-group:/aws/lambda/${x}*`, `arn:${s.partition}:logs:${s.region}:${s.account}:log-group:/aws/codebuild/${x}*`]);
const buckets = (s: ArnScope) => s.buckets.map((b) => `arn:${s.partition}:s3:::${b}`);
const objects = (s: ArnScope) => s.buckets.map((b) => `arn:${s.partition}:s3:::${b}/*`);
const bucketRead = ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketTagging", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite", "s3:GetBucketLogging", "s3:GetBucketRequestPayment", "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketPolicy", "s3:GetBucketVersioning", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration"];

/** Keyed by Terraform resource type. */
export const TYPE_ACTIONS: Readonly<Record<string, TypeActions>> = {
  aws_cloudwatch_event_bus: { read: ["events:DescribeEventBus", "events:ListTagsForResource"], write: ["events:CreateEventBus", "events:DeleteEventBus", "events:UpdateEventBus", ...tagsOf("events")], resources: events },
  aws_cloudwatch_event_bus_policy: { read: ["events:DescribeEventBus"], write: ["events:PutPermission", "events:RemovePermission"], resources: events },
  aws_cloudwatch_event_rule: { read: ["events:DescribeRule", "events:ListTagsForResource"], write: ["events:PutRule", "events:DeleteRule", "events:EnableRule", "events:DisableRule", ...tagsOf("events")], resources: events },
  aws_cloudwatch_event_target: { read: ["events:ListTargetsByRule"], write: ["events:PutTargets", "events:RemoveTargets"], resources: events },
  aws_sqs_queue: { read: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"], write: ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"], resources: queues },
  aws_sqs_queue_policy: { read: ["sqs:GetQueueAttributes"], write: ["sqs:SetQueueAttributes"], resources: queues },
  aws_cloudwatch_log_group: {
    read: ["logs:ListTagsForResource", "logs:ListTagsLogGroup"],
    write: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup"],
    list: ["logs:DescribeLogGroups"],
    resources: logGroups,
  },
  aws_iam_role: {
    read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRoleTags"],
    write: ["iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:PassRole"],
    resources: roles,
  },
  aws_iam_role_policy: { read: ["iam:GetRolePolicy"], write: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"], resources: roles },
  aws_iam_role_policy_attachment: { read: ["iam:ListAttachedRolePolicies"], write: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], resources: roles },
  aws_iam_policy: {
    read: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags"],
    write: ["iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"],
    resources: policies,
  },
  aws_iam_openid_connect_provider: {
    read: ["iam:GetOpenIDConnectProvider"],
    write: ["iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider"],
    resources: (s) => [`arn:${s.partition}:iam::${s.account}:oidc-provider/api.bitbucket.org/*`],
  },
  aws_lambda_function: {
    read: ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListTags"],
    write: ["lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", ...tagsOf("lambda")],
    resources: functions,
  },
  aws_lambda_function_url: {
    read: ["lambda:GetFunctionUrlConfig"],
    write: ["lambda:CreateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig", "lambda:DeleteFunctionUrlConfig"],
    resources: functions,
  },
  aws_lambda_permission: { read: ["lambda:GetPolicy"], write: ["lambda:AddPermission", "lambda:RemovePermission"], resources: functions },
  aws_lambda_function_event_invoke_config: {
    read: ["lambda:GetFunctionEventInvokeConfig"],
    write: ["lambda:PutFunctionEventInvokeConfig", "lambda:UpdateFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig"],
    resources: functions,
  },
  aws_s3_bucket: { read: bucketRead, write: ["s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging"], resources: buckets },
  aws_s3_bucket_versioning: { read: ["s3:GetBucketVersioning"], write: ["s3:PutBucketVersioning"], resources: buckets },
  aws_s3_bucket_server_side_encryption_configuration: { read: ["s3:GetEncryptionConfiguration"], write: ["s3:PutEncryptionConfiguration"], resources: buckets },
  aws_s3_bucket_public_access_block: { read: ["s3:GetBucketPublicAccessBlock"], write: ["s3:PutBucketPublicAccessBlock"], resources: buckets },
  aws_s3_bucket_ownership_controls: { read: ["s3:GetBucketOwnershipControls"], write: ["s3:PutBucketOwnershipControls"], resources: buckets },
  aws_s3_bucket_policy: { read: ["s3:GetBucketPolicy"], write: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"], resources: buckets },
  aws_s3_bucket_lifecycle_configuration: { read: ["s3:GetLifecycleConfiguration"], write: ["s3:PutLifecycleConfiguration"], resources: buckets },
  aws_s3_bucket_notification: { read: ["s3:GetBucketNotification"], write: ["s3:PutBucketNotification"], resources: buckets },
  aws_s3_object: { read: ["s3:GetObject", "s3:GetObjectTagging"], write: ["s3:PutObject", "s3:DeleteObject", "s3:PutObjectTagging"], resources: objects },
  aws_codebuild_project: {
    read: ["codebuild:BatchGetProjects"],
    write: ["codebuild:CreateProject", "codebuild:UpdateProject", "codebuild:DeleteProject"],
    resources: (s) => [`arn:${s.partition}:codebuild:${s.region}:${s.account}:project/fleet-*`],
  },
  aws_ssm_parameter: {
    read: ["ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource"],
    write: ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource"],
    list: ["ssm:DescribeParameters"],
    resources: (s) => [`arn:${s.partition}:ssm:${s.region}:${s.account}:parameter/fleet/*`],
  },
  aws_cloudwatch_metric_alarm: {
    read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    write: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
    resources: (s) => [`arn:${s.partition}:cloudwatch:${s.region}:${s.account}:alarm:fleet-*`],
  },
};

/** Resource types of `types` that the table does not know (the bootstrap stack refuses to guess their permissions). */
export function unknownTypes(types: Iterable<string>): string[] {
  return [...new Set(types)].filter((t) => !(t in TYPE_ACTIONS)).sort();
}

export interface ActionGrant {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/**
 * The grants for deploying (`write: true`) or only reading the given resource types, merged per set of
 * resources so the policy stays small: one statement per distinct resource list, actions sorted and unique.
 */
export function grantsFor(types: Iterable<string>, scope: ArnScope, options: { write: boolean }): ActionGrant[] {
  const byResources = new Map<string, { actions: Set<string>; resources: readonly string[] }>();
  const listed = new Set<string>();
  for (const t of [...new Set(types)].sort()) {
    const a = TYPE_ACTIONS[t];
    if (!a) continue;
    const resources = a.resources(scope);
    const key = resources.join(" ");
    const entry = byResources.get(key) ?? { actions: new Set<string>(), resources };
    for (const action of [...a.read, ...(options.write ? a.write : [])]) entry.actions.add(action);
    byResources.set(key, entry);
    for (const l of a.list ?? []) listed.add(l);
  }
  const grants: ActionGrant[] = [...byResources.values()].map((e, i) => ({ sid: `Resources${i + 1}`, actions: [...e.actions].sort(), resources: e.resources }));
  if (listed.size > 0) grants.push({ sid: "ListOnly", actions: [...listed].sort(), resources: ["*"] });
  return grants;
}
