/**
 * The shipped scenarios end to end on the local chain (moto, the local CodeBuild, the bundled tracker,
 * controller and deployer): `fleet local --scenario FILE --report OUT.json`, its exit code and the report.
 * Each scenario is small (3–6 tenants); the builds apply nothing (the scenario's apply step), since the
 * subject is rollout control.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../cli/main";
import type { ScenarioReport } from "../../cli/local/scenarios/report";
import { describeWithMoto } from "../helpers/moto";
import { removeDir, tempDir } from "../helpers/fs";
import { capture, ensureBundles, ROOT } from "./helpers";

type Tenants = ScenarioReport["tenants"];

describeWithMoto("fleet local --scenario (the shipped scenarios on moto)", () => {
  let work: string;
  beforeAll(() => {
    ensureBundles();
    work = tempDir("fleet-scenarios-");
  });
  afterAll(() => removeDir(work));

  async function run(name: string, file = join(ROOT, "scenarios", `${name}.yaml`), quietOnFailure = false): Promise<{ code: number; report: ScenarioReport; text: string }> {
    const out = capture();
    const reportFile = join(work, `${name}.json`);
    const code = await main({ argv: ["local", "--scenario", file, "--report", reportFile, "--quiet"], env: process.env, cwd: ROOT, stdout: out, stderr: out });
    const text = out.text();
    if (code !== 0 && !quietOnFailure) console.log(text);
    return { code, report: JSON.parse(readFileSync(reportFile, "utf8")) as ScenarioReport, text };
  }
  const pick = (t: Tenants, keys: (keyof Tenants[string])[]) => Object.fromEntries(Object.entries(t).map(([env, r]) => [env, Object.fromEntries(keys.map((k) => [k, r[k]]))]));

  it("halt-in-later-wave: the last wave halts at its first failure; earlier waves keep the new version", async () => {
    const { code, report, text } = await run("halt-in-later-wave");
    expect(code).toBe(0);
    // The run ends with the status page and says where it is; the page shows the halt and the failed tenant.
    const page = join(ROOT, ".fleet", "local", "status.html");
    expect(text).toContain(`status page: ${page}\n`);
    const html = readFileSync(page, "utf8");
    expect(html).toMatch(/<strong>Halted:<\/strong> wave 2: /);
    expect(html).toContain("t05");
    expect(report.rollout).toEqual({ state: "halted", failures: 1, haltReason: expect.stringMatching(/wave 2/) as unknown });
    expect(pick(report.tenants, ["wave", "result", "version", "builds"])).toEqual({
      t01: { wave: 0, result: "succeeded", version: "1.1.0", builds: 1 },
      t02: { wave: 1, result: "succeeded", version: "1.1.0", builds: 1 },
      t03: { wave: 1, result: "succeeded", version: "1.1.0", builds: 1 },
      t04: { wave: 2, result: "succeeded", version: "1.1.0", builds: 1 },
      t05: { wave: 2, result: "failed", version: "1.0.0", builds: 1 },
      t06: { wave: 2, result: "not-started", version: "1.0.0", builds: 0 },
    });
  }, 240_000);

  it("rollback-unhealthy: the tenant whose alarm fires is failed, rolled back and tolerated", async () => {
    const { code, report } = await run("rollback-unhealthy");
    expect(code).toBe(0);
    expect(report.rollout).toMatchObject({ state: "completed", failures: 1 });
    expect(report.tenants.t03).toEqual({ wave: 1, started: true, result: "failed", version: "1.0.0", builds: 1, rolledBack: true });
    for (const env of ["t01", "t02", "t04"]) expect(report.tenants[env]).toMatchObject({ result: "succeeded", version: "1.1.0", rolledBack: false });
  }, 240_000);

  it("lost-event-timeout: the tenant whose event was lost fails on its timeout and halts the rollout", async () => {
    const { code, report } = await run("lost-event-timeout");
    expect(code).toBe(0);
    expect(report.rollout.state).toBe("halted");
    expect(report.tenants.t02).toMatchObject({ started: true, result: "failed", version: "1.0.0", builds: 0 });
  }, 240_000);

  it("resume-after-halt: one resume retries the failed and never-started tenants, and the rollout completes", async () => {
    const { code, report } = await run("resume-after-halt");
    expect(code).toBe(0);
    expect(report.rollout).toMatchObject({ state: "completed", failures: 0 });
    expect(pick(report.tenants, ["result", "version"])).toEqual({
      t01: { result: "succeeded", version: "1.1.0" },
      t02: { result: "succeeded", version: "1.1.0" },
      t03: { result: "succeeded", version: "1.1.0" },
      t04: { result: "succeeded", version: "1.1.0" },
    });
    expect(report.tenants.t02?.builds).toBe(2);
  }, 240_000);

  it("hold: the tenant on hold is skipped and reported, the pinned one keeps its version", async () => {
    const { code, report } = await run("hold");
    expect(code).toBe(0);
    expect(report.rollout.state).toBe("completed");
    expect(report.tenants.t03).toMatchObject({ result: "skipped", started: false, version: null, builds: 0 });
    expect(report.tenants.t04).toMatchObject({ result: "skipped", version: "1.0.0", builds: 0 });
    expect(report.tenants.t02).toMatchObject({ result: "succeeded", version: "1.1.0" });
  }, 240_000);

  it("duplicates: duplicate events and a busy build never cost a second build", async () => {
    const { code, report } = await run("duplicates");
    expect(code).toBe(0);
    expect(report.rollout.state).toBe("completed");
    expect(pick(report.tenants, ["result", "version", "builds"])).toEqual({
      t01: { result: "succeeded", version: "1.1.0", builds: 1 },
      t02: { result: "succeeded", version: "1.1.0", builds: 1 },
      t03: { result: "succeeded", version: "1.1.0", builds: 1 },
      t04: { result: "succeeded", version: "1.1.0", builds: 1 },
    });
  }, 240_000);

  it("exits 1 when the rollout does not end as the scenario expects, and still writes the report", async () => {
    // Prepare: one version, a failing tenant, no tolerance, yet "completed" expected
    const file = join(work, "wrong-expectation.yaml");
    writeFileSync(file, 'tenants: 3\nversions: ["1.0.0"]\nrollout: { maxConcurrent: 1, tenantTimeoutMinutes: 2 }\nfaults: { t02: apply-fails }\nexpect: completed\n');
    // Act
    const { code, report, text } = await run("wrong-expectation", file, true);
    // Assess
    expect(code).toBe(1);
    expect(text).toContain("✖ scenario");
    expect(text).toContain("the rollout of 1.0.0 ended halted");
    expect(report.rollout.state).toBe("halted");
    expect(report.tenants.t02).toMatchObject({ result: "failed", version: null, builds: 1 });
    expect(report.tenants.t03).toMatchObject({ result: "not-started", started: false });
  }, 240_000);
});

describe("fleet local --scenario: bad input stops before anything starts", () => {
  async function local(argv: string[]) {
    const out = capture();
    const err = capture();
    const code = await main({ argv: ["local", ...argv], env: process.env, cwd: ROOT, stdout: out, stderr: err });
    return { code, text: out.text() + err.text() };
  }

  it("reports a bad scenario file with file:line:col, without a stack trace (exit 1)", async () => {
    const dir = tempDir("fleet-bad-scenario-");
    writeFileSync(join(dir, "bad.yaml"), 'tenants: 4\nwaves: [1, 2]\nversions: ["1.0.0"]\nfaults: { t09: melts }\nexpect: done\n');
    const { code, text } = await local(["--scenario", join(dir, "bad.yaml")]);
    expect(code).toBe(1);
    expect(text).toMatch(/bad\.yaml:4:16: faults\.t09: a fault or a list of faults/);
    expect(text).toMatch(/bad\.yaml:5:9: expect: found the text "done"; allowed: halted, completed/);
    expect(text).not.toMatch(/\n\s+at /);
    removeDir(dir);
  });

  it("refuses --scenario with --drill (exit 2)", async () => {
    const { code, text } = await local(["--scenario", join(ROOT, "scenarios", "hold.yaml"), "--drill"]);
    expect(code).toBe(2);
    expect(text).toContain("--scenario cannot be combined with --drill");
  });
});
