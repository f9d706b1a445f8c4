/**
 * A local HTTP server speaking the two SonarQube web-API endpoints the quality gate uses
 * (`/api/ce/task`, `/api/qualitygates/project_status`), with SonarQube's answers and error shapes,
 * including Basic auth with the token as user name. Tests script what each task does.
 */
import { createServer, type Server } from "node:http";

export interface SonarScenario {
  /** Task statuses returned on successive polls; the last one repeats. */
  taskStatuses: string[];
  analysisId?: string;
  errorMessage?: string;
  gate?: { status: string; conditions?: Record<string, string>[] };
  /** Answer this many task polls with 503 first (a server restarting). */
  unavailableFirst?: number;
}

export interface SonarServer {
  readonly url: string;
  readonly token: string;
  /** Requests seen, as "GET /path?query". */
  readonly requests: string[];
  /** Authorization headers seen. */
  readonly authHeaders: string[];
  set(taskId: string, scenario: SonarScenario): void;
  /** Writes a report-task.txt like the scanner does. */
  report(taskId: string, projectKey?: string): string;
  stop(): Promise<void>;
}

export async function startSonarServer(token = "squ_test_token_0123456789"): Promise<SonarServer> {
  const scenarios = new Map<string, SonarScenario & { polls: number }>();
  const byAnalysis = new Map<string, SonarScenario>();
  const requests: string[] = [];
  const authHeaders: string[] = [];
  const expected = `Basic ${Buffer.from(`${token}:`).toString("base64")}`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    authHeaders.push(req.headers.authorization ?? "");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== expected && req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="sonarqube"' });
      return res.end();
    }
    if (url.pathname === "/api/ce/task") {
      const id = url.searchParams.get("id") ?? "";
      const s = scenarios.get(id);
      if (!s) return send(404, { errors: [{ msg: `No activity found for task '${id}'` }] });
      if ((s.unavailableFirst ?? 0) > 0) {
        s.unavailableFirst!--;
        res.writeHead(503, { "content-type": "text/html" });
        return res.end("<html>starting</html>");
      }
      const status = s.taskStatuses[Math.min(s.polls, s.taskStatuses.length - 1)];
      s.polls++;
      return send(200, { task: { id, type: "REPORT", componentKey: "acme_app", status, ...(status === "SUCCESS" ? { analysisId: s.analysisId } : {}), ...(s.errorMessage && status === "FAILED" ? { errorMessage: s.errorMessage } : {}) } });
    }
    if (url.pathname === "/api/qualitygates/project_status") {
      const s = byAnalysis.get(url.searchParams.get("analysisId") ?? "");
      if (!s?.gate) return send(404, { errors: [{ msg: "Analysis not found" }] });
      return send(200, { projectStatus: { status: s.gate.status, conditions: s.gate.conditions ?? [], ignoredConditions: false } });
    }
    return send(404, { errors: [{ msg: "Unknown url" }] });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  return {
    url,
    token,
    requests,
    authHeaders,
    set(taskId, scenario) {
      scenarios.set(taskId, { ...scenario, polls: 0 });
      if (scenario.analysisId) byAnalysis.set(scenario.analysisId, scenario);
    },
    report(taskId, projectKey = "acme_app") {
      return [
        `projectKey=${projectKey}`,
        `serverUrl=${url}`,
        "serverVersion=10.7.0.96327",
        `dashboardUrl=${url}/dashboard?id=${projectKey}`,
        `ceTaskId=${taskId}`,
        `ceTaskUrl=${url}/api/ce/task?id=${taskId}`,
        "",
      ].join("\n");
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
