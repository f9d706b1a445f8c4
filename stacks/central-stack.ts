/**
 * `central`: the artifact bucket and its policy, the Bitbucket OIDC uploader, and one forwarding rule per
 * environment from the default bus to that tenant's `fleet-inbound` bus; and the rollout controller
 * (stacks/rollout-controller.ts).
 */
import { Annotations } from "cdktf";
import type { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import type { FleetConfig } from "../core/config/schema";
import { FleetStack, configureStack } from "./base";
import { addCentralOutputs } from "./central-outputs";
import { SecureBucket } from "./secure-bucket";
import type { SharedFile } from "./assets";
import { RolloutController } from "./rollout-controller";
import {
  type BucketPolicyChoice,
  chooseBucketPolicy,
  forwarderPolicies,
  stateRolePolicy,
  stateRoleTrust,
  REVIEWER_ROLE,
  reviewerPolicy,
  reviewerTrust,
  uploaderPolicy,
  uploaderTrust,
} from "./central-policies";
import { objectCreatedPattern } from "./event-patterns";
import { policy, policyJson, serviceTrust, terraformPolicyJson } from "./iam";
import {
  type EnvFacts,
  NAMES,
  arn,
  bitbucketAudience,
  bitbucketIssuer,
  centralStackId,
  forwardDlqName,
  forwardRuleName,
  partitionOf,
  stateRoleName,
  workloadStackId,
} from "./names";
import { type Verdict, bucketPolicySize, eventPatternSize, managedPoliciesOnRole, rulesOnBus, targetsOnRule } from "./quotas";
import { QuotaError } from "./errors";

/**
 * Forwarding retry: EventBridge's maximum (24 h, 185 attempts). A tenant bus that is briefly unavailable
 * (a region incident, a policy being redeployed) must not lose a release; after 24 h the DLQ keeps it.
 */
export const FORWARD_RETRY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 } as const;
/** DLQ messages are kept 14 days (the SQS maximum), time to notice and replay them. */
const DLQ_RETENTION_SECONDS = 1_209_600;

export interface CentralStackProps {
  readonly config: FleetConfig;
  /** Every environment of the fleet (central always serves all of them, whatever `only` says). */
  readonly envs: readonly EnvFacts[];
  /** The rollout controller's zipped bundle (stacks/rollout-controller.ts). */
  readonly controllerZip: SharedFile;
}

export class CentralStack extends FleetStack {
  readonly bucketPolicy: BucketPolicyChoice;

