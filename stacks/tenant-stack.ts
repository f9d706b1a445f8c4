/**
 * `tenant-<env>`: the plumbing in one tenant account (event in, deploy out): the `fleet-inbound` bus that
 * only the central forwarder may write to, the rule that invokes the `assets_tracker` Lambda, and the
 * environment's CodeBuild deploy project with the deployer it runs.
 */
import type { Construct } from "constructs";
import { CloudwatchEventBus } from "@cdktf/provider-aws/lib/cloudwatch-event-bus";
import { CloudwatchEventBusPolicy } from "@cdktf/provider-aws/lib/cloudwatch-event-bus-policy";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { BUILD_VAR } from "../core/build-variables";
import type { FleetConfig } from "../core/config/schema";
import { healthVariables } from "../core/health";
import type { FleetAssets } from "./assets";
import { FleetStack, configureStack } from "./base";
import { deployerBuildspecYaml } from "./buildspec";
import { objectCreatedPattern } from "./event-patterns";
import { policy, policyJson, serviceTrust } from "./iam";
import {
  type EnvFacts,
  NAMES,
  arn,
  deployProjectName,
  deployedVersionParameterName,
  deployerBucketName,
  deployerRoleName,
  tenantStackId,
  workloadBoundaryName,
  workloadRoleName,
} from "./names";
import { SecureBucket } from "./secure-bucket";
import {
  deployerPolicy,
  inboundBusPolicy,
  ruleDlqPolicy,
  trackerPolicy,
  trackerRuleArn,
  workloadBoundary,
  workloadPolicy,
  workloadRoleTrust,
} from "./tenant-policies";

/**
 * Lambda sizing: the handler parses one event and makes one StartBuild call (~100–300 ms of network). 256 MB
 * is not for memory (it uses ~80 MB) but for CPU: Lambda allots CPU in proportion to memory, and 256 MB
 * halves the cold start of the bundled SDK compared with 128 MB, at a cost that rounds to nothing at a few
 * invocations per release. 30 s covers the SDK's own retries with backoff on a throttled StartBuild.
 */
export const TRACKER_MEMORY_MB = 256;
export const TRACKER_TIMEOUT_S = 30;
/**
 * Async invoke: 2 retries (the maximum; Lambda waits ~1 then ~2 minutes) absorb "build already running" and
 * throttling, then the event goes to the failures queue for replay. Events older than 1 h are not retried:
 * a deploy starting hours after its release was written would surprise its operator more than a replayable
 * message in the failures queue.
 */
export const TRACKER_ASYNC = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } as const;
/** Rule → Lambda: Lambda accepts asynchronous invokes at once; retries here only cover invoke throttling. */
export const TRACKER_TARGET_RETRY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 } as const;
export const LOG_RETENTION_DAYS = 30;
const QUEUE_RETENTION_SECONDS = 1_209_600;

export interface TenantStackProps {
  readonly config: FleetConfig;
  readonly facts: EnvFacts;
  readonly assets: FleetAssets;
}

