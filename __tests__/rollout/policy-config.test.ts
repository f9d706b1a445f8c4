/** The `rollout:` policy in fleet.yaml: validated like the rest of the configuration, defaults applied after. */
import { parseFleet, type SourceFile } from "../../core/config/parse";
import { formatIssue } from "../../core/errors";
import { amountOf, concurrencyOf, resolvePolicy } from "../../core/rollout";
import { FLEET_YAML, validFleet } from "../config/fixtures";

function withRollout(block: string) {
  const tree = { ...validFleet(), "environments/fleet.yaml": `${FLEET_YAML}rollout:\n${block}` };
  const files: SourceFile[] = Object.entries(tree).map(([path, text]) => ({ path, text }));
  const result = parseFleet(files, { dir: "environments" });
  return { config: result.config, lines: result.issues.map(formatIssue) };
}

describe("fleet.yaml rollout:", () => {
  it("accepts counts, quoted percentages, fractions of minutes and both failure modes", () => {
    const r = withRollout('  maxConcurrent: "25%"\n  failureTolerance: 2\n  failureBudget: "5%"\n  bakeMinutes: 15\n  tenantTimeoutMinutes: 0.5\n  onFailure: rollback\n');
    expect(r.lines).toEqual([]);
    expect(r.config?.rollout).toEqual({ maxConcurrent: "25%", failureTolerance: 2, failureBudget: "5%", bakeMinutes: 15, tenantTimeoutMinutes: 0.5, onFailure: "rollback" });
  });

  it("reports every bad field in one run, with file:line:col, the value found and what is allowed", () => {
    const r = withRollout('  maxConcurrent: 0\n  failureTolerance: "ten"\n  failureBudget: 2.5\n  bakeMinutes: -1\n  tenantTimeoutMinutes: 0\n  onFailure: rolback\n  maxConcurent: 3\n');
    const at = (n: number) => `environments/fleet.yaml:${FLEET_YAML.split("\n").length + 1 + n}:`;
    expect(r.lines).toEqual([
      `${at(0)}18: rollout.maxConcurrent: a whole number ≥ 1, or a percentage from 0% to 100% written in quotes, such as "25%"; found the number 0`,
      `${at(1)}21: rollout.failureTolerance: a whole number ≥ 0, or a percentage from 0% to 100% written in quotes, such as "25%"; found the text "ten"`,
      `${at(2)}18: rollout.failureBudget: a whole number ≥ 0, or a percentage from 0% to 100% written in quotes, such as "25%"; found the number 2.5`,
      `${at(3)}16: rollout.bakeMinutes: bakeMinutes is a number of minutes ≥ 0; found the number -1`,
      `${at(4)}25: rollout.tenantTimeoutMinutes: tenantTimeoutMinutes is a number of minutes > 0 (fractions allowed); found the number 0`,
      `${at(5)}14: rollout.onFailure: found the text "rolback"; allowed: halt, rollback; did you mean rollback?`,
      `${at(6)}3: unknown key "maxConcurent" in rollout: did you mean "maxConcurrent"? Allowed keys: maxConcurrent, failureTolerance, failureBudget, bakeMinutes, tenantTimeoutMinutes, onFailure`,
    ]);
  });

  it("is optional; the defaults are 10 at once, no tolerance, no budget, no bake, the CodeBuild timeout + 30 min, halt", () => {
    const r = withRollout("  {}\n");
    expect(r.lines).toEqual([]);
    expect(resolvePolicy(r.config?.rollout, 60)).toEqual({ maxConcurrent: 10, failureTolerance: 0, failureBudget: null, bakeMinutes: 0, tenantTimeoutMinutes: 90, onFailure: "halt" });
  });
});

describe("Function: amountOf / concurrencyOf", () => {
  it("rounds percentages down, and concurrency never below 1", () => {
    expect([amountOf("10%", 9), amountOf("10%", 10), amountOf("100%", 7), amountOf(3, 100)]).toEqual([0, 1, 7, 3]);
    expect([concurrencyOf("10%", 5), concurrencyOf("50%", 5), concurrencyOf(4, 2)]).toEqual([1, 2, 4]);
  });
});
