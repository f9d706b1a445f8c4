/**
 * Scenario files: the shipped ones are valid, mistakes are reported with file:line:col and all at once,
 * the generated fleet passes the fleet's own validation, and the report maps a rollout to what the user reads.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadFleet } from "../../core/config/loader";
import { ConfigError, formatIssue } from "../../core/errors";
import type { RolloutSummary } from "../../core/rollout";
import { buildReport } from "../../cli/local/scenarios/report";
import { generatedWaves, scenarioAlarmName, writeScenarioFleet } from "../../cli/local/scenarios/generate";
import { parseScenario, tenantNames } from "../../cli/local/scenarios/scenario-file";
import { removeDir, tempDir } from "../helpers/fs";

const ROOT = join(__dirname, "..", "..");

function problems(text: string, known?: string[]): string[] {
  try {
    parseScenario({ path: "scenarios/x.yaml", text }, known);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(formatIssue);
    throw err;
  }
  return [];
}

describe("Scenario files", () => {
  it.each(readdirSync(join(ROOT, "scenarios")).filter((f) => f.endsWith(".yaml")))("ships %s valid", (file) => {
    const path = join(ROOT, "scenarios", file);
    expect(problems(readFileSync(path, "utf8"))).toEqual([]);
  });

  it("reads faults as lists and applies the defaults", () => {
    const s = parseScenario({ path: "s.yaml", text: 'tenants: 3\nversions: ["1.0.0"]\nfaults: { t01: no-event, t02: [build-busy, duplicate-event] }\nexpect: completed\n' });
    expect([...s.faults]).toEqual([
      ["t01", ["no-event"]],
      ["t02", ["build-busy", "duplicate-event"]],
    ]);
    expect(s).toMatchObject({ hold: [], pin: {}, resume: false, expect: "completed" });
  });

  it("reports every mistake at its line and column", () => {
    const text = [
      "tenants: 5", //                                  1
      "waves: [1, 2]", //                               2
      'versions: ["1.1.0", "1.0.0"]', //                3
      "faults:", //                                     4
      "  t09: apply-fails", //                          5
      "  t01: melts", //                                6
      "hold: [t02]", //                                 7
      "pin: { t03: 2.0.0 }", //                         8
      "expect: finished", //                            9
    ].join("\n");
    expect(problems(text)).toEqual([
      'scenarios/x.yaml:6:8: faults.t01: a fault or a list of faults: apply-fails, unhealthy, duplicate-event, no-event, build-busy; found the text "melts"',
      'scenarios/x.yaml:9:9: expect: found the text "finished"; allowed: halted, completed',
    ]);
    // Once the shapes are right, the cross-field rules speak (also all at once).
    expect(problems(text.replace("t01: melts", "t01: no-event").replace("finished", "halted"))).toEqual([
      "scenarios/x.yaml:2:8: the waves add up to 3, but tenants is 5; they must be equal",
      "scenarios/x.yaml:3:21: versions go up: 1.0.0 is not above 1.1.0",
      "scenarios/x.yaml:5:3: faults: t09 is not one of the generated tenants (t01..t05)",
      "scenarios/x.yaml:8:13: pin: 2.0.0 is not one of the scenario's versions (1.1.0, 1.0.0)",
    ]);
  });

  it("checks faults against the environments when no fleet is generated", () => {
    expect(problems('versions: ["1.0.0"]\nfaults: { gamma: no-event }\nexpect: completed\n', ["alpha", "bravo"])).toEqual(["scenarios/x.yaml:2:11: faults: gamma is not one of the environments"]);
  });

  it("names generated tenants with at least two digits, as wide as the largest", () => {
    expect(tenantNames(3)).toEqual(["t01", "t02", "t03"]);
    expect(tenantNames(300).slice(-2)).toEqual(["t299", "t300"]);
    expect([...generatedWaves({ tenants: 4, waves: [1, 3] })]).toEqual([
      ["t01", 0],
      ["t02", 1],
      ["t03", 1],
      ["t04", 1],
    ]);
  });

  it("writes a generated fleet that the fleet's own validation accepts, with the rollout policy, holds, pins and health", () => {
    // Prepare
    const out = tempDir("fleet-scenario-gen-");
    const s = parseScenario({
      path: "s.yaml",
      text: 'tenants: 4\nwaves: [1, 3]\nversions: ["1.0.0", "1.1.0"]\nrollout: { maxConcurrent: 2, onFailure: rollback }\nhold: [t02]\npin: { t03: "1.0.0" }\nfaults: { t04: unhealthy }\nexpect: completed\n',
    });
    // Act
    const names = writeScenarioFleet(s, join(ROOT, "environments"), out);
    const fleet = loadFleet(out);
    // Assess
    expect(names).toEqual(["t01", "t02", "t03", "t04"]);
    expect(fleet.rollout).toEqual({ maxConcurrent: 2, onFailure: "rollback" });
    expect(fleet.environments.map((e) => [e.name, e.wave, e.hold, e.pin ?? null])).toEqual([
      ["t01", 0, false, null],
      ["t02", 1, true, null],
      ["t03", 1, false, "1.0.0"],
      ["t04", 1, false, null],
    ]);
    expect(new Set(fleet.environments.map((e) => e.accountId)).size).toBe(4);
    expect(fleet.environments.find((e) => e.name === "t04")?.health).toEqual({ alarms: [scenarioAlarmName("t04")], bakeMinutes: 0.05 });
    removeDir(out);
  });
});

describe("Function: buildReport", () => {
  const tenant = (env: string, wave: number, result: RolloutSummary["tenants"][number]["result"], extra: Partial<RolloutSummary["tenants"][number]> = {}) => ({
    env,
    wave,
    result,
    attempt: result === "not-started" || result === "skipped" ? 0 : 1,
    releaseId: null,
    reason: null,
    rolledBackTo: null,
    rollbackResult: null,
    ...extra,
  });
  const summary = (tenants: RolloutSummary["tenants"]): RolloutSummary =>
    ({ phase: "halted", failures: 2, haltReason: "wave 1: 2 failures exceed its tolerance of 1", tenants }) as unknown as RolloutSummary;

  it("maps each tenant to the result, version, builds and rollback the user reads", () => {
    const report = buildReport(
      summary([tenant("t01", 0, "succeeded"), tenant("t02", 1, "rolled-back", { rolledBackTo: "1.0.0" }), tenant("t03", 1, "failed"), tenant("t04", 1, "not-started"), tenant("t05", 1, "skipped")]),
      new Map([
        ["t01", { lastResult: "succeeded" as const, deployed: "1.1.0", builds: 1 }],
        ["t02", { lastResult: "failed" as const, deployed: "1.0.0", builds: 1 }],
        ["t03", { lastResult: "refused" as const, deployed: "0.0.0", builds: 1 }],
        ["t04", { deployed: "1.0.0", builds: 0 }],
        ["t05", { builds: 0 }],
      ]),
    );
    expect(report).toEqual({
      rollout: { state: "halted", failures: 2, haltReason: "wave 1: 2 failures exceed its tolerance of 1" },
      tenants: {
        t01: { wave: 0, started: true, result: "succeeded", version: "1.1.0", builds: 1, rolledBack: false },
        t02: { wave: 1, started: true, result: "failed", version: "1.0.0", builds: 1, rolledBack: true },
        t03: { wave: 1, started: true, result: "refused", version: null, builds: 1, rolledBack: false },
        t04: { wave: 1, started: false, result: "not-started", version: "1.0.0", builds: 0, rolledBack: false },
        t05: { wave: 1, started: false, result: "skipped", version: null, builds: 0, rolledBack: false },
      },
    });
  });
});
