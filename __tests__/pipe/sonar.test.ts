import { join } from "node:path";
import { QualityGateFailedError, SonarAnalysisFailedError, SonarError, SonarTimeoutError } from "../../pipe/errors";
import { createLog } from "../../pipe/log";
import { checkQualityGate } from "../../pipe/sonar";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { startSonarServer, type SonarServer } from "../helpers/sonar-server";

describe("checkQualityGate against a SonarQube web API", () => {
  let sonar: SonarServer;
  let dir: string;
  let output: string;
  const log = () => createLog({ write: (t: string) => (output += t) }, { debug: true, mask: (t) => t.split(sonar.token).join("****") });

  beforeAll(async () => {
    sonar = await startSonarServer();
  });
  afterAll(async () => sonar.stop());
  beforeEach(() => {
    dir = tempDir("fleet-sonar-");
    output = "";
  });
  afterEach(() => removeDir(dir));

  function reportFor(taskId: string): string {
    writeTree(dir, { ".scannerwork/report-task.txt": sonar.report(taskId) });
    return join(dir, ".scannerwork/report-task.txt");
  }

  it("passes a green gate, asking for the status of exactly the analysis of the task, with the token as Basic user", async () => {
    // Prepare
    sonar.set("task-ok", { taskStatuses: ["SUCCESS"], analysisId: "an-ok", gate: { status: "OK" } });
    // Act
    const r = await checkQualityGate({ reportFile: reportFor("task-ok"), token: sonar.token, log: log(), pollIntervalMs: 10 });
    // Assess
    expect(r).toMatchObject({ status: "OK", analysisId: "an-ok", projectKey: "acme_app" });
    expect(sonar.requests).toContain("GET /api/qualitygates/project_status?analysisId=an-ok");
    expect(sonar.authHeaders.at(-1)).toBe(`Basic ${Buffer.from(`${sonar.token}:`).toString("base64")}`);
    expect(output).toContain(`Dashboard: ${sonar.url}/dashboard?id=acme_app`);
    expect(output).not.toContain(sonar.token);
  });

  it("fails a red gate listing each failed condition with metric, comparator, threshold and actual value", async () => {
    // Prepare
    sonar.set("task-red", {
      taskStatuses: ["SUCCESS"],
      analysisId: "an-red",
      gate: {
        status: "ERROR",
        conditions: [
          { status: "ERROR", metricKey: "new_coverage", comparator: "LT", errorThreshold: "80", actualValue: "42.5" },
          { status: "OK", metricKey: "new_duplicated_lines_density", comparator: "GT", errorThreshold: "3", actualValue: "0.0" },
          { status: "ERROR", metricKey: "new_reliability_rating", comparator: "GT", errorThreshold: "1", actualValue: "3" },
        ],
      },
    });
    // Act
    const run = checkQualityGate({ reportFile: reportFor("task-red"), token: sonar.token, log: log(), pollIntervalMs: 10 });
    // Assess
    await expect(run).rejects.toThrow(QualityGateFailedError);
    await expect(run).rejects.toThrow(
      /quality gate failed \(ERROR\) for acme_app: 2 conditions not met:\n {2}- new_coverage: actual 42\.5, comparator LT, threshold 80\n {2}- new_reliability_rating: actual C \(3\), comparator GT, threshold A \(1\)\nDashboard: http/,
    );
  });

  it("waits while the task is PENDING and IN_PROGRESS, then reads the gate", async () => {
    // Prepare
    sonar.set("task-slow", { taskStatuses: ["PENDING", "PENDING", "IN_PROGRESS", "SUCCESS"], analysisId: "an-slow", gate: { status: "OK" } });
    const before = sonar.requests.length;
    // Act
    const r = await checkQualityGate({ reportFile: reportFor("task-slow"), token: sonar.token, log: log(), pollIntervalMs: 20 });
    // Assess
    expect(r.analysisId).toBe("an-slow");
    expect(sonar.requests.slice(before).filter((q) => q.startsWith("GET /api/ce/task?id=task-slow"))).toHaveLength(4);
  });

  it("reports a FAILED analysis as an analysis failure, not as a gate result", async () => {
    // Prepare
    sonar.set("task-failed", { taskStatuses: ["IN_PROGRESS", "FAILED"], errorMessage: "Unsupported language plugin" });
    // Act
    const run = checkQualityGate({ reportFile: reportFor("task-failed"), token: sonar.token, log: log(), pollIntervalMs: 10 });
    // Assess
    await expect(run).rejects.toThrow(SonarAnalysisFailedError);
    await expect(run).rejects.toThrow(/analysis failed on the server \(task task-failed: FAILED: Unsupported language plugin\)\. This is not a quality gate result/);
  });

  it("gives up after the timeout with its own message", async () => {
    // Prepare
    sonar.set("task-stuck", { taskStatuses: ["PENDING"] });
    // Act
    const started = Date.now();
    const run = checkQualityGate({ reportFile: reportFor("task-stuck"), token: sonar.token, log: log(), pollIntervalMs: 50, timeoutMs: 300 });
    // Assess
    await expect(run).rejects.toThrow(SonarTimeoutError);
    await expect(run).rejects.toThrow(/analysis not processed in time: task task-stuck still PENDING after 0\.3 s\. The quality gate is unknown \(not failed\)/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("says clearly when the token is refused (401) without printing it", async () => {
    // Prepare
    sonar.set("task-auth", { taskStatuses: ["SUCCESS"], analysisId: "an-auth", gate: { status: "OK" } });
    // Act
    const run = checkQualityGate({ reportFile: reportFor("task-auth"), token: "squ_wrong_token_999", log: log(), pollIntervalMs: 10 });
    // Assess
    await expect(run).rejects.toThrow(SonarError);
    await expect(run).rejects.toThrow(/SonarQube refused the token \(HTTP 401\).*check SONAR_TOKEN/);
    await expect(run).rejects.not.toThrow(/squ_wrong_token_999/);
  });

  it("retries a server that answers 503 while restarting, then reads the gate", async () => {
    // Prepare
    sonar.set("task-503", { taskStatuses: ["SUCCESS"], analysisId: "an-503", gate: { status: "OK" }, unavailableFirst: 2 });
    // Act
    const r = await checkQualityGate({ reportFile: reportFor("task-503"), token: sonar.token, log: log(), pollIntervalMs: 10 });
    // Assess
    expect(r.analysisId).toBe("an-503");
    expect(output).toContain("WARNING: SonarQube answered");
  });

  it("names the missing report file and where scanners put it", async () => {
    // Act
    const run = checkQualityGate({ reportFile: join(dir, "nope/report-task.txt"), token: sonar.token, log: log() });
    // Assess
    await expect(run).rejects.toThrow(/SonarQube report not found at .*nope\/report-task\.txt.*SONAR_REPORT_FILE/);
  });

  it("rebases on SONAR_HOST_URL when the report names a server CI cannot reach", async () => {
    // Prepare
    sonar.set("task-rebase", { taskStatuses: ["SUCCESS"], analysisId: "an-rebase", gate: { status: "OK" } });
    writeTree(dir, { "report-task.txt": sonar.report("task-rebase").replace(/serverUrl=.*/, "serverUrl=http://sonar.internal.invalid:9000") });
    // Act
    const r = await checkQualityGate({ reportFile: join(dir, "report-task.txt"), hostUrl: sonar.url, token: sonar.token, log: log() });
    // Assess
    expect(r.analysisId).toBe("an-rebase");
  });
});