export class TenantStack extends FleetStack {
  constructor(scope: Construct, props: TenantStackProps) {
    const { config, facts: e, assets } = props;
    const id = tenantStackId(e.name);
    super(scope, id);
    const c = config.central;
    configureStack(
      this,
      id,
      config,
      { account: e.account, region: e.region, roleName: NAMES.provisionerRole, environment: e.name, tags: e.env.tags },
      { roleName: NAMES.stateAdminRole },
    );

    // --- Inbound bus: only the central forwarding rule of this environment may put events ---------------
    const bus = new CloudwatchEventBus(this, "inbound-bus", { name: NAMES.inboundBus });
    new CloudwatchEventBusPolicy(this, "inbound-bus-policy", { eventBusName: bus.name, policy: policyJson(inboundBusPolicy(config, e)) });

    const ruleArn = trackerRuleArn(e);
    const rule = new CloudwatchEventRule(this, "tracker-rule", {
      name: NAMES.trackerRule,
      eventBusName: bus.name,
      description: `Releases of ${c.artifactBucket}/${e.releasesPrefix} forwarded from the central account`,
      // Forwarded events keep account = central and source = aws.s3: pin both, the bucket and the prefix.
      eventPattern: JSON.stringify(objectCreatedPattern(c.artifactBucket, e.releasesPrefix, c.accountId)),
    });
    const inboundDlq = new SqsQueue(this, "inbound-dlq", { name: NAMES.inboundDlq, sqsManagedSseEnabled: true, messageRetentionSeconds: QUEUE_RETENTION_SECONDS });
    new SqsQueuePolicy(this, "inbound-dlq-policy", {
      queueUrl: inboundDlq.url,
      policy: policyJson(ruleDlqPolicy(arn.queue(e.partition, e.region, e.account, NAMES.inboundDlq), ruleArn)),
    });

    // --- assets_tracker Lambda -------------------------------------------------------------------------------
    const logGroup = new CloudwatchLogGroup(this, "tracker-logs", { name: NAMES.trackerLogGroup, retentionInDays: LOG_RETENTION_DAYS });
    const failures = new SqsQueue(this, "tracker-failures", { name: NAMES.trackerFailures, sqsManagedSseEnabled: true, messageRetentionSeconds: QUEUE_RETENTION_SECONDS });
    const trackerRole = new IamRole(this, "tracker-role", { name: NAMES.trackerRole, assumeRolePolicy: policyJson(serviceTrust("lambda.amazonaws.com", e.account)) });
    new IamRolePolicy(this, "tracker-role-policy", { name: "start-deploy", role: trackerRole.name, policy: policyJson(trackerPolicy(e)) });
    const projectName = deployProjectName(e.name);
    const tracker = new LambdaFunction(this, "tracker", {
      functionName: NAMES.trackerFunction,
      role: trackerRole.arn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: assets.trackerZip.terraformPath,
      sourceCodeHash: assets.trackerZip.sha256Base64,
      memorySize: TRACKER_MEMORY_MB,
      timeout: TRACKER_TIMEOUT_S,
      architectures: ["arm64"],
      environment: {
        variables: {
          [BUILD_VAR.environment]: e.name,
          [BUILD_VAR.artifactBucket]: c.artifactBucket,
          [BUILD_VAR.centralAccountId]: c.accountId,
          [BUILD_VAR.codeBuildProject]: projectName,
          // The fleet's one app: releases of any other app are dropped here and refused by the deployer.
          [BUILD_VAR.appName]: config.app.name,
          NODE_OPTIONS: "--enable-source-maps",
        },
      },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      dependsOn: [logGroup],
    });
    new LambdaPermission(this, "tracker-permission", {
      statementId: "InvokeFromInboundRule",
      action: "lambda:InvokeFunction",
      functionName: tracker.functionName,
      principal: "events.amazonaws.com",
      sourceArn: ruleArn,
    });
    new LambdaFunctionEventInvokeConfig(this, "tracker-async", {
      functionName: tracker.functionName,
      ...TRACKER_ASYNC,
      destinationConfig: { onFailure: { destination: failures.arn } },
    });
    new CloudwatchEventTarget(this, "tracker-target", {
      rule: rule.name,
      eventBusName: bus.name,
      targetId: "assets-tracker",
      arn: tracker.arn,
      retryPolicy: TRACKER_TARGET_RETRY,
      deadLetterConfig: { arn: inboundDlq.arn },
    });

    // --- Deployer bundle (ships with the plumbing; see buildspec.ts for why) --------------------------------
    // Not versioned: the bundle's key is its SHA-256, so an object is never rewritten.
    const deployerBucket = new SecureBucket(this, "deployer-bucket", { name: deployerBucketName(e.account, e.region), versioned: false });
    new S3BucketPolicy(this, "deployer-bucket-policy", {
      bucket: deployerBucket.bucket.id,
      policy: policyJson(
        policy({
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn.bucket(e.partition, deployerBucketName(e.account, e.region)), arn.objects(e.partition, deployerBucketName(e.account, e.region), "*")],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      ),
      dependsOn: [deployerBucket.publicAccessBlock],
    });
    // Content-addressed key: a new bundle is a new object, so a running build never sees its file change.
    const deployerKey = `deployer/${assets.deployerJs.sha256Hex}/deployer.js`;
    new S3Object(this, "deployer-object", {
      bucket: deployerBucket.bucket.id,
      key: deployerKey,
      source: assets.deployerJs.terraformPath,
      sourceHash: assets.deployerJs.sha256Hex,
      contentType: "text/javascript",
    });

    // --- CodeBuild deploy project ---------------------------------------------------------------------------
    const buildLogGroupName = `/aws/codebuild/${projectName}`;
    new CloudwatchLogGroup(this, "deploy-logs", { name: buildLogGroupName, retentionInDays: LOG_RETENTION_DAYS });
    const deployerRole = new IamRole(this, "deployer-role", {
      name: deployerRoleName(e.name),
      assumeRolePolicy: policyJson(serviceTrust("codebuild.amazonaws.com", e.account, arn.project(e.partition, e.region, e.account, projectName))),
      // Read by the central bucket policy in organization mode (central-policies.ts).
      tags: { [NAMES.environmentTagKey]: e.name },
    });
    new IamRolePolicy(this, "deployer-role-policy", {
      name: "deploy",
      role: deployerRole.name,
      policy: policyJson(deployerPolicy(config, e, { bucket: deployerBucketName(e.account, e.region), key: deployerKey }, buildLogGroupName)),
    });
    const parameterName = deployedVersionParameterName(e.name, config.app.name);
    new SsmParameter(this, "deployed-version", {
      name: parameterName,
      type: "String",
      value: "0.0.0",
      description: `Version of ${config.app.name} deployed in ${e.name}; written only by ${deployerRoleName(e.name)}`,
      // The deployer owns the value after creation.
      lifecycle: { ignoreChanges: ["value"] },
    });
    const cb = config.defaults.codebuild;
    new CodebuildProject(this, "deploy-project", {
      name: projectName,
      description: `Deploys releases of ${config.app.name} to ${e.name}`,
      serviceRole: deployerRole.arn,
      // The project refuses a second build while one runs (the Lambda retries): one deploy at a time.
      concurrentBuildLimit: 1,
      buildTimeout: cb.timeoutMinutes,
      artifacts: { type: "NO_ARTIFACTS" },
      source: {
        type: "NO_SOURCE",
        buildspec: deployerBuildspecYaml({ deployerBucket: deployerBucketName(e.account, e.region), deployerKey, deployerSha256: assets.deployerJs.sha256Hex }),
      },
      environment: {
        type: "LINUX_CONTAINER",
        computeType: cb.computeType,
        image: cb.image,
        imagePullCredentialsType: "CODEBUILD",
        environmentVariable: [
          { name: BUILD_VAR.environment, value: e.name },
          { name: BUILD_VAR.appName, value: config.app.name },
          { name: BUILD_VAR.artifactBucket, value: c.artifactBucket },
          { name: BUILD_VAR.centralRegion, value: c.region },
          { name: BUILD_VAR.stateBucket, value: c.stateBucket },
          { name: BUILD_VAR.stateRegion, value: c.region },
          { name: BUILD_VAR.hold, value: e.env.hold ? "true" : "false" },
          { name: BUILD_VAR.deployedVersionParameter, value: parameterName },
          // The alarms the deployer watches after each apply, and the bake (none without `health:`).
          ...healthVariables(e.env.health),
        ].map((v) => ({ ...v, type: "PLAINTEXT" })),
      },
      logsConfig: { cloudwatchLogs: { groupName: buildLogGroupName, status: "ENABLED" } },
    });

    // --- Workload role: what the workload stack's provider assumes ------------------------------------------
    new IamPolicy(this, "workload-boundary", { name: workloadBoundaryName(e.name), policy: policyJson(workloadBoundary(config, e)) });
    const workloadRole = new IamRole(this, "workload-role", { name: workloadRoleName(e.name), assumeRolePolicy: policyJson(workloadRoleTrust(e)) });
    new IamRolePolicy(this, "workload-role-policy", { name: "workload", role: workloadRole.name, policy: policyJson(workloadPolicy(config, e)) });
  }
}
