/**
 * The shipped artifact: dist/lambdas/assets_tracker/index.js (what the tenant stack zips), required in a
 * child process as the Lambda runtime would, with only the environment the function gets, pointed at the
 * local CodeBuild server through AWS_ENDPOINT_URL_CODEBUILD.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ensureBuilt } from "../helpers/bundles";
import { startCodeBuildServer, type CodeBuildServer } from "../helpers/codebuild-server";
import { decide } from "../../lambdas/assets_tracker/decide";
import { ALPHA, ALPHA_ENV, loadEvent } from "./events";

const ROOT = join(__dirname, "..", "..");
const BUNDLE = join(ROOT, "dist", "lambdas", "assets_tracker", "index.js");
const RUNNER = join(__dirname, "run-handler.cjs");

/** Builds when the bundle is missing or older than its sources (the handler, core/, the build scripts). */
function ensureBundle(): void {
  ensureBuilt(["dist/lambdas/assets_tracker/index.js"], ["lambdas"]);
}

interface Run {
  readonly code: number | null;
  /** The handler's JSON log lines (stdout and stderr). */
  readonly logs: Record<string, unknown>[];
  readonly results: unknown[];
  readonly errors: string[];
}

/** One container: the bundle required once, then `handler` called for each event. */
function runBundle(events: unknown[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, BUNDLE], { env: { PATH: process.env.PATH, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => {
      const lines = `${out}\n${err}`.split("\n").filter((l) => l.trim() !== "");
      resolve({
        code,
        logs: lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>),
        results: lines.filter((l) => l.startsWith("result: ")).map((l) => JSON.parse(l.slice("result: ".length)) as unknown),
        errors: lines.filter((l) => l.startsWith("error: ")),
      });
    });
    child.stdin.end(JSON.stringify(events));
  });
}

let server: CodeBuildServer;
let env: Record<string, string>;

beforeAll(async () => {
  ensureBundle();
  server = await startCodeBuildServer();
  env = {
    ...ALPHA_ENV,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "testing",
    AWS_ENDPOINT_URL_CODEBUILD: server.endpoint,
  };
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => server.reset());

describe("Bundle: dist/lambdas/assets_tracker/index.js", () => {
  it("sends CodeBuild exactly the decided StartBuild body and logs one start line", async () => {
    // Prepare
    const event = loadEvent("put-object");
    const expected = decide(structuredClone(event), ALPHA);

    // Act
    const run = await runBundle([event], env);

    // Assess
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers["x-amz-target"]).toBe("CodeBuild_20161006.StartBuild");
    expect(server.requests[0]?.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(server.requests[0]?.body).toEqual(expected.decision === "start" ? expected.input : "not a start");
    expect(run.results).toEqual([{ decision: "start", buildId: server.builds[0]?.id }]);
    expect(run.logs).toEqual([
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

  it("sends the same idempotency token for a duplicate delivery, so CodeBuild starts one build", async () => {
    // Prepare: the same S3 write delivered twice, the second time under a new event id.
    const first = loadEvent("put-object");
    const again = loadEvent("put-object");
    again.id = "0e4d9f7a-0000-4000-8000-000000000001";

    // Act: in one container, then in a fresh one (a retry may land anywhere).
    const warm = await runBundle([first, again], env);
    const cold = await runBundle([again], env);

    // Assess
    expect([warm.code, cold.code]).toEqual([0, 0]);
    const tokens = server.requests.map((r) => (r.body as { idempotencyToken: string }).idempotencyToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
    expect(server.builds).toHaveLength(1);
    expect([...warm.results, ...cold.results]).toEqual([0, 1, 2].map(() => ({ decision: "start", buildId: server.builds[0]?.id })));
  });

  it("fails the invocation on AccountLimitExceededException, so the async invoke retries it", async () => {
    // Prepare
    server.failNext({ type: "AccountLimitExceededException", message: "Cannot have more than 1 active builds for the project fleet-deploy-alpha" });

    // Act
    const run = await runBundle([loadEvent("put-object")], env);

    // Assess
    expect(run.code).toBe(1);
    expect(run.errors).toEqual(["error: StartBuildRetryableError: StartBuild failed: AccountLimitExceededException: Cannot have more than 1 active builds for the project fleet-deploy-alpha"]);
    expect(server.requests).toHaveLength(1);
    expect(run.logs).toEqual([expect.objectContaining({ level: "error", decision: "retry", errorName: "AccountLimitExceededException" })]);
  });

  it("sends nothing for a dropped event, succeeds, and logs the reason", async () => {
    // Prepare
    const event = loadEvent("put-object");
    event.detail.object.key = "releases/bravo/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json";

    // Act
    const run = await runBundle([event], env);

    // Assess
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(0);
    const reason = 'key "releases/bravo/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json" is a release of environment "bravo", not of "alpha"';
    expect(run.results).toEqual([{ decision: "drop", reason }]);
    expect(run.logs).toEqual([expect.objectContaining({ level: "warn", decision: "drop", reason, environment: "alpha" })]);
  });

  it("starts a build for moto's event shape too", async () => {
    // Act
    const run = await runBundle([loadEvent("moto-put-object")], env);

    // Assess
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toMatchObject({
      projectName: "fleet-deploy-alpha",
      environmentVariablesOverride: expect.arrayContaining([{ name: "FLEET_RELEASE_VERSION_ID", value: "6b2f1c0e-3a4d-4e5f-8a9b-0c1d2e3f4a5b", type: "PLAINTEXT" }]) as unknown,
    });
  });

  it("honours AWS_ENDPOINT_URL when no CodeBuild-specific endpoint is set", async () => {
    // Prepare
    const { AWS_ENDPOINT_URL_CODEBUILD: endpoint, ...rest } = env;

    // Act
    const run = await runBundle([loadEvent("put-object")], { ...rest, AWS_ENDPOINT_URL: endpoint });

    // Assess
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it("fails, naming the variable, when the function is misconfigured", async () => {
    // Prepare
    const { FLEET_CENTRAL_ACCOUNT_ID: _omitted, ...partial } = env;

    // Act
    const run = await runBundle([loadEvent("put-object")], partial);

    // Assess
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain("TrackerConfigError: assets_tracker configuration: FLEET_CENTRAL_ACCOUNT_ID is not set");
    expect(server.requests).toHaveLength(0);
  });
});
