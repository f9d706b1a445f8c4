/** Step 4 of a decommission: without the environment's file, central no longer routes to it or lets it read. */
import { resources, sampleFleet, synthFleet } from "../stacks/fixture";

describe("central after an environment's file is removed", () => {
  const before = synthFleet(sampleFleet()).stacks.get("central");
  const config = sampleFleet();
  const after = synthFleet({ ...config, environments: config.environments.filter((e) => e.name !== "charlie") }).stacks.get("central");
  const names = (stack: typeof before, type: string) => Object.values(resources(stack, type)).map((r) => String(r.name));

  it("drops its forwarding rule, its DLQ and its state role, and keeps everyone else's", () => {
    // Assess
    expect(names(before, "aws_cloudwatch_event_rule")).toContain("fleet-forward-charlie");
    expect(names(after, "aws_cloudwatch_event_rule").filter((n) => n.startsWith("fleet-forward-"))).toEqual(["fleet-forward-alpha", "fleet-forward-bravo"]);
    expect(names(after, "aws_sqs_queue").filter((n) => n.startsWith("fleet-forward-"))).toEqual(["fleet-forward-dlq-alpha", "fleet-forward-dlq-bravo"]);
    expect(names(after, "aws_iam_role").filter((n) => n.startsWith("fleet-state-"))).toEqual(["fleet-state-alpha", "fleet-state-bravo"]);
  });

  it("takes it out of the artifact bucket policy", () => {
    // Prepare
    const policyOf = (stack: typeof before) => Object.values(resources(stack, "aws_s3_bucket_policy")).map((r) => String(r.policy)).join("");

    // Assess
    expect(policyOf(before)).toContain("charlie");
    expect(policyOf(after)).not.toContain("charlie");
    expect(policyOf(after)).toContain("fleet-deployer-bravo");
  });
});
