/**
 * The SonarQube quality gate, as SonarSource's own gate action and Bitbucket pipe check it:
 * read the scanner's report-task.txt, poll the compute-engine task until it is
 * processed, then ask for the project status of exactly that analysis. Three different failures get three
 * different messages, because they need different fixes: a red gate (fix the code), a failed analysis
 * (look at the server's background task) and a timeout (the server is slow or stuck).
 */
import { readFileSync } from "node:fs";
import { QualityGateFailedError, SonarAnalysisFailedError, SonarError, SonarTimeoutError } from "./errors";
import type { Log } from "./log";

export interface GateCheckOptions {
  /** Path of report-task.txt. */
  readonly reportFile: string;
  /** SONAR_HOST_URL: when set, replaces the server URL of the report (a URL CI can reach). */
  readonly hostUrl?: string;
  readonly token: string;
  /** `basic`: token as the user name, empty password (every version); `bearer`: 10.x+ and SonarCloud. */
  readonly auth?: "basic" | "bearer";
  readonly timeoutMs?: number;
  readonly pollIntervalMs?: number;
  /** WARN (servers before 7.x) fails the gate unless this is false. */
  readonly warnFails?: boolean;
  readonly log: Log;
}

export interface GateResult {
  readonly status: "OK";
  readonly projectKey?: string;
  readonly analysisId: string;
  readonly dashboardUrl?: string;
}

interface Report {
  readonly projectKey?: string;
  readonly serverUrl: string;
  readonly dashboardUrl?: string;
  readonly ceTaskId: string;
}

interface Condition {
  status?: string;
  metricKey?: string;
  comparator?: string;
  errorThreshold?: string;
  warningThreshold?: string;
  actualValue?: string;
}

export function readReport(file: string): Report {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new SonarError(
      `SonarQube report not found at ${file}. The scanner writes .scannerwork/report-task.txt under sonar.projectBaseDir ` +
        "(Maven: target/sonar/, Gradle: build/sonar/); point SONAR_REPORT_FILE at it.",
    );
  }
  const props = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^#!=\s][^=]*?)\s*=\s*(.*)$/.exec(line);
    if (m?.[1] !== undefined) props.set(m[1], (m[2] ?? "").trim());
  }
  const ceTaskId = props.get("ceTaskId");
  const serverUrl = props.get("serverUrl");
  if (!ceTaskId || !serverUrl) throw new SonarError(`${file} has no ${!ceTaskId ? "ceTaskId" : "serverUrl"}: is it a report-task.txt written by a SonarQube scanner?`);
  const projectKey = props.get("projectKey");
  const dashboardUrl = props.get("dashboardUrl");
  return { ceTaskId, serverUrl, ...(projectKey ? { projectKey } : {}), ...(dashboardUrl ? { dashboardUrl } : {}) };
}

const RATINGS = ["", "A", "B", "C", "D", "E"];

/** Ratings come as 1–5; people read them as A–E. */
function value(metric: string | undefined, v: string | undefined): string {
  if (v === undefined) return "?";
  if (metric?.endsWith("_rating") && /^[1-5](\.0)?$/.test(v)) return `${RATINGS[Number(v)]} (${v})`;
  return v;
}

export function formatCondition(c: Condition): string {
  const threshold = c.status === "WARN" ? c.warningThreshold : c.errorThreshold;
  return `${c.metricKey ?? "?"}: actual ${value(c.metricKey, c.actualValue)}, comparator ${c.comparator ?? "?"}, threshold ${value(c.metricKey, threshold)}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Network errors and gateway answers: worth another attempt. */
class RetryableSonarError extends SonarError {}

class SonarHttp {
  constructor(
    private readonly base: string,
    private readonly options: GateCheckOptions,
  ) {}

  /** GET with up to 3 attempts on network errors and 502/503/504: a server restarting mid-poll is not a failed gate. */
  async get(path: string): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(path);
      } catch (err) {
        if (!(err instanceof RetryableSonarError) || attempt >= 3) throw err;
        this.options.log.warn(`${err.message}; retrying (${attempt}/2)`);
        await sleep(Math.min(this.options.pollIntervalMs ?? 5_000, 5_000));
      }
    }
  }

  private async once(path: string): Promise<unknown> {
    const url = `${this.base.replace(/\/+$/, "")}${path}`;
    const authorization = this.options.auth === "bearer" ? `Bearer ${this.options.token}` : `Basic ${Buffer.from(`${this.options.token}:`).toString("base64")}`;
    this.options.log.debug(`GET ${url}`);
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization, accept: "application/json" }, redirect: "follow", signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new RetryableSonarError(`cannot reach SonarQube at ${this.base}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}. Check SONAR_HOST_URL.`);
    }
    const text = await res.text();
    if (res.status === 502 || res.status === 503 || res.status === 504) throw new RetryableSonarError(`SonarQube answered ${url.split("?")[0]} with HTTP ${res.status}`);
    if (res.status === 401 || res.status === 403) {
      throw new SonarError(
        `SonarQube refused the token (HTTP ${res.status}) at ${url.split("?")[0]}: check SONAR_TOKEN (a user or project analysis token with "Browse" permission on the project)` +
          (this.options.auth === "bearer" ? "; Bearer auth needs SonarQube 10+, try SONAR_AUTH: 'basic'" : ""),
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new SonarError(`SonarQube answered ${url.split("?")[0]} with HTTP ${res.status} and no JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const msgs = ((body as { errors?: { msg?: string }[] }).errors ?? []).map((e) => e.msg).filter(Boolean);
      throw new SonarError(`SonarQube answered ${url.split("?")[0]} with HTTP ${res.status}${msgs.length ? `: ${msgs.join("; ")}` : ""}`);
    }
    return body;
  }
}

