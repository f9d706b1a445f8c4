/**
 * The AWS adapter: StartBuild, and what its failures mean. The client is created once per container, on
 * the first build to start (a container that only drops events never pays for it), and reused by every
 * later invocation. Region, credentials and endpoint come from the SDK's standard settings: AWS_REGION,
 * the Lambda role, and AWS_ENDPOINT_URL_CODEBUILD / AWS_ENDPOINT_URL, which the SDK reads
 * itself (serviceId "CodeBuild" → AWS_ENDPOINT_URL_CODEBUILD), so tests point it at a local server.
 */
import { CodeBuildClient, StartBuildCommand, type StartBuildCommandInput } from "@aws-sdk/client-codebuild";
import { StartBuildRejectedError, StartBuildRetryableError } from "./errors";

/**
 * A hung connection would otherwise hold the invocation until the Lambda timeout. If a StartBuild that
 * timed out did reach CodeBuild, the retry carries the same idempotency token and gets the same build.
 * Worst case with the SDK's 3 attempts: 3 × (3 s + 5 s) + backoff < 30 s, the function timeout to choose.
 * `throwOnRequestTimeout`: without it this SDK only logs a warning when requestTimeout passes.
 */
export const CLIENT_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 5_000 } as const;

export function createCodeBuildClient(timeouts: { connectionTimeout: number; requestTimeout: number } = CLIENT_TIMEOUTS, maxAttempts?: number): CodeBuildClient {
  return new CodeBuildClient({ requestHandler: { ...timeouts, throwOnRequestTimeout: true }, ...(maxAttempts === undefined ? {} : { maxAttempts }) });
}

let client: CodeBuildClient | undefined;

/** The container's one client, created on first use. */
export function codeBuildClient(): CodeBuildClient {
  client ??= createCodeBuildClient();
  return client;
}

export interface StartedBuild {
  readonly buildId: string;
}

export type StartBuild = (input: StartBuildCommandInput) => Promise<StartedBuild>;

/**
 * "Not now" answers. `AccountLimitExceededException` is what CodeBuild returns when the project's
 * `concurrent_build_limit = 1` is reached (a deploy of this environment is running) or the account's build
 * queue is full (new accounts: "Cannot have more than 0 builds in queue for the account"): it does not queue.
 */
const RETRYABLE = new Set([
  "AccountLimitExceededException",
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottledException",
  "LimitExceededException",
  "ServiceUnavailableException",
  "InternalServerException",
  "InternalFailure",
]);

interface AwsErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/**
 * Both outcomes are thrown (see errors.ts); the class says which: retryable when CodeBuild said "not now",
 * answered 5xx, or never answered (network, timeout); rejected when it refused the request (4xx, e.g.
 * InvalidInputException, ResourceNotFoundException, AccessDeniedException).
 */
export function classifyStartBuildError(err: unknown): StartBuildRetryableError | StartBuildRejectedError {
  const e = (typeof err === "object" && err !== null ? err : {}) as AwsErrorShape;
  const name = typeof e.name === "string" ? e.name : "Error";
  const message = typeof e.message === "string" ? e.message : String(err);
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;
  const text = `StartBuild failed: ${name}: ${message}`;
  if (RETRYABLE.has(name) || e.$fault === "server" || status === undefined || status >= 500) {
    return new StartBuildRetryableError(name, text, { cause: err });
  }
  return new StartBuildRejectedError(name, text, { cause: err });
}

export async function startBuild(input: StartBuildCommandInput): Promise<StartedBuild> {
  let buildId: string | undefined;
  try {
    const out = await codeBuildClient().send(new StartBuildCommand(input));
    buildId = out.build?.id;
  } catch (err) {
    throw classifyStartBuildError(err);
  }
  if (!buildId) throw new StartBuildRetryableError("MissingBuildId", "StartBuild succeeded but returned no build id");
  return { buildId };
}
