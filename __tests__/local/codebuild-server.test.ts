import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BatchGetBuildsCommand, CodeBuildClient, StartBuildCommand, type StartBuildCommandInput } from "@aws-sdk/client-codebuild";
import { startCodeBuildServer, type CodeBuildServer, type ProjectConfig } from "../../cli/local/codebuild-server";
import { removeDir, tempDir } from "../helpers/fs";

// The build program: writes its environment to env.json in its work dir, then waits until a file named
// "release" appears there (so that a test can hold a build "running").
const PROGRAM = `
const fs = require("fs");
fs.writeFileSync("env.json", JSON.stringify(process.env));
const hold = process.env.HOLD === "1";
const t = setInterval(() => { if (!hold || fs.existsSync("release")) { clearInterval(t); process.exit(Number(process.env.EXIT_CODE || 0)); } }, 20);
`;

const project: ProjectConfig = {
  name: "fleet-deploy-alpha",
  account: "012345678901",
  region: "eu-west-1",
  concurrentBuildLimit: 1,
  environmentVariables: [
    { name: "FLEET_ENVIRONMENT", value: "alpha", type: "PLAINTEXT" },
    { name: "FLEET_HOLD", value: "false", type: "PLAINTEXT" },
  ],
};

const start = (overrides: Record<string, string>, token?: string): StartBuildCommandInput => ({
  projectName: "fleet-deploy-alpha",
  environmentVariablesOverride: Object.entries(overrides).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })),
  ...(token ? { idempotencyToken: token } : {}),
});

