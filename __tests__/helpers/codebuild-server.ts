/**
 * A local HTTP server that speaks CodeBuild's wire protocol (AWS JSON 1.1: POST /, `Content-Type:
 * application/x-amz-json-1.1`, `X-Amz-Target: CodeBuild_20161006.<Operation>`, errors as `{"__type", "message"}`
 * with a 4xx/5xx status), for driving the real AWS SDK client through AWS_ENDPOINT_URL_CODEBUILD. It records
 * every request exactly as received, so tests assert the body the client sent, not what a mock was called with.
 *
 * StartBuild answers like CodeBuild: a new build `<project>:<uuid>` IN_PROGRESS, or, for an idempotency token
 * seen before with the same parameters, the same build again (with different parameters: InvalidInputException).
 * `failNext` scripts error replies for the next requests (throttling, a running deploy, a 5xx).
 * Plain Node, no test-framework imports: bench/lambda/run.mjs loads it too.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const CODEBUILD_TARGET_PREFIX = "CodeBuild_20161006.";
export const AMZ_JSON_1_1 = "application/x-amz-json-1.1";

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The operation from X-Amz-Target, e.g. "StartBuild" (undefined when the header is missing or foreign). */
  readonly operation: string | undefined;
  readonly rawBody: string;
  /** The JSON body, or undefined when it was not JSON. */
  readonly body: unknown;
}

export interface ScriptedError {
  /** `__type`, e.g. "AccountLimitExceededException". */
  readonly type: string;
  readonly message: string;
  /** @default 400 */
  readonly status?: number;
}

export interface CodeBuildServer {
  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL_CODEBUILD. */
  readonly endpoint: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Builds started, in order (idempotent repeats are not new builds). */
  readonly builds: { readonly id: string; readonly token: string | undefined; readonly input: Record<string, unknown> }[];
  /** The next `count` requests (default 1) get this error instead of being served. */
  failNext(error: ScriptedError, count?: number): void;
  /** Forget requests, builds, tokens and scripted errors. */
  reset(): void;
  stop(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": AMZ_JSON_1_1, "content-length": String(Buffer.byteLength(text)), "x-amzn-requestid": randomUUID() };
  if (status >= 400) headers["x-amzn-errortype"] = (body as { __type: string }).__type;
  res.writeHead(status, headers).end(text);
}

export async function startCodeBuildServer(options: { region?: string; accountId?: string } = {}): Promise<CodeBuildServer> {
  const region = options.region ?? "eu-west-1";
  const accountId = options.accountId ?? "012345678901";
  const requests: RecordedRequest[] = [];
  const builds: { id: string; token: string | undefined; input: Record<string, unknown> }[] = [];
  const tokens = new Map<string, { paramsHash: string; build: Record<string, unknown> }>();
  const scripted: ScriptedError[] = [];

  const startBuild = (input: Record<string, unknown>): { status: number; body: unknown } => {
    const projectName = input.projectName;
    if (typeof projectName !== "string" || projectName === "") {
      return { status: 400, body: { __type: "InvalidInputException", message: "projectName is required" } };
    }
    const token = typeof input.idempotencyToken === "string" ? input.idempotencyToken : undefined;
    const paramsHash = createHash("sha256").update(JSON.stringify({ ...input, idempotencyToken: undefined })).digest("hex");
    if (token !== undefined) {
      const seen = tokens.get(token);
      if (seen && seen.paramsHash !== paramsHash) {
        return { status: 400, body: { __type: "InvalidInputException", message: "Idempotency token already used with different parameters" } };
      }
      if (seen) return { status: 200, body: { build: seen.build } };
    }
    const id = `${projectName}:${randomUUID()}`;
    const build = {
      id,
      arn: `arn:aws:codebuild:${region}:${accountId}:build/${id}`,
      buildNumber: builds.length + 1,
      startTime: Date.now() / 1000,
      currentPhase: "QUEUED",
      buildStatus: "IN_PROGRESS",
      projectName,
      environment: { type: "LINUX_CONTAINER", image: "aws/codebuild/standard:7.0", computeType: "BUILD_GENERAL1_SMALL", environmentVariables: input.environmentVariablesOverride ?? [] },
      buildComplete: false,
      initiator: "fleet-assets-tracker",
    };
    builds.push({ id, token, input });
    if (token !== undefined) tokens.set(token, { paramsHash, build });
    return { status: 200, body: { build } };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = JSON.parse(rawBody) as unknown;
      } catch {
        body = undefined;
      }
      const target = req.headers["x-amz-target"];
      const operation = typeof target === "string" && target.startsWith(CODEBUILD_TARGET_PREFIX) ? target.slice(CODEBUILD_TARGET_PREFIX.length) : undefined;
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, operation, rawBody, body });

      const error = scripted.shift();
      if (error) return send(res, error.status ?? 400, { __type: error.type, message: error.message });
      if (req.method !== "POST" || operation === undefined) {
        return send(res, 400, { __type: "UnknownOperationException", message: `expected POST with X-Amz-Target ${CODEBUILD_TARGET_PREFIX}<Operation>` });
      }
      if (!String(req.headers["content-type"]).startsWith(AMZ_JSON_1_1)) {
        return send(res, 400, { __type: "SerializationException", message: `Content-Type must be ${AMZ_JSON_1_1}` });
      }
      if (typeof body !== "object" || body === null) return send(res, 400, { __type: "SerializationException", message: "body is not a JSON object" });
      if (operation !== "StartBuild") return send(res, 400, { __type: "UnknownOperationException", message: `${operation} is not served here` });
      const r = startBuild(body as Record<string, unknown>);
      send(res, r.status, r.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    builds,
    failNext(error, count = 1) {
      for (let i = 0; i < count; i++) scripted.push(error);
    },
    reset() {
      requests.length = 0;
      builds.length = 0;
      tokens.clear();
      scripted.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
