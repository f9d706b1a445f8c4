/** The rollout controller in the central stack: what wakes it, where failures go, and exactly what it may do. */
import { parsePolicy, policyAllows, type RequestPrincipal } from "./policy-eval";
import { resources, sampleFleet, synthFleet, type SynthesizedFleet } from "./fixture";

describe("Construct: RolloutController", () => {
  let fleet: SynthesizedFleet;
  beforeAll(() => {
    fleet = synthFleet(sampleFleet());
  });
  const central = () => fleet.stacks.get("central");
  const fn = () => Object.values(resources(central(), "aws_lambda_function")).find((f) => f.function_name === "fleet-rollout-controller");
  const rule = (name: string) => Object.values(resources(central(), "aws_cloudwatch_event_rule")).find((r) => r.name === name);

  it("runs the controller bundle on nodejs22.x with the bucket and the app, and a failures queue after two retries", () => {
    expect(fn()).toMatchObject({ runtime: "nodejs22.x", handler: "index.handler", architectures: ["arm64"], environment: { variables: { FLEET_ARTIFACT_BUCKET: "acme-fleet-artifacts", FLEET_APP_NAME: "payments-api" } } });
    expect(String(fn()?.filename)).toMatch(/^\.\.\/\.\.\/assets\/rollout-controller-[0-9a-f]{16}\.zip$/);
    const invoke = Object.values(resources(central(), "aws_lambda_function_event_invoke_config")).find((c) => String(c.function_name).includes("rollout-controller"));
    expect(invoke).toMatchObject({ maximum_retry_attempts: 2, destination_config: { on_failure: { destination: expect.stringContaining("rollout-controller_failures") as unknown } } });
  });

  it("wakes on status records and rollout commands of the central bucket, and every minute", () => {
    expect(JSON.parse(String(rule("fleet-rollout-controller-events")?.event_pattern))).toEqual({
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      detail: { bucket: { name: ["acme-fleet-artifacts"] }, object: { key: [{ prefix: "status/" }, { wildcard: "rollouts/*/commands/*" }] } },
    });
    expect(rule("fleet-rollout-controller-schedule")?.schedule_expression).toBe("rate(1 minute)");
    const targets = Object.values(resources(central(), "aws_cloudwatch_event_target")).filter((t) => t.target_id === "rollout-controller");
    expect(targets).toHaveLength(2);
    for (const t of targets) expect(t.dead_letter_config).toEqual({ arn: expect.stringContaining("rollout-controller_failures") as unknown });
  });

  it("may read status/ and rollouts/, write releases/ and rollouts/, and nothing else of the bucket", () => {
    const role = Object.values(resources(central(), "aws_iam_role_policy")).find((p) => p.name === "rollout-control");
    const doc = parsePolicy(role?.policy);
    const me: RequestPrincipal = { arn: "arn:aws:iam::210987654321:role/fleet-rollout-controller", account: "210987654321", tags: {} };
    const can = (action: string, key: string) => policyAllows(doc, { principal: me, action, resource: `arn:aws:s3:::acme-fleet-artifacts/${key}` }) !== undefined;
    expect([can("s3:GetObject", "status/alpha/payments-api/x.json"), can("s3:GetObject", "rollouts/payments-api/x/state.json")]).toEqual([true, true]);
    expect([can("s3:PutObject", "releases/alpha/payments-api/1.0.0/x.json"), can("s3:PutObject", "rollouts/payments-api/x/state.json")]).toEqual([true, true]);
    expect([can("s3:PutObject", "status/alpha/payments-api/x.json"), can("s3:PutObject", "artifacts/payments-api/1.0.0/manifest.json")]).toEqual([false, false]);
    expect([can("s3:GetObject", "artifacts/payments-api/1.0.0/payments-api-1.0.0.zip"), can("s3:GetObject", "releases/alpha/payments-api/1.0.0/x.json")]).toEqual([false, false]);
    expect([can("s3:DeleteObject", "rollouts/payments-api/x/state.json"), can("s3:PutBucketPolicy", "")]).toEqual([false, false]);
    expect(doc.Statement.flatMap((s) => (typeof s.Action === "string" ? [s.Action] : s.Action)).filter((a) => a.includes("*"))).toEqual([]);
    expect(JSON.parse(String(Object.values(resources(central(), "aws_iam_role")).find((r) => r.name === "fleet-rollout-controller")?.assume_role_policy))).toMatchObject({
      Statement: [{ Principal: { Service: "lambda.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "210987654321" } } }],
    });
  });

  it("lets the pipe's uploader start rollouts (read status/ and rollouts/, write rollouts/) without writing status records", () => {
    const extra = Object.values(resources(central(), "aws_iam_role_policy")).find((p) => p.name === "start-rollouts");
    expect(String(extra?.role)).toContain("uploader-role");
    const doc = parsePolicy(extra?.policy);
    const me: RequestPrincipal = { arn: "arn:aws:iam::210987654321:role/fleet-uploader", account: "210987654321", tags: {} };
    const can = (action: string, key: string) => policyAllows(doc, { principal: me, action, resource: `arn:aws:s3:::acme-fleet-artifacts/${key}` }) !== undefined;
    expect([can("s3:GetObject", "status/alpha/payments-api/x.json"), can("s3:PutObject", "rollouts/payments-api/x/state.json")]).toEqual([true, true]);
    expect([can("s3:PutObject", "status/alpha/payments-api/x.json"), can("s3:DeleteObject", "rollouts/payments-api/x/state.json")]).toEqual([false, false]);
  });
});
