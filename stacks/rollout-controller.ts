/**
 * The rollout controller in the central account: the `fleet-rollout-controller` Lambda, what triggers it
 * (S3 events for status/ and for commands under rollouts/, and a one-minute schedule), its failures queue
 * and its least-privilege role. It reads status records and rollout objects and writes releases and
 * rollout objects in the central bucket; it holds no credentials into any tenant.
 */
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import type { FleetConfig } from "../core/config/schema";
import type { SharedFile } from "./assets";
import { type PolicyDocument, policy, policyJson, serviceTrust } from "./iam";
import { arn, partitionOf } from "./names";

export const CONTROLLER = {
  function: "fleet-rollout-controller",
  role: "fleet-rollout-controller",
  failures: "fleet-rollout-controller-failures",
  logGroup: "/aws/lambda/fleet-rollout-controller",
  eventsRule: "fleet-rollout-controller-events",
  scheduleRule: "fleet-rollout-controller-schedule",
} as const;

/**
 * 1 GB for CPU: a step parses, validates and rewrites the state of up to 1,000 tenants. 90 s: up to 45 s
 * waiting for a bake end or a timeout (lambdas/rollout_controller/handler.ts), then a step that releases
 * (up to 16 conditional puts at a time) with the SDK's retries.
 */
export const CONTROLLER_MEMORY_MB = 1024;
export const CONTROLLER_TIMEOUT_S = 90;
/** Two retries, then the failures queue; a step older than 1 h is moot (the schedule has moved on). */
export const CONTROLLER_ASYNC = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } as const;
const QUEUE_RETENTION_SECONDS = 1_209_600;

/**
 * The S3 events that wake the controller: a status record (a deployer reported) or a command (halt,
 * resume). Not the state object: the controller writes it itself, and waking on its own writes would
 * double the invocations for nothing (the schedule catches anything else within a minute).
 */
export interface ControllerEventPattern {
  readonly source: readonly ["aws.s3"];
  readonly "detail-type": readonly ["Object Created"];
  readonly detail: {
    readonly bucket: { readonly name: readonly [string] };
    readonly object: { readonly key: readonly [{ readonly prefix: string }, { readonly wildcard: string }] };
  };
}

export function controllerEventPattern(bucket: string): ControllerEventPattern {
  return {
    source: ["aws.s3"],
    "detail-type": ["Object Created"],
    detail: { bucket: { name: [bucket] }, object: { key: [{ prefix: "status/" }, { wildcard: "rollouts/*/commands/*" }] } },
  };
}

