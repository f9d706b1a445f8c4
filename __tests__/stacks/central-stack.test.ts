/** The central stack's intent: bucket settings, policy, uploader, forwarding rules. */
import { Testing } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import "cdktf/lib/testing/adapters/jest";
import { type SynthesizedFleet, resources, sampleFleet, single, synthFleet } from "./fixture";
import { parsePolicy } from "./policy-eval";

Testing.setupJest();

describe("Stack: central", () => {
  let fleet: SynthesizedFleet;
  let raw: string;
  beforeAll(() => {
    fleet = synthFleet(sampleFleet());
    raw = fleet.raw.get("central")!;
  });

  it("keeps the artifact bucket versioned, SSE-S3 encrypted, private, ACL-free, expiring old versions, with EventBridge on", () => {
    expect(raw).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(raw).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] });
    expect(raw).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(raw).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: "BucketOwnerEnforced" } });
    expect(raw).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 90 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] })],
    });
    expect(raw).toHaveResourceWithProperties(S3BucketNotification, { eventbridge: true });
  });

  it("requires conditional puts on artifacts/ and releases/ but not on status/, and TLS for everything", () => {
    const doc = parsePolicy(single(fleet.stacks.get("central"), "aws_s3_bucket_policy").policy);
    expect(doc.Statement.find((s) => s.Sid === "DenyUnconditionalPutsToImmutablePrefixes")).toEqual({
      Sid: "DenyUnconditionalPutsToImmutablePrefixes",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: ["arn:aws:s3:::acme-fleet-artifacts/artifacts/*", "arn:aws:s3:::acme-fleet-artifacts/releases/*"],
      Condition: { Null: { "s3:if-none-match": "true" }, Bool: { "s3:ObjectCreationOperation": "true" } },
    });
    expect(doc.Statement.find((s) => s.Sid === "DenyInsecureTransport")?.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
  });

  it("lets bravo's deployer read artifacts and its releases, list only its releases and write only its status", () => {
    const doc = parsePolicy(single(fleet.stacks.get("central"), "aws_s3_bucket_policy").policy);
    const bravo = doc.Statement.filter((s) => JSON.stringify(s.Condition ?? {}).includes("fleet-deployer-bravo"));
    const b = "arn:aws:s3:::acme-fleet-artifacts";
    const who = { "aws:PrincipalArn": "arn:aws:iam::123456789013:role/fleet-deployer-bravo" };
    expect(bravo).toEqual([
      { Effect: "Allow", Principal: "*", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: [`${b}/artifacts/*`, `${b}/releases/bravo/*`], Condition: { ArnEquals: who } },
      { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: b, Condition: { ArnEquals: who, StringLike: { "s3:prefix": "releases/bravo/*" } } },
      { Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: `${b}/status/bravo/*`, Condition: { ArnEquals: who } },
    ]);
  });

  it("trusts Bitbucket OIDC tokens of the workspace audience from the configured deployment environments only", () => {
    const issuer = "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc";
    expect(raw).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: `https://${issuer}`, client_id_list: ["ari:cloud:bitbucket::workspace/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"] });
    const uploader = Object.values(resources(fleet.stacks.get("central"), "aws_iam_role")).find((r) => r.name === "fleet-uploader")!;
    expect(parsePolicy(uploader.assume_role_policy).Statement[0]?.Condition).toEqual({
      StringEquals: { [`${issuer}:aud`]: "ari:cloud:bitbucket::workspace/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f" },
      StringLike: { [`${issuer}:sub`]: ["{0f6e2a9c-1b77-4c3e-9d11-5b1c2f0e7a1d}:{3c9a7e21-5d4b-4f6a-8b2c-1e0d9f8a7b6c}:*"] },
    });
  });

  it("forwards exactly bravo's releases to bravo's inbound bus, with a role, a 24 h retry and a DLQ", () => {
    const rule = Object.values(resources(fleet.stacks.get("central"), "aws_cloudwatch_event_rule")).find((r) => r.name === "fleet-forward-bravo")!;
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      detail: { bucket: { name: ["acme-fleet-artifacts"] }, object: { key: [{ prefix: "releases/bravo/" }] } },
    });
    expect(raw).toHaveResourceWithProperties(CloudwatchEventRule, { name: "fleet-forward-bravo", event_bus_name: "default" });
    expect(raw).toHaveResourceWithProperties(CloudwatchEventTarget, {
      arn: "arn:aws:events:eu-central-1:123456789013:event-bus/fleet-inbound",
      role_arn: "${aws_iam_role.forwarder-role.arn}",
      retry_policy: { maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 },
      dead_letter_config: { arn: "${aws_sqs_queue.forward-bravo-dlq.arn}" },
    });
    expect(raw).toHaveResourceWithProperties(SqsQueue, { name: "fleet-forward-dlq-bravo", sqs_managed_sse_enabled: true });
  });

  it("lets only bravo's forwarding rule send to bravo's DLQ", () => {
    const policy = Object.values(resources(fleet.stacks.get("central"), "aws_sqs_queue_policy")).find((p) => p.queue_url === "${aws_sqs_queue.forward-bravo-dlq.url}")!;
    expect(parsePolicy(policy.policy).Statement).toEqual([
      {
        Sid: "ForwardRuleDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: "arn:aws:sqs:eu-west-1:210987654321:fleet-forward-dlq-bravo",
        Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-west-1:210987654321:rule/fleet-forward-bravo" } },
      },
    ]);
  });

  it("lets the forwarder put events on the exact tenant bus ARNs only", () => {
    const docs = Object.values(resources(fleet.stacks.get("central"), "aws_iam_policy")).map((p) => parsePolicy(p.policy));
    expect(docs.flatMap((d) => d.Statement)).toEqual([
      {
        Sid: "ForwardToTenantInboundBuses",
        Effect: "Allow",
        Action: "events:PutEvents",
        Resource: [
          "arn:aws:events:eu-west-1:012345678901:event-bus/fleet-inbound",
          "arn:aws:events:eu-central-1:123456789013:event-bus/fleet-inbound",
          "arn:aws:events:eu-west-1:234567890124:event-bus/fleet-inbound",
        ],
      },
    ]);
  });
});
