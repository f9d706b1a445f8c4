/** The tenant stack's intent: inbound bus, tracker Lambda wiring, deploy project and roles. */
import { Testing } from "cdktf";
import { parse } from "yaml";
import { CloudwatchEventBusPolicy } from "@cdktf/provider-aws/lib/cloudwatch-event-bus-policy";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import "cdktf/lib/testing/adapters/jest";
import { TERRAFORM } from "../../stacks/buildspec";
import { type StackJson, type SynthesizedFleet, resources, sampleFleet, single, synthFleet, testAssets } from "./fixture";
import { parsePolicy } from "./policy-eval";

Testing.setupJest();

describe("Stack: tenant-<env>", () => {
  let fleet: SynthesizedFleet;
  let raw: string;
  let bravo: StackJson;
  beforeAll(() => {
    fleet = synthFleet(sampleFleet());
    raw = fleet.raw.get("tenant-bravo")!;
    bravo = fleet.stacks.get("tenant-bravo")!;
  });

  it("accepts events on fleet-inbound only from the central account through bravo's forwarding rule", () => {
    expect(raw).toHaveResourceWithProperties(CloudwatchEventBusPolicy, {
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "FromCentralForwardRuleOnly",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::210987654321:root" },
            Action: "events:PutEvents",
            Resource: "arn:aws:events:eu-central-1:123456789013:event-bus/fleet-inbound",
            Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-west-1:210987654321:rule/fleet-forward-bravo" } },
          },
        ],
      }),
    });
  });

  it("matches only Object Created events of the central account's bucket under releases/bravo/", () => {
    const rule = single(bravo, "aws_cloudwatch_event_rule");
    expect(rule.name).toBe("fleet-assets-tracker");
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      account: ["210987654321"],
      detail: { bucket: { name: ["acme-fleet-artifacts"] }, object: { key: [{ prefix: "releases/bravo/" }] } },
    });
  });

  it("runs the bundled tracker on nodejs22.x with source maps and its configuration", () => {
    expect(raw).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "fleet-assets-tracker",
      runtime: "nodejs22.x",
      handler: "index.handler",
      memory_size: 256,
      timeout: 30,
      filename: testAssets().trackerZip.terraformPath,
      source_code_hash: testAssets().trackerZip.sha256Base64,
      environment: {
        variables: {
          FLEET_ENVIRONMENT: "bravo",
          FLEET_ARTIFACT_BUCKET: "acme-fleet-artifacts",
          FLEET_CENTRAL_ACCOUNT_ID: "210987654321",
          FLEET_CODEBUILD_PROJECT: "fleet-deploy-bravo",
          FLEET_APP_NAME: "payments-api",
          NODE_OPTIONS: "--enable-source-maps",
        },
      },
    });
    expect(raw).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/lambda/fleet-assets-tracker", retention_in_days: 30 });
  });

  it("lets only the tenant rule invoke it, retries twice within an hour, then keeps the event in the failures queue", () => {
    expect(raw).toHaveResourceWithProperties(LambdaPermission, {
      principal: "events.amazonaws.com",
      action: "lambda:InvokeFunction",
      source_arn: "arn:aws:events:eu-central-1:123456789013:rule/fleet-inbound/fleet-assets-tracker",
    });
    expect(raw).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 3600,
      destination_config: { on_failure: { destination: "${aws_sqs_queue.tracker-failures.arn}" } },
    });
    expect(raw).toHaveResourceWithProperties(CloudwatchEventTarget, {
      arn: "${aws_lambda_function.tracker.arn}",
      dead_letter_config: { arn: "${aws_sqs_queue.inbound-dlq.arn}" },
      retry_policy: { maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 },
    });
    const dlqPolicy = Object.values(resources(bravo, "aws_sqs_queue_policy")).map((p) => parsePolicy(p.policy).Statement[0]);
    expect(dlqPolicy).toEqual([expect.objectContaining({ Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-central-1:123456789013:rule/fleet-inbound/fleet-assets-tracker" } } })]);
  });

  it("lets the tracker start only bravo's project, and never with a buildspec override", () => {
    const trackerPolicy = Object.values(resources(bravo, "aws_iam_role_policy")).find((p) => p.role === "${aws_iam_role.tracker-role.name}")!;
    const project = "arn:aws:codebuild:eu-central-1:123456789013:project/fleet-deploy-bravo";
    expect(parsePolicy(trackerPolicy.policy).Statement.filter((s) => String(s.Action).startsWith("codebuild:"))).toEqual([
      { Sid: "StartThisEnvironmentsDeploy", Effect: "Allow", Action: "codebuild:StartBuild", Resource: project },
      { Sid: "DenyBuildspecOverride", Effect: "Deny", Action: "codebuild:StartBuild", Resource: project, Condition: { Null: { "codebuild:source.buildspec": "false" } } },
    ]);
  });

  it("runs one deploy at a time with the project settings the deployer reads", () => {
    expect(raw).toHaveResourceWithProperties(CodebuildProject, { name: "fleet-deploy-bravo", concurrent_build_limit: 1, build_timeout: 60 });
    const project = single(bravo, "aws_codebuild_project") as { environment: Record<string, unknown> };
    expect(project.environment).toMatchObject({
        compute_type: "BUILD_GENERAL1_SMALL",
        image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        environment_variable: [
          { name: "FLEET_ENVIRONMENT", value: "bravo", type: "PLAINTEXT" },
          { name: "FLEET_APP_NAME", value: "payments-api", type: "PLAINTEXT" },
          { name: "FLEET_ARTIFACT_BUCKET", value: "acme-fleet-artifacts", type: "PLAINTEXT" },
          { name: "FLEET_CENTRAL_REGION", value: "eu-west-1", type: "PLAINTEXT" },
          { name: "FLEET_STATE_BUCKET", value: "acme-fleet-tfstate", type: "PLAINTEXT" },
          { name: "FLEET_STATE_REGION", value: "eu-west-1", type: "PLAINTEXT" },
          { name: "FLEET_HOLD", value: "false", type: "PLAINTEXT" },
          { name: "FLEET_DEPLOYED_VERSION_PARAMETER", value: "/fleet/bravo/payments-api/deployed-version", type: "PLAINTEXT" },
        ],
    });
  });

  it("generates a buildspec that verifies terraform and the deployer by SHA-256 before running it", () => {
    const project = single(bravo, "aws_codebuild_project") as { source: { type: string; buildspec: string } };
    expect(project.source.type).toBe("NO_SOURCE");
    const spec = parse(project.source.buildspec) as { phases: { install: { commands: string[] }; build: { commands: string[] } } };
    const install = spec.phases.install.commands;
    expect(install).toContain(`curl -fsSL --retry 3 -o /tmp/fleet-tools/terraform.zip ${TERRAFORM.url}`);
    expect(install).toContain(`echo "${TERRAFORM.zipSha256}  /tmp/fleet-tools/terraform.zip" | sha256sum --check --strict -`);
    expect(install).toContain(`echo "${TERRAFORM.binarySha256}  /tmp/fleet-tools/bin/terraform" | sha256sum --check --strict -`);
    const sha = testAssets().deployerJs.sha256Hex;
    const object = single(bravo, "aws_s3_object");
    expect(object.key).toBe(`deployer/${sha}/deployer.js`);
    expect(spec.phases.build.commands).toEqual([
      `aws s3api get-object --bucket fleet-deployer-123456789013-eu-central-1 --key deployer/${sha}/deployer.js /tmp/fleet-tools/deployer.js > /dev/null`,
      `echo "${sha}  /tmp/fleet-tools/deployer.js" | sha256sum --check --strict -`,
      `PATH="/tmp/fleet-tools/bin:$PATH" node /tmp/fleet-tools/deployer.js`,
    ]);
    // Each step only after the previous one was verified.
    expect(install.findIndex((c) => c.includes(TERRAFORM.zipSha256))).toBeLessThan(install.findIndex((c) => c.startsWith("unzip")));
  });

  it("creates the deployed-version parameter at 0.0.0 and leaves its value to the deployer", () => {
    expect(raw).toHaveResourceWithProperties(SsmParameter, { name: "/fleet/bravo/payments-api/deployed-version", type: "String", value: "0.0.0", lifecycle: { ignore_changes: ["value"] } });
  });

  it("trusts CodeBuild for the deployer role only on behalf of bravo's project in bravo's account", () => {
    const role = Object.values(resources(bravo, "aws_iam_role")).find((r) => r.name === "fleet-deployer-bravo")!;
    expect(parsePolicy(role.assume_role_policy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "codebuild.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789013" }, ArnLike: { "aws:SourceArn": "arn:aws:codebuild:eu-central-1:123456789013:project/fleet-deploy-bravo" } },
      },
    ]);
    expect(role.tags).toEqual({ "fleet-environment": "bravo" });
  });
});
