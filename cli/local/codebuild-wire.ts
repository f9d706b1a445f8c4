/**
 * CodeBuild's wire protocol, as documented for the JSON 1.1 services: `POST /`, `Content-Type:
 * application/x-amz-json-1.1`, `X-Amz-Target: CodeBuild_20161006.<Operation>`, errors as `{"__type",
 * "message"}` with a 4xx/5xx status and the type in `x-amzn-errortype`. One module for every local
 * CodeBuild: the one `fleet local` runs builds with, and the recording one of the tests.
 */
import { createHash, randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

export const CODEBUILD_TARGET_PREFIX = "CodeBuild_20161006.";
export const AMZ_JSON_1_1 = "application/x-amz-json-1.1";
/** StartBuild's idempotency tokens are remembered this long. */
export const IDEMPOTENCY_WINDOW_MS = 5 * 60 * 1000;

export interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
  readonly type?: string;
}

/** An error reply: `__type` and `message`, with its HTTP status. */
export class CodeBuildApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Sends a reply; an error reply (status ≥ 400) carries its `__type` in `x-amzn-errortype` too. */
export function sendReply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": AMZ_JSON_1_1, "content-length": String(Buffer.byteLength(text)), "x-amzn-requestid": randomUUID() };
  if (status >= 400) headers["x-amzn-errortype"] = (body as { __type?: string }).__type ?? "InternalFailure";
  res.writeHead(status, headers);
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof CodeBuildApiError) sendReply(res, err.status, { __type: err.type, message: err.message });
  else sendReply(res, 500, { __type: "InternalFailure", message: (err as Error).message });
}

/** The operation named by `X-Amz-Target`, e.g. "StartBuild"; undefined when the header is missing or foreign. */
export function operationOf(headers: IncomingHttpHeaders): string | undefined {
  const target = headers["x-amz-target"];
  return typeof target === "string" && target.startsWith(CODEBUILD_TARGET_PREFIX) ? target.slice(CODEBUILD_TARGET_PREFIX.length) : undefined;
}

export const unknownOperation = (): CodeBuildApiError => new CodeBuildApiError("UnknownOperationException", `expected POST with X-Amz-Target ${CODEBUILD_TARGET_PREFIX}<Operation>`);

/** The access key id from a SigV4 Authorization header: `AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...`. */
export function accessKeyOf(authorization: string | undefined): string | undefined {
  const m = /Credential=([^/,\s]+)\//.exec(authorization ?? "");
  return m?.[1];
}

/** StartBuild's `projectName`, required. */
export function projectNameOf(input: Record<string, unknown>): string {
  const projectName = input.projectName;
  if (typeof projectName !== "string" || projectName === "") throw new CodeBuildApiError("InvalidInputException", "projectName is required");
  return projectName;
}

/** StartBuild's `environmentVariablesOverride`: PLAINTEXT name/value pairs only. */
export function parseOverrides(value: unknown): EnvironmentVariable[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new CodeBuildApiError("InvalidInputException", "environmentVariablesOverride must be a list");
  return value.map((v: unknown, i) => {
    const o = (v ?? {}) as Record<string, unknown>;
    if (typeof o.name !== "string" || o.name === "" || typeof o.value !== "string") {
      throw new CodeBuildApiError("InvalidInputException", `environmentVariablesOverride[${i}] needs a name and a string value`);
    }
    const type = typeof o.type === "string" ? o.type : "PLAINTEXT";
    if (type !== "PLAINTEXT") throw new CodeBuildApiError("InvalidInputException", `environmentVariablesOverride[${i}] type ${type}: only PLAINTEXT is supported by the local CodeBuild`);
    return { name: o.name, value: o.value, type };
  });
}

/**
 * StartBuild's idempotency: the same token with the same parameters (within the window) returns the same
 * build and starts nothing; the same token with other parameters is an InvalidInputException.
 */
export class IdempotencyTokens<T> {
  private readonly seen = new Map<string, { readonly value: T; readonly paramsHash: string; readonly at: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs: number = IDEMPOTENCY_WINDOW_MS,
  ) {}

  /** The earlier result of this request, or undefined when it is new. */
  repeatOf(input: Record<string, unknown>): T | undefined {
    const token = tokenOf(input);
    const seen = token === undefined ? undefined : this.seen.get(token);
    if (!seen || this.now() - seen.at >= this.windowMs) return undefined;
    if (seen.paramsHash !== paramsHash(input)) throw new CodeBuildApiError("InvalidInputException", `Idempotency token ${token} was already used with different parameters`);
    return seen.value;
  }

  remember(input: Record<string, unknown>, value: T): void {
    const token = tokenOf(input);
    if (token !== undefined) this.seen.set(token, { value, paramsHash: paramsHash(input), at: this.now() });
  }

  clear(): void {
    this.seen.clear();
  }
}

export const tokenOf = (input: Record<string, unknown>): string | undefined => (typeof input.idempotencyToken === "string" ? input.idempotencyToken : undefined);
const paramsHash = (input: Record<string, unknown>) => createHash("sha256").update(JSON.stringify({ ...input, idempotencyToken: undefined })).digest("hex");
