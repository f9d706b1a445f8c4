/**
 * Health in the tenant stack: the deploy project carries the alarms and the bake to the deployer, and the
 * deployer role may read exactly those alarms (DescribeAlarms on their ARNs in its own account), nothing
 * more; an environment without `health:` gets neither.
 */
import type { FleetConfig } from "../../core/config/schema";
import { type StackJson, resources, sampleFleet, single, synthFleet } from "./fixture";
import { parsePolicy } from "./policy-eval";

function withBravoHealth(config: FleetConfig): FleetConfig {
  const environments = config.environments.map((e) => (e.name === "bravo" ? { ...e, health: { alarms: ["api 5xx (prod)", "latency-p99"], bakeMinutes: 7.5 } } : e));
  return { ...config, environments };
}

function deployerStatements(stack: StackJson | undefined, env: string) {
  const rolePolicy = Object.values(resources(stack, "aws_iam_role_policy")).find((p) => p.role === "${aws_iam_role.deployer-role.name}");
  if (!rolePolicy) throw new Error(`no deployer policy for ${env}`);
  return parsePolicy(rolePolicy.policy).Statement;
}

function projectVariables(stack: StackJson | undefined): { name: string; value: string }[] {
  const project = single(stack, "aws_codebuild_project") as { environment: { environment_variable: { name: string; value: string }[] } };
  return project.environment.environment_variable;
}

describe("Stack: tenant-<env> with health alarms", () => {
  const fleet = synthFleet(withBravoHealth(sampleFleet()));
  const bravo = fleet.stacks.get("tenant-bravo");
  const alpha = fleet.stacks.get("tenant-alpha");

  it("passes the alarms (a JSON list) and the bake minutes to the deploy project", () => {
    const vars = projectVariables(bravo).filter((v) => v.name.startsWith("FLEET_HEALTH_"));
    expect(vars).toEqual([
      { name: "FLEET_HEALTH_ALARMS", value: '["api 5xx (prod)","latency-p99"]', type: "PLAINTEXT" },
      { name: "FLEET_HEALTH_BAKE_MINUTES", value: "7.5", type: "PLAINTEXT" },
    ]);
  });

  it("lets the deployer role DescribeAlarms on exactly those alarms in its own account and region", () => {
    const cloudwatch = deployerStatements(bravo, "bravo").filter((s) => [s.Action].flat().some((a) => a.startsWith("cloudwatch:")));
    expect(cloudwatch).toEqual([
      {
        Sid: "ReadOwnHealthAlarms",
        Effect: "Allow",
        Action: "cloudwatch:DescribeAlarms",
        Resource: ["arn:aws:cloudwatch:eu-central-1:123456789013:alarm:api 5xx (prod)", "arn:aws:cloudwatch:eu-central-1:123456789013:alarm:latency-p99"],
      },
    ]);
  });

  it("gives an environment without health no CloudWatch permission and no health variables", () => {
    expect(deployerStatements(alpha, "alpha").filter((s) => [s.Action].flat().some((a) => a.startsWith("cloudwatch:")))).toEqual([]);
    expect(projectVariables(alpha).filter((v) => v.name.startsWith("FLEET_HEALTH_"))).toEqual([]);
  });
});