describe("Local CodeBuild server", () => {
  let dir: string;
  let server: CodeBuildServer;
  let client: CodeBuildClient;
  let clock: number;

  beforeEach(async () => {
    dir = tempDir("fleet-cb-");
    clock = Date.now();
    server = await startCodeBuildServer({
      projects: [project],
      workDir: dir,
      command: [process.execPath, "-e", PROGRAM],
      awsEnv: async (account, region) => ({ AWS_REGION: region, TEST_ACCOUNT: account }),
      accountOfAccessKey: (key) => (key === "ALPHAKEY" ? "012345678901" : key === "OTHERKEY" ? "999999999999" : undefined),
      now: () => clock,
    });
    client = new CodeBuildClient({ endpoint: server.endpoint, region: "eu-west-1", credentials: { accessKeyId: "ALPHAKEY", secretAccessKey: "x" }, maxAttempts: 1 });
  });

  afterEach(async () => {
    for (const b of server.builds) writeFileSync(join(b.workDir, "release"), "");
    await server.idle();
    await server.close();
    client.destroy();
    removeDir(dir);
  });

  it("runs the build with the project's variables, then the overrides, then CODEBUILD_BUILD_ID", async () => {
    // Act
    const out = await client.send(new StartBuildCommand(start({ FLEET_RELEASE_KEY: "releases/alpha/x.json", FLEET_HOLD: "true" })));
    await server.idle();
    const got = await client.send(new BatchGetBuildsCommand({ ids: [out.build!.id!, "fleet-deploy-alpha:missing"] }));

    // Assess
    const env = JSON.parse(readFileSync(join(firstBuild(server).workDir, "env.json"), "utf8")) as Record<string, string>;
    expect(env.FLEET_ENVIRONMENT).toBe("alpha");
    expect(env.FLEET_RELEASE_KEY).toBe("releases/alpha/x.json");
    expect(env.FLEET_HOLD).toBe("true"); // the override wins over the project's value, as in CodeBuild
    expect(env.CODEBUILD_BUILD_ID).toBe(out.build!.id);
    expect(env.TEST_ACCOUNT).toBe("012345678901");
    expect(got.builds?.[0]?.buildStatus).toBe("SUCCEEDED");
    expect(got.builds?.[0]?.environment?.environmentVariables).toContainEqual({ name: "FLEET_RELEASE_KEY", value: "releases/alpha/x.json", type: "PLAINTEXT" });
    expect(got.buildsNotFound).toEqual(["fleet-deploy-alpha:missing"]);
  });

  it("answers AccountLimitExceededException while the project's one allowed build runs, and starts again after it", async () => {
    // Prepare
    const first = await client.send(new StartBuildCommand(start({ HOLD: "1" })));

    // Act
    const second = client.send(new StartBuildCommand(start({ HOLD: "1", OTHER: "x" })));

    // Assess
    await expect(second).rejects.toMatchObject({ name: "AccountLimitExceededException", $metadata: { httpStatusCode: 400 } });
    writeFileSync(join(firstBuild(server).workDir, "release"), "");
    await server.idle();
    const third = await client.send(new StartBuildCommand(start({})));
    expect(third.build!.id).not.toBe(first.build!.id);
    expect(server.builds).toHaveLength(2);
  });

  it("returns the same build for the same idempotency token and starts nothing new", async () => {
    // Act
    const a = await client.send(new StartBuildCommand(start({ FLEET_RELEASE_KEY: "k" }, "token-1")));
    const b = await client.send(new StartBuildCommand(start({ FLEET_RELEASE_KEY: "k" }, "token-1")));
    await server.idle();

    // Assess
    expect(b.build!.id).toBe(a.build!.id);
    expect(server.builds).toHaveLength(1);
  });

  it("refuses a reused idempotency token with other parameters", async () => {
    // Prepare
    await client.send(new StartBuildCommand(start({ FLEET_RELEASE_KEY: "k" }, "token-2")));
    await server.idle();

    // Act
    const reuse = client.send(new StartBuildCommand(start({ FLEET_RELEASE_KEY: "other" }, "token-2")));

    // Assess
    await expect(reuse).rejects.toMatchObject({ name: "InvalidInputException" });
    expect(server.builds).toHaveLength(1);
  });

  it("forgets an idempotency token after 5 minutes", async () => {
    // Prepare
    const a = await client.send(new StartBuildCommand(start({ FLEET_RELEASE_KEY: "k" }, "token-3")));
    await server.idle();
    clock += 5 * 60 * 1000 + 1;

    // Act
    const b = await client.send(new StartBuildCommand(start({ FLEET_RELEASE_KEY: "k" }, "token-3")));
    await server.idle();

    // Assess
    expect(b.build!.id).not.toBe(a.build!.id);
    expect(server.builds).toHaveLength(2);
  });

  it("answers 'build already running' once when the drill asks for it", async () => {
    // Prepare
    server.failNextStartWithLimit("fleet-deploy-alpha");

    // Act
    const first = client.send(new StartBuildCommand(start({}, "token-4")));

    // Assess
    await expect(first).rejects.toMatchObject({ name: "AccountLimitExceededException" });
    expect(server.builds).toHaveLength(0);
    const retry = await client.send(new StartBuildCommand(start({}, "token-4")));
    expect(retry.build!.buildStatus).toBe("IN_PROGRESS");
  });

  it("does not find the project for another account's credentials, nor an unknown project", async () => {
    // Prepare
    const other = new CodeBuildClient({ endpoint: server.endpoint, region: "eu-west-1", credentials: { accessKeyId: "OTHERKEY", secretAccessKey: "x" }, maxAttempts: 1 });

    // Act
    const wrongAccount = await other.send(new StartBuildCommand(start({}))).catch((e: unknown) => e);
    const unknown = await client.send(new StartBuildCommand({ projectName: "fleet-deploy-nobody" })).catch((e: unknown) => e);

    // Assess
    expect(wrongAccount).toMatchObject({ name: "ResourceNotFoundException" });
    expect(unknown).toMatchObject({ name: "ResourceNotFoundException" });
    expect(server.builds).toHaveLength(0);
    other.destroy();
  });

  it("queues builds beyond this machine's slots instead of running them all at once", async () => {
    // Prepare
    const other: ProjectConfig = { ...project, name: "fleet-deploy-bravo", concurrentBuildLimit: 1 };
    const limited = await startCodeBuildServer({ projects: [project, other], workDir: dir, command: [process.execPath, "-e", PROGRAM], awsEnv: async () => ({}), maxRunning: 1 });
    const c = new CodeBuildClient({ endpoint: limited.endpoint, region: "eu-west-1", credentials: { accessKeyId: "k", secretAccessKey: "x" }, maxAttempts: 1 });

    // Act
    await c.send(new StartBuildCommand(start({ HOLD: "1" })));
    await c.send(new StartBuildCommand({ projectName: "fleet-deploy-bravo" }));
    await new Promise((r) => setTimeout(r, 300));

    // Assess
    expect(limited.builds.map((b) => b.currentPhase)).toEqual(["BUILD", "QUEUED"]);
    writeFileSync(join(firstBuild(limited).workDir, "release"), "");
    await limited.idle();
    expect(limited.builds.map((b) => b.buildStatus)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    c.destroy();
    await limited.close();
  });

  it("refuses a buildspec override, as the tenant Lambda role would", async () => {
    // Act
    const attempt = client.send(new StartBuildCommand({ projectName: "fleet-deploy-alpha", buildspecOverride: "version: 0.2" }));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: "AccessDeniedException" });
    expect(existsSync(join(dir, "fleet-deploy-alpha"))).toBe(false);
  });
});

/** The first build the server started; fails the test when there is none. */
function firstBuild(server: CodeBuildServer): CodeBuildServer["builds"][number] {
  const [build] = server.builds;
  if (!build) throw new Error("the server started no build");
  return build;
}