export async function checkQualityGate(options: GateCheckOptions): Promise<GateResult> {
  const report = readReport(options.reportFile);
  const base = options.hostUrl ?? report.serverUrl;
  const http = new SonarHttp(base, options);
  const timeoutMs = options.timeoutMs ?? 300_000;
  const pollMs = options.pollIntervalMs ?? 5_000;
  const log = options.log;
  log.info(`SonarQube project ${report.projectKey ?? "?"}, task ${report.ceTaskId} on ${base}`);
  if (report.dashboardUrl) log.info(`Dashboard: ${report.dashboardUrl}`);

  const deadline = Date.now() + timeoutMs;
  let status = "";
  let analysisId: string | undefined;
  for (;;) {
    const body = (await http.get(`/api/ce/task?id=${encodeURIComponent(report.ceTaskId)}`)) as { task?: { status?: string; analysisId?: string; errorMessage?: string } };
    const task = body.task;
    if (!task?.status) throw new SonarError(`SonarQube's /api/ce/task answer has no task status`);
    status = task.status;
    if (status === "SUCCESS") {
      analysisId = task.analysisId;
      break;
    }
    if (status === "FAILED" || status === "CANCELED") {
      throw new SonarAnalysisFailedError(
        `SonarQube analysis ${status === "FAILED" ? "failed" : "was canceled"} on the server (task ${report.ceTaskId}: ${status}${task.errorMessage ? `: ${task.errorMessage}` : ""}). ` +
          `This is not a quality gate result: see the project's Background Tasks${report.dashboardUrl ? ` (${report.dashboardUrl})` : ""}.`,
      );
    }
    if (status !== "PENDING" && status !== "IN_PROGRESS") throw new SonarError(`SonarQube task ${report.ceTaskId} has an unknown status ${JSON.stringify(status)}`);
    if (Date.now() + pollMs > deadline) {
      throw new SonarTimeoutError(
        `SonarQube analysis not processed in time: task ${report.ceTaskId} still ${status} after ${Number((timeoutMs / 1000).toFixed(1))} s. ` +
          "The quality gate is unknown (not failed): raise SONAR_TIMEOUT, or check the server's compute-engine queue.",
      );
    }
    log.debug(`task ${report.ceTaskId} is ${status}; waiting ${pollMs} ms`);
    await sleep(pollMs);
  }
  if (!analysisId) throw new SonarError(`SonarQube task ${report.ceTaskId} succeeded but names no analysisId`);

  const gate = (await http.get(`/api/qualitygates/project_status?analysisId=${encodeURIComponent(analysisId)}`)) as { projectStatus?: { status?: string; conditions?: Condition[] } };
  const gateStatus = gate.projectStatus?.status;
  const dashboard = report.dashboardUrl ? `\nDashboard: ${report.dashboardUrl}` : "";
  if (gateStatus === "OK" || (gateStatus === "WARN" && options.warnFails === false)) {
    if (gateStatus === "WARN") log.warn("SonarQube quality gate is WARN; passing because SONAR_WARN_FAILS is false");
    log.info(`SonarQube quality gate passed (${gateStatus}) for ${report.projectKey ?? "the project"}`);
    return { status: "OK", analysisId, ...(report.projectKey ? { projectKey: report.projectKey } : {}), ...(report.dashboardUrl ? { dashboardUrl: report.dashboardUrl } : {}) };
  }
  if (gateStatus === "NONE") throw new QualityGateFailedError(`SonarQube quality gate: no gate is assigned to ${report.projectKey ?? "the project"} (status NONE); assign one on the server.${dashboard}`);
  if (gateStatus !== "ERROR" && gateStatus !== "WARN") throw new SonarError(`SonarQube returned an unknown quality gate status ${JSON.stringify(gateStatus)}`);
  const failed = (gate.projectStatus?.conditions ?? []).filter((c) => c.status === "ERROR" || c.status === "WARN");
  throw new QualityGateFailedError(
    `SonarQube quality gate failed (${gateStatus}) for ${report.projectKey ?? "the project"}: ${failed.length} condition${failed.length === 1 ? "" : "s"} not met:\n` +
      failed.map((c) => `  - ${formatCondition(c)}`).join("\n") +
      dashboard,
  );
}
