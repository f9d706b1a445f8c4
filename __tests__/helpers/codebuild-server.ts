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
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AMZ_JSON_1_1,
  CodeBuildApiError,
  IdempotencyTokens,
  operationOf,
  projectNameOf,
  readBody,
  sendError,
  sendReply,
  tokenOf,
  unknownOperation,
} from "../../cli/local/codebuild-wire";

export { AMZ_JSON_1_1, CODEBUILD_TARGET_PREFIX } from "../../cli/local/codebuild-wire";

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

export async function startCodeBuildServer(options: { region?: string; accountId?: string } = {}): Promise<CodeBuildServer> {
  const region = options.region ?? "eu-west-1";
  const accountId = options.accountId ?? "012345678901";
  const requests: RecordedRequest[] = [];
  const builds: { id: string; token: string | undefined; input: Record<string, unknown> }[] = [];
  // Tokens do not expire here: a test's requests all fall within CodeBuild's window.
  const tokens = new IdempotencyTokens<Record<string, unknown>>(Date.now, Infinity);
  const scripted: ScriptedError[] = [];

  const startBuild = (input: Record<string, unknown>): Record<string, unknown> => {
    const projectName = projectNameOf(input);
    const repeat = tokens.repeatOf(input);
    if (repeat) return repeat;
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
    builds.push({ id, token: tokenOf(input), input });
    tokens.remember(input, build);
    return build;
  };

  const serve = (method: string, headers: IncomingHttpHeaders, operation: string | undefined, body: unknown): Record<string, unknown> => {
    const error = scripted.shift();
    if (error) throw new CodeBuildApiError(error.type, error.message, error.status ?? 400);
    if (method !== "POST" || operation === undefined) throw unknownOperation();
    if (!String(headers["content-type"]).startsWith(AMZ_JSON_1_1)) throw new CodeBuildApiError("SerializationException", `Content-Type must be ${AMZ_JSON_1_1}`);
    if (typeof body !== "object" || body === null) throw new CodeBuildApiError("SerializationException", "body is not a JSON object");
    if (operation !== "StartBuild") throw new CodeBuildApiError("UnknownOperationException", `${operation} is not served here`);
    return { build: startBuild(body as Record<string, unknown>) };
  };

  const server = createServer((req, res) => {
    void readBody(req).then((rawBody) => {
      let body: unknown;
      try {
        body = JSON.parse(rawBody) as unknown;
      } catch {
        body = undefined;
      }
      const operation = operationOf(req.headers);
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, operation, rawBody, body });
      try {
        sendReply(res, 200, serve(req.method ?? "", req.headers, operation, body));
      } catch (err) {
        sendError(res, err);
      }
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