  constructor(scope: Construct, props: CentralStackProps) {
    super(scope, centralStackId);
    const { config, envs } = props;
    const c = config.central;
    const p = partitionOf(c.region);
    configureStack(this, centralStackId, config, { account: c.accountId, region: c.region, roleName: NAMES.provisionerRole, environment: "central" }, { roleName: NAMES.stateAdminRole });

    // --- Artifact bucket -----------------------------------------------------------------------------------
    const artifacts = new SecureBucket(this, "artifacts", { name: c.artifactBucket });
    this.bucketPolicy = chooseBucketPolicy(config, envs);
    new S3BucketPolicy(this, "artifacts-policy", {
      bucket: artifacts.bucket.id,
      policy: terraformPolicyJson(this.bucketPolicy.document),
      // S3 rejects a policy naming a principal while public access settings are still being applied.
      dependsOn: [artifacts.publicAccessBlock],
    });
    if (this.bucketPolicy.note !== undefined) Annotations.of(this).addWarning(this.bucketPolicy.note);
    this.report(bucketPolicySize(c.artifactBucket, this.bucketPolicy.bytes));
    // All S3 events of the bucket go to the central default bus; the rules below pick releases/<env>/.
    new S3BucketNotification(this, "artifacts-eventbridge", { bucket: artifacts.bucket.id, eventbridge: true });

    // --- Uploader (Bitbucket OIDC) -----------------------------------------------------------------------
    const oidc = new IamOpenidConnectProvider(this, "bitbucket-oidc", {
      url: `https://${bitbucketIssuer(c.bitbucket.workspace)}`,
      clientIdList: [bitbucketAudience(c.bitbucket.workspaceUuid)],
    });
    const uploader = new IamRole(this, "uploader-role", {
      name: NAMES.uploaderRole,
      assumeRolePolicy: policyJson(uploaderTrust(config)),
      maxSessionDuration: 3600,
    });
    new IamRolePolicy(this, "uploader-policy", { name: "publish", role: uploader.name, policy: policyJson(uploaderPolicy(config)) });
    // Review steps (pull requests) get their own role: they read artifacts and status, and cannot release.
    const reviewer = new IamRole(this, "reviewer-role", {
      name: REVIEWER_ROLE,
      assumeRolePolicy: policyJson(reviewerTrust(config)),
      maxSessionDuration: 3600,
    });
    new IamRolePolicy(this, "reviewer-policy", { name: "read", role: reviewer.name, policy: policyJson(reviewerPolicy(config)) });

    // --- Forwarder role ----------------------------------------------------------------------------------
    const forwarder = new IamRole(this, "forwarder-role", {
      name: NAMES.forwarderRole,
      // Trust: EventBridge acting for this account's fleet-forward-* rules only (one pattern, not 1,000 ARNs:
      // a trust policy holds at most 4,096 characters).
      assumeRolePolicy: policyJson(serviceTrust("events.amazonaws.com", c.accountId, arn.rule(p, c.region, c.accountId, "fleet-forward-*"))),
    });
    const forwardDocs = forwarderPolicies(envs);
    forwardDocs.forEach((doc, i) => {
      // Chunks of ≤ 6,144 characters; ids by chunk number, which is stable while environments keep their order.
      const managed = new IamPolicy(this, `forwarder-policy-${i + 1}`, { name: `${NAMES.forwarderRole}-${i + 1}`, policy: policyJson(doc) });
      new IamRolePolicyAttachment(this, `forwarder-policy-${i + 1}-attachment`, { role: forwarder.name, policyArn: managed.arn });
    });
    this.report(managedPoliciesOnRole(NAMES.forwarderRole, forwardDocs.length));

    // --- One forwarding rule per environment ---------------------------------------------------------------
    this.report(rulesOnBus("default (central)", envs.length));
    for (const e of envs) this.forwardRule(config, e, forwarder.arn);

    // --- Rollout control (stacks/rollout-controller.ts) -----------------------------------------------------
    new RolloutController(this, "rollout-controller", { config, zip: props.controllerZip, uploaderRoleName: uploader.name });

    // --- Per-environment state role for the workload backend (see central-policies.ts) ---------------------
    for (const e of envs) {
      const role = new IamRole(this, `state-role-${e.name}`, { name: stateRoleName(e.name), assumeRolePolicy: policyJson(stateRoleTrust(e)) });
      new IamRolePolicy(this, `state-role-${e.name}-policy`, { name: "workload-state", role: role.name, policy: policyJson(stateRolePolicy(config, workloadStackId(e.name))) });
    }

    addCentralOutputs(this, { uploaderRoleArn: uploader.arn, reviewerRoleArn: reviewer.arn, oidcProviderArn: oidc.arn, bucketName: artifacts.bucket.bucket, bucketArn: artifacts.bucket.arn, region: c.region, envs });
  }

  private forwardRule(config: FleetConfig, e: EnvFacts, forwarderArn: string): void {
    const c = config.central;
    const p = partitionOf(c.region);
    const ruleName = forwardRuleName(e.name);
    const pattern = JSON.stringify(objectCreatedPattern(c.artifactBucket, e.releasesPrefix));
    this.report(eventPatternSize(ruleName, pattern.length));
    const rule = new CloudwatchEventRule(this, `forward-${e.name}`, {
      name: ruleName,
      description: `Forwards ${e.releasesPrefix} releases of ${c.artifactBucket} to ${e.busArn}`,
      eventBusName: "default",
      eventPattern: pattern,
    });
    const dlqName = forwardDlqName(e.name);
    const dlq = new SqsQueue(this, `forward-${e.name}-dlq`, { name: dlqName, sqsManagedSseEnabled: true, messageRetentionSeconds: DLQ_RETENTION_SECONDS });
    new SqsQueuePolicy(this, `forward-${e.name}-dlq-policy`, {
      queueUrl: dlq.url,
      policy: policyJson(
        policy({
          Sid: "ForwardRuleDeadLetters",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: arn.queue(p, c.region, c.accountId, dlqName),
          Condition: { ArnEquals: { "aws:SourceArn": e.forwardRuleArn } },
        }),
      ),
    });
    new CloudwatchEventTarget(this, `forward-${e.name}-target`, {
      rule: rule.name,
      eventBusName: "default",
      targetId: "tenant-inbound-bus",
      arn: e.busArn,
      roleArn: forwarderArn,
      retryPolicy: FORWARD_RETRY,
      deadLetterConfig: { arn: dlq.arn },
    });
    this.report(targetsOnRule(ruleName, 1));
  }

  private report(v: Verdict): void {
    if (v.level === "warn") Annotations.of(this).addWarning(v.message);
    if (v.level === "error") throw new QuotaError(v.message);
  }
}