/** The controller's permissions, as typed data. */
export function controllerPolicy(config: FleetConfig): PolicyDocument {
  const c = config.central;
  const p = partitionOf(c.region);
  const b = c.artifactBucket;
  return policy(
    { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${arn.logGroup(p, c.region, c.accountId, CONTROLLER.logGroup)}:*` },
    { Sid: "OnFailureDestination", Effect: "Allow", Action: "sqs:SendMessage", Resource: arn.queue(p, c.region, c.accountId, CONTROLLER.failures) },
    { Sid: "ReadStatusAndRollouts", Effect: "Allow", Action: "s3:GetObject", Resource: [arn.objects(p, b, "status/*"), arn.objects(p, b, "rollouts/*")] },
    // Listing names keys, never contents. Without it S3 answers 403 instead of 404 for a status record not
    // written yet (the usual case while a tenant deploys), and the controller could not tell the two apart.
    { Sid: "ListKeys", Effect: "Allow", Action: "s3:ListBucket", Resource: arn.bucket(p, b) },
    { Sid: "WriteReleasesAndRollouts", Effect: "Allow", Action: "s3:PutObject", Resource: [arn.objects(p, b, "releases/*"), arn.objects(p, b, "rollouts/*")] },
  );
}

/**
 * What the pipe's uploader role needs beyond publishing, for `MODE: 'rollout'`: find what each tenant runs
 * (status records), create the rollout's state, and release wave 0's first tenants (releases/ it may already
 * write). Nothing in a tenant account, and no status record written.
 */
export function uploaderRolloutPolicy(config: FleetConfig): PolicyDocument {
  const c = config.central;
  const p = partitionOf(c.region);
  const b = c.artifactBucket;
  return policy(
    { Sid: "ReadStatusAndRollouts", Effect: "Allow", Action: "s3:GetObject", Resource: [arn.objects(p, b, "status/*"), arn.objects(p, b, "rollouts/*")] },
    { Sid: "ListStatusAndRollouts", Effect: "Allow", Action: "s3:ListBucket", Resource: arn.bucket(p, b), Condition: { StringLike: { "s3:prefix": ["status/*", "rollouts/*"] } } },
    { Sid: "WriteRollouts", Effect: "Allow", Action: "s3:PutObject", Resource: arn.objects(p, b, "rollouts/*") },
  );
}

export interface RolloutControllerProps {
  readonly config: FleetConfig;
  /** The pipe's uploader role (a token), which gets {@link uploaderRolloutPolicy}. */
  readonly uploaderRoleName: string;
  /** The zipped bundle (dist/lambdas/rollout_controller). */
  readonly zip: SharedFile;
}

export class RolloutController extends Construct {
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: RolloutControllerProps) {
    super(scope, id);
    const c = props.config.central;
    const p = partitionOf(c.region);
    const logGroup = new CloudwatchLogGroup(this, "logs", { name: CONTROLLER.logGroup, retentionInDays: 30 });
    const failures = new SqsQueue(this, "failures", { name: CONTROLLER.failures, sqsManagedSseEnabled: true, messageRetentionSeconds: QUEUE_RETENTION_SECONDS });
    const role = new IamRole(this, "role", { name: CONTROLLER.role, assumeRolePolicy: policyJson(serviceTrust("lambda.amazonaws.com", c.accountId)) });
    new IamRolePolicy(this, "role-policy", { name: "rollout-control", role: role.name, policy: policyJson(controllerPolicy(props.config)) });
    new IamRolePolicy(this, "uploader-policy", { name: "start-rollouts", role: props.uploaderRoleName, policy: policyJson(uploaderRolloutPolicy(props.config)) });
    this.function = new LambdaFunction(this, "function", {
      functionName: CONTROLLER.function,
      role: role.arn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: props.zip.terraformPath,
      sourceCodeHash: props.zip.sha256Base64,
      memorySize: CONTROLLER_MEMORY_MB,
      timeout: CONTROLLER_TIMEOUT_S,
      architectures: ["arm64"],
      environment: { variables: { FLEET_ARTIFACT_BUCKET: c.artifactBucket, FLEET_APP_NAME: props.config.app.name, NODE_OPTIONS: "--enable-source-maps" } },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      dependsOn: [logGroup],
    });
    new LambdaFunctionEventInvokeConfig(this, "async", { functionName: this.function.functionName, ...CONTROLLER_ASYNC, destinationConfig: { onFailure: { destination: failures.arn } } });

    const events = new CloudwatchEventRule(this, "events-rule", {
      name: CONTROLLER.eventsRule,
      eventBusName: "default",
      description: `Status records and rollout commands in ${c.artifactBucket} wake the rollout controller`,
      eventPattern: JSON.stringify(controllerEventPattern(c.artifactBucket)),
    });
    const schedule = new CloudwatchEventRule(this, "schedule-rule", {
      name: CONTROLLER.scheduleRule,
      description: "Timeouts, bakes and lost events: the rollout controller steps every minute",
      scheduleExpression: "rate(1 minute)",
    });
    const ruleArns = [CONTROLLER.eventsRule, CONTROLLER.scheduleRule].map((n) => arn.rule(p, c.region, c.accountId, n));
    new SqsQueuePolicy(this, "failures-policy", {
      queueUrl: failures.url,
      policy: policyJson(
        policy({
          Sid: "ControllerRuleDeadLetters",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: arn.queue(p, c.region, c.accountId, CONTROLLER.failures),
          Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
        }),
      ),
    });
    for (const [rule, name] of [[events, "events"], [schedule, "schedule"]] as const) {
      new LambdaPermission(this, `${name}-permission`, {
        statementId: `InvokeFrom-${name}`,
        action: "lambda:InvokeFunction",
        functionName: this.function.functionName,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      });
      new CloudwatchEventTarget(this, `${name}-target`, {
        rule: rule.name,
        targetId: "rollout-controller",
        arn: this.function.arn,
        retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 185 },
        deadLetterConfig: { arn: failures.arn },
      });
    }
  }
}
