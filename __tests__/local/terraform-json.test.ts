import { join } from "node:path";
import { renderPolicyDocument } from "../../cli/local/terraform-computed";
import { listResources, readStack } from "../../cli/local/terraform-json";
import { Resolver, splitTemplate } from "../../cli/local/terraform-resolver";
import { removeDir, tempDir, writeTree } from "../helpers/fs";

const STACK = {
  provider: {
    aws: [{ region: "eu-central-1", allowed_account_ids: ["123456789013"], assume_role: [{ role_arn: "arn:aws:iam::123456789013:role/fleet-provisioner" }] }],
  },
  data: {
    aws_iam_policy_document: {
      bus_policy: {
        statement: [
          {
            sid: "FromCentral",
            effect: "Allow",
            actions: ["events:PutEvents"],
            resources: ["${aws_cloudwatch_event_bus.inbound.arn}"],
            principals: [{ type: "AWS", identifiers: ["arn:aws:iam::210987654321:role/fleet-forwarder"] }],
            condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["210987654321"] }],
          },
        ],
      },
    },
  },
  resource: {
    aws_cloudwatch_event_bus: { inbound: { name: "fleet-inbound" } },
    aws_cloudwatch_event_rule: { tracker: { name: "fleet-assets-tracker", event_bus_name: "${aws_cloudwatch_event_bus.inbound.name}", event_pattern: '{"account":["210987654321"]}' } },
    aws_sqs_queue: { dlq: { name: "fleet-inbound-dlq" } },
    aws_cloudwatch_event_target: {
      tracker: {
        rule: "${aws_cloudwatch_event_rule.tracker.name}",
        event_bus_name: "${aws_cloudwatch_event_bus.inbound.name}",
        arn: "${aws_lambda_function.tracker.arn}",
        dead_letter_config: { arn: "${aws_sqs_queue.dlq.arn}" },
        input_path: "$${literal}",
      },
    },
    aws_lambda_function: { tracker: { function_name: "fleet-assets-tracker" } },
    aws_cloudwatch_event_bus_policy: { inbound: { event_bus_name: "${aws_cloudwatch_event_bus.inbound.name}", policy: "${data.aws_iam_policy_document.bus_policy.json}" } },
    aws_ssm_parameter: { deployed: { name: "/fleet/bravo/payments-api/deployed-version", value: "0.0.0", description: "on ${aws_cloudwatch_event_bus.inbound.arn} bus" } },
    aws_sns_topic: { broken: { name: "x", policy: "${aws_sqs_queue.nope.arn}" } },
    aws_s3_bucket: { fn: { bucket: "${upper(aws_sqs_queue.dlq.name)}" } },
  },
};

describe("Synthesized stack reader", () => {
  let dir: string;
  let resolver: Resolver;
  let resources: ReturnType<typeof listResources>;

  beforeAll(() => {
    dir = tempDir("fleet-tfjson-");
    writeTree(dir, { "tenant-bravo/cdk.tf.json": JSON.stringify(STACK) });
    const stack = readStack("tenant-bravo", join(dir, "tenant-bravo/cdk.tf.json"));
    resources = listResources(stack);
    resolver = new Resolver(stack, resources);
  });

  afterAll(() => removeDir(dir));

  const get = (address: string) => resources.find((r) => r.address === address)!;

  it("places every resource in its provider's account and region", () => {
    // Assess
    expect(get("aws_sqs_queue.dlq").placement).toEqual({ account: "123456789013", region: "eu-central-1" });
  });

  it("resolves references to arguments and to computed ARNs, keeping $${ as a literal", () => {
    // Act
    const target = resolver.config(get("aws_cloudwatch_event_target.tracker"));

    // Assess
    expect(target).toEqual({
      rule: "fleet-assets-tracker",
      event_bus_name: "fleet-inbound",
      arn: "arn:aws:lambda:eu-central-1:123456789013:function:fleet-assets-tracker",
      dead_letter_config: { arn: "arn:aws:sqs:eu-central-1:123456789013:fleet-inbound-dlq" },
      input_path: "${literal}",
    });
    expect(resolver.attribute(get("aws_cloudwatch_event_rule.tracker"), "arn")).toBe("arn:aws:events:eu-central-1:123456789013:rule/fleet-inbound/fleet-assets-tracker");
  });

  it("interpolates references inside longer strings", () => {
    // Act
    const param = resolver.config(get("aws_ssm_parameter.deployed"));

    // Assess
    expect(param.description).toBe("on arn:aws:events:eu-central-1:123456789013:event-bus/fleet-inbound bus");
  });

  it("renders an IAM policy document data source to IAM JSON", () => {
    // Act
    const policy = resolver.config(get("aws_cloudwatch_event_bus_policy.inbound")).policy as string;

    // Assess
    expect(JSON.parse(policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "FromCentral",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::210987654321:role/fleet-forwarder" },
          Action: "events:PutEvents",
          Resource: "arn:aws:events:eu-central-1:123456789013:event-bus/fleet-inbound",
          Condition: { StringEquals: { "aws:SourceAccount": "210987654321" } },
        },
      ],
    });
    expect(renderPolicyDocument({ statement: [{ actions: ["s3:GetObject"], principals: [{ type: "*", identifiers: ["*"] }] }] })).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}',
    );
  });

  it("names the stack, resource and expression when a reference points at nothing", () => {
    // Act
    const act = () => resolver.config(get("aws_sns_topic.broken"));

    // Assess
    expect(act).toThrow(/tenant-bravo\/cdk\.tf\.json: aws_sns_topic\.broken: \$\{aws_sqs_queue\.nope\.arn\} refers to aws_sqs_queue\.nope, which the stack does not define/);
  });

  it("refuses expressions it cannot evaluate instead of guessing", () => {
    // Act
    const act = () => resolver.config(get("aws_s3_bucket.fn"));

    // Assess
    expect(act).toThrow(/\$\{upper\(aws_sqs_queue\.dlq\.name\)\} is not a plain reference/);
  });

  it("splits templates with nested braces", () => {
    // Assess
    expect(splitTemplate('a${jsonencode({x = 1})}b')).toEqual([{ literal: "a" }, { expr: "jsonencode({x = 1})" }, { literal: "b" }]);
  });
});
