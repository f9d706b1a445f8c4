/** The doctor's pure judgement: what it says when it cannot look, and when a quota is not listed. */
import { evaluateCentral, evaluateTenant, summarize } from "../../cli/doctor/evaluate";
import type { CentralFacts, TenantFacts } from "../../cli/doctor/facts";
import { formatTable } from "../../cli/doctor/format";
import { sampleFleet } from "../stacks/fixture";

describe("Function: evaluateTenant", () => {
  const config = sampleFleet();
  const alpha = config.environments.find((e) => e.name === "alpha")!;
  const unknown = { state: "unknown", error: "not checked" } as const;
  const locked: TenantFacts = {
    env: "alpha",
    account: alpha.accountId,
    region: alpha.region,
    access: { state: "unknown", error: "AccessDenied: not authorized to perform sts:AssumeRole" },
    roles: {},
    bus: unknown,
    rule: unknown,
    inboundDlq: unknown,
    function: unknown,
    failures: unknown,
    project: unknown,
    parameter: unknown,
    quotas: { lambdaConcurrency: unknown, rulesPerBus: unknown, codebuildConcurrentBuilds: unknown },
  };

  it("reports one failure with the way in when the account cannot be entered, not a wall of unknowns", () => {
    // Act
    const checks = evaluateTenant(config, alpha, locked);

    // Assess
    expect(checks).toEqual([
      {
        scope: "alpha",
        name: "role fleet-plan assumable",
        status: "fail",
        detail: "AccessDenied: not authorized to perform sts:AssumeRole",
        fix: `the bootstrap StackSet creates fleet-plan in ${alpha.accountId}: check that the account is in bootstrap.organizationalUnitIds and the StackSet instance succeeded, and that the doctor runs as fleet-plan-review`,
      },
    ]);
  });

  it("warns, without failing, when Service Quotas does not list a quota", () => {
    // Prepare
    const central: CentralFacts = {
      account: config.central.accountId,
      region: config.central.region,
      access: { state: "found", value: true },
      roles: {},
      forwarding: {},
      quotas: { lambdaConcurrency: { state: "missing" }, rulesPerBus: { state: "missing" }, codebuildConcurrentBuilds: { state: "missing" } },
    };

    // Act
    const report = summarize(evaluateCentral(config, central));

    // Assess
    expect(report.failed).toBe(0);
    expect(report.warned).toBe(1);
    expect(formatTable(report)).toContain("  ⚠ quota: rules per event bus: not listed by Service Quotas: the AWS default applies\n");
  });
});
