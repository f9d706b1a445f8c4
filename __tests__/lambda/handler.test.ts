/**
 * The handler in process, with the real CodeBuild adapter (real SDK client, signing, retries, error
 * parsing) against the local CodeBuild server: what each CodeBuild answer makes of an event.
 */
import { CodeBuildClient, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { freePort } from "../helpers/moto";
import { startCodeBuildServer, type CodeBuildServer } from "../helpers/codebuild-server";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { classifyStartBuildError, createCodeBuildClient, startBuild } from "../../lambdas/assets_tracker/codebuild";
import { readConfig } from "../../lambdas/assets_tracker/config";
import { decide } from "../../lambdas/assets_tracker/decide";
import { StartBuildRejectedError, StartBuildRetryableError, TrackerConfigError } from "../../lambdas/assets_tracker/errors";
import { handleEvent, type DecisionLog } from "../../lambdas/assets_tracker/handler";
import { ALPHA, ALPHA_ENV, loadEvent } from "./events";

const AWS_ENV = { AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_SESSION_TOKEN: "testing" };

let server: CodeBuildServer;
const saved = { ...process.env };

beforeAll(async () => {
  server = await startCodeBuildServer();
  // Set before the adapter's first call: it creates its client once, from the standard settings.
  Object.assign(process.env, AWS_ENV, { AWS_ENDPOINT_URL_CODEBUILD: server.endpoint });
});

afterAll(async () => {
  process.env = saved;
  await server.stop();
});

beforeEach(() => server.reset());

function run(event: unknown, env: Record<string, string | undefined> = ALPHA_ENV) {
  const lines: DecisionLog[] = [];
  const result = handleEvent(event, { config: () => readConfig(env), startBuild, log: (l) => lines.push(l) });
  return { result, lines };
}

describe("Function: handleEvent with the CodeBuild adapter", () => {
  it("starts the build, sending the decided input through AWS_ENDPOINT_URL_CODEBUILD, and logs one start line", async () => {
    // Prepare
    const event = loadEvent("put-object");
    const expected = decide(structuredClone(event), ALPHA);

    // Act
    const { result, lines } = run(event);
    const outcome = await result;

    // Assess
    expect(expected.decision).toBe("start");
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req?.operation).toBe("StartBuild");
    expect(req?.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(req?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=testing\/\d{8}\/eu-west-1\/codebuild\/aws4_request/);
    expect(req?.body).toEqual(expected.decision === "start" ? expected.input : undefined);
    expect(outcome).toEqual({ decision: "start", buildId: server.builds[0]?.id });
    expect(lines).toEqual([
      {
        level: "info",
        message: "assets_tracker",
        environment: "alpha",
        eventId: "5b1c2f0e-7a1d-4c3e-9d11-0f6e2a9c1b77",
        key: "releases/alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json",
        versionId: "Qm3.aZ0tQw8d1rLq2n5Yk7hP0bXcV9eT",
        decision: "start",
        buildId: server.builds[0]?.id,
      },
    ]);
  });

  it("drops a bad event without calling CodeBuild, and logs why", async () => {
    // Prepare
    const event = loadEvent("put-object");
    event.detail.bucket.name = "someone-elses-bucket";

    // Act
    const { result, lines } = run(event);

    // Assess
    await expect(result).resolves.toEqual({ decision: "drop", reason: 'bucket "someone-elses-bucket" is not the artifact bucket acme-fleet-artifacts' });
    expect(server.requests).toHaveLength(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn", decision: "drop", environment: "alpha", eventId: "5b1c2f0e-7a1d-4c3e-9d11-0f6e2a9c1b77" });
  });

  it("throws a retryable error when a deploy is already running (concurrent_build_limit = 1)", async () => {
    // Prepare
    server.failNext({ type: "AccountLimitExceededException", message: "Cannot have more than 1 active builds for the project fleet-deploy-alpha" });

    // Act
    const { result, lines } = run(loadEvent("put-object"));

    // Assess: thrown at once (the SDK does not retry it), so Lambda's async retry takes over.
    await expect(result).rejects.toThrow(StartBuildRetryableError);
    expect(server.requests).toHaveLength(1);
    expect(lines).toEqual([expect.objectContaining({ level: "error", decision: "retry", errorName: "AccountLimitExceededException", reason: expect.stringContaining("Cannot have more than 1 active builds") as unknown })]);
  });

  it("rides out one throttling answer inside the invocation, with the same idempotency token", async () => {
    // Prepare
    server.failNext({ type: "ThrottlingException", message: "Rate exceeded" });

    // Act
    const { result, lines } = run(loadEvent("put-object"));

    // Assess
    await expect(result).resolves.toMatchObject({ decision: "start" });
    expect(server.requests).toHaveLength(2);
    const tokens = server.requests.map((r) => (r.body as { idempotencyToken: string }).idempotencyToken);
    expect(tokens[1]).toBe(tokens[0]);
    expect(lines.map((l) => l.decision)).toEqual(["start"]);
  });

  it("throws a retryable error when CodeBuild keeps answering 5xx", async () => {
    // Prepare
    server.failNext({ type: "InternalFailure", message: "boom", status: 500 }, 3);

    // Act
    const { result, lines } = run(loadEvent("put-object"));

    // Assess
    await expect(result).rejects.toThrow(StartBuildRetryableError);
    expect(server.requests).toHaveLength(3);
    expect(lines).toEqual([expect.objectContaining({ decision: "retry", errorName: "InternalFailure" })]);
  });

  it.each([
    ["ResourceNotFoundException", "Project cannot be found: arn:aws:codebuild:eu-west-1:012345678901:project/fleet-deploy-alpha"],
    ["InvalidInputException", "Invalid input: buildspec override is not allowed"],
    ["AccessDeniedException", "User is not authorized to perform: codebuild:StartBuild"],
  ])("throws a rejected (configuration) error on %s, so the on-failure queue keeps the event", async (type, message) => {
    // Prepare
    server.failNext({ type, message });

    // Act
    const { result, lines } = run(loadEvent("put-object"));

    // Assess
    await expect(result).rejects.toThrow(StartBuildRejectedError);
    await expect(result).rejects.toThrow(`StartBuild failed: ${type}: ${message}`);
    expect(server.requests).toHaveLength(1);
    expect(lines).toEqual([expect.objectContaining({ level: "error", decision: "error", errorName: type })]);
  });

  it("throws and logs a configuration error naming the missing variable, before reading the event", async () => {
    // Prepare
    const env = { ...ALPHA_ENV, FLEET_CODEBUILD_PROJECT: undefined };

    // Act
    const { result, lines } = run(loadEvent("put-object"), env);

    // Assess
    await expect(result).rejects.toThrow(TrackerConfigError);
    await expect(result).rejects.toThrow("FLEET_CODEBUILD_PROJECT is not set");
    expect(server.requests).toHaveLength(0);
    expect(lines).toEqual([expect.objectContaining({ level: "error", decision: "error", errorName: "TrackerConfigError", eventId: "5b1c2f0e-7a1d-4c3e-9d11-0f6e2a9c1b77" })]);
  });
});

describe("Function: classifyStartBuildError", () => {
  it("calls a connection refused (no HTTP answer) retryable", async () => {
    // Prepare: a real SDK network error from a port nobody listens on.
    const closed = `http://127.0.0.1:${await freePort()}`;
    const client = new CodeBuildClient({ endpoint: closed, maxAttempts: 1 });
    let error: unknown;

    // Act
    try {
      await client.send(new StartBuildCommand({ projectName: "fleet-deploy-alpha" }));
    } catch (err) {
      error = err;
    }

    // Assess
    expect(error).toBeDefined();
    expect(classifyStartBuildError(error)).toBeInstanceOf(StartBuildRetryableError);
  });

  it("calls a request that outlives requestTimeout retryable: the client's timeouts really abort", async () => {
    // Prepare: a server that accepts and never answers; the adapter's client factory with short timeouts.
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    const saved = process.env.AWS_ENDPOINT_URL_CODEBUILD;
    process.env.AWS_ENDPOINT_URL_CODEBUILD = endpoint;
    const client = createCodeBuildClient({ connectionTimeout: 200, requestTimeout: 300 }, 1);
    let error: unknown;
    const started = Date.now();

    // Act
    try {
      await client.send(new StartBuildCommand({ projectName: "fleet-deploy-alpha" }));
    } catch (err) {
      error = err;
    } finally {
      process.env.AWS_ENDPOINT_URL_CODEBUILD = saved; // read by the SDK when it sends, not when it is created
      hanging.closeAllConnections();
      hanging.close();
    }

    // Assess
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toMatchObject({ name: "TimeoutError" });
    expect(classifyStartBuildError(error)).toBeInstanceOf(StartBuildRetryableError);
  }, 10_000);

  it.each([
    ["ThrottlingException", 400, "client", StartBuildRetryableError],
    ["TooManyRequestsException", 429, "client", StartBuildRetryableError],
    ["AccountLimitExceededException", 400, "client", StartBuildRetryableError],
    ["ServiceUnavailable", 503, "server", StartBuildRetryableError],
    ["InvalidInputException", 400, "client", StartBuildRejectedError],
    ["ResourceNotFoundException", 400, "client", StartBuildRejectedError],
    ["AccountSuspendedException", 400, "client", StartBuildRejectedError],
  ])("classifies %s (%d)", (name, httpStatusCode, fault, expected) => {
    // Prepare: the shape of an SDK ServiceException.
    const err = Object.assign(new Error("m"), { name, $fault: fault, $metadata: { httpStatusCode } });

    // Act & Assess
    expect(classifyStartBuildError(err)).toBeInstanceOf(expected);
  });
});
