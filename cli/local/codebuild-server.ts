/**
 * A local CodeBuild: an HTTP server on 127.0.0.1 that speaks CodeBuild's JSON 1.1 wire protocol
 * (`X-Amz-Target: CodeBuild_20161006.<Operation>`) for the two operations the chain uses, StartBuild and
 * BatchGetBuilds, and runs each build as CodeBuild would run the deployer: a child process whose environment
 * is the project's variables, then the StartBuild overrides, then CODEBUILD_BUILD_ID and friends, with
 * credentials of the tenant account. moto's own CodeBuild drops the overrides and ignores
 * `concurrentBuildLimit`; this server keeps both, because the chain depends on them.
 *
 * Behaviour as the CodeBuild API reference documents it (the wire format is in codebuild-wire.ts):
 * - a project with `concurrent_build_limit` answers AccountLimitExceededException (400) while that many of its
 *   builds run; it does not queue;
 * - `idempotencyToken`: the same token within 5 minutes returns the same build and starts nothing; the same
 *   token with other parameters is an error;
 * - `buildspecOverride` is refused: the tenant Lambda role denies it, so in AWS it never
 *   reaches CodeBuild.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import type { Build, BuildRunner, ProjectConfig } from "./codebuild-model";
import { buildEnv, Slots, spawnRunner } from "./codebuild-runner";
import {
  accessKeyOf,
  CodeBuildApiError,
  IdempotencyTokens,
  operationOf,
  parseOverrides,
  projectNameOf,
  readBody,
  sendError,
  sendReply,
  unknownOperation,
  type EnvironmentVariable,
} from "./codebuild-wire";

export { IDEMPOTENCY_WINDOW_MS, type EnvironmentVariable } from "./codebuild-wire";
export type { Build, BuildRunner, BuildStatus, ProjectConfig } from "./codebuild-model";
export { spawnRunner } from "./codebuild-runner";

export interface CodeBuildServerOptions {
  readonly projects: readonly ProjectConfig[];
  /** Where each build gets its own working directory and log. */
  readonly workDir: string;
  /** argv of the program a build runs, e.g. `[node, dist/deployer/index.js]`. */
  readonly command: readonly string[];
  /** AWS environment of a build in this account and region (credentials, endpoint). */
  readonly awsEnv: (account: string, region: string) => Promise<Record<string, string>>;
  /** Variables added to every build after the project's (for example FLEET_APPLY_COMMAND of the local run). */
  readonly extraEnv?: (project: ProjectConfig) => Record<string, string>;
  /** Access key → account, to refuse a StartBuild from another account's credentials (as IAM would). */
  readonly accountOfAccessKey?: (accessKeyId: string) => string | undefined;
  readonly runner?: BuildRunner;
  readonly onBuildStarted?: (build: Build) => void;
  readonly onBuildFinished?: (build: Build) => void;
  /**
   * Build processes this machine runs at once; later builds wait in phase QUEUED (CodeBuild queues at the
   * account level too). Each tenant is its own account in AWS; here they share two cores. @default 4
   */
  readonly maxRunning?: number;
  /** Clock, for the idempotency window in tests. */
  readonly now?: () => number;
}

export interface CodeBuildServer {
  readonly endpoint: string;
  readonly builds: readonly Build[];
  /** Changes one variable of a project's environment, as `aws codebuild update-project` would (the drill's hold). */
  setProjectVariable(projectName: string, name: string, value: string): void;
  /** The next StartBuild of this project answers AccountLimitExceededException, once (the drill). */
  failNextStartWithLimit(projectName: string): void;
  /** Resolves when no build is running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The server's state and operations; the HTTP side is in {@link startCodeBuildServer}. */
class LocalCodeBuild {
  readonly builds: Build[] = [];
  readonly projects: Map<string, ProjectConfig>;
  readonly failOnce = new Set<string>();
  readonly running = new Set<Promise<void>>();
  private readonly byId = new Map<string, Build>();
  private readonly tokens: IdempotencyTokens<Build>;
  private readonly buildNumbers = new Map<string, number>();
  private readonly runner: BuildRunner;
  private readonly slots: Slots;
  private readonly now: () => number;

  constructor(private readonly options: CodeBuildServerOptions) {
    this.now = options.now ?? Date.now;
    this.projects = new Map(options.projects.map((p) => [p.name, p]));
    this.tokens = new IdempotencyTokens<Build>(this.now);
    this.runner = options.runner ?? spawnRunner(options.command);
    this.slots = new Slots(options.maxRunning ?? 4);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const op = operationOf(req.headers);
      if (req.method !== "POST" || op === undefined) throw unknownOperation();
      const text = await readBody(req);
      let input: Record<string, unknown>;
      try {
        input = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
      } catch {
        throw new CodeBuildApiError("SerializationException", "request body is not JSON");
      }
      if (op === "StartBuild") sendReply(res, 200, { build: view(this.startBuild(input, accessKeyOf(req.headers.authorization))) });
      else if (op === "BatchGetBuilds") sendReply(res, 200, this.batchGetBuilds(input));
      else throw new CodeBuildApiError("UnknownOperationException", `operation ${op} is not served by the local CodeBuild (StartBuild, BatchGetBuilds)`);
    } catch (err) {
      sendError(res, err);
    }
  }

  private batchGetBuilds(input: Record<string, unknown>): unknown {
    const ids = Array.isArray(input.ids) ? (input.ids as unknown[]).filter((x): x is string => typeof x === "string") : [];
    if (ids.length === 0) throw new CodeBuildApiError("InvalidInputException", "ids must list 1 to 100 build ids");
    const found = ids.map((id) => this.byId.get(id)).filter((b): b is Build => b !== undefined);
    return { builds: found.map(view), buildsNotFound: ids.filter((id) => !this.byId.has(id)) };
  }

  private startBuild(input: Record<string, unknown>, accessKeyId: string | undefined): Build {
    const projectName = projectNameOf(input);
    const project = this.projects.get(projectName);
    const callerAccount = accessKeyId ? this.options.accountOfAccessKey?.(accessKeyId) : undefined;
    if (!project || (callerAccount !== undefined && callerAccount !== project.account)) {
      throw new CodeBuildApiError("ResourceNotFoundException", `Project cannot be found: arn:aws:codebuild:${project?.region ?? "?"}:${callerAccount ?? project?.account ?? "?"}:project/${projectName}`);
    }
    if (input.buildspecOverride !== undefined) {
      throw new CodeBuildApiError("AccessDeniedException", `buildspecOverride is denied for ${projectName}: the tenant Lambda role denies codebuild:StartBuild with a buildspec`);
    }
    const overrides = parseOverrides(input.environmentVariablesOverride);
    const repeat = this.tokens.repeatOf(input);
    if (repeat) return repeat;
    if (this.failOnce.delete(projectName)) {
      throw new CodeBuildApiError("AccountLimitExceededException", `Cannot have more than ${project.concurrentBuildLimit ?? 1} active builds for the project ${projectName} (injected once by the drill)`);
    }
    const active = this.builds.filter((b) => b.projectName === projectName && !b.buildComplete).length;
    if (project.concurrentBuildLimit !== undefined && active >= project.concurrentBuildLimit) {
      throw new CodeBuildApiError("AccountLimitExceededException", `Cannot have more than ${project.concurrentBuildLimit} active builds for the project ${projectName}`);
    }
    const build = this.newBuild(project, overrides);
    this.tokens.remember(input, build);
    this.options.onBuildStarted?.(build);
    const p = this.runBuild(build, project).finally(() => this.running.delete(p));
    this.running.add(p);
    return build;
  }

  private newBuild(project: ProjectConfig, overrides: EnvironmentVariable[]): Build {
    const projectName = project.name;
    const buildNumber = (this.buildNumbers.get(projectName) ?? 0) + 1;
    this.buildNumbers.set(projectName, buildNumber);
    const id = `${projectName}:${randomUUID()}`;
    const workDir = join(this.options.workDir, projectName, String(buildNumber));
    mkdirSync(workDir, { recursive: true });
    const build: Build = {
      id,
      arn: `arn:aws:codebuild:${project.region}:${project.account}:build/${id}`,
      buildNumber,
      projectName,
      account: project.account,
      region: project.region,
      startTime: this.now() / 1000,
      buildStatus: "IN_PROGRESS",
      currentPhase: "BUILD",
      buildComplete: false,
      environmentVariables: [...project.environmentVariables],
      overrides,
      workDir,
      logFile: join(this.options.workDir, projectName, `${buildNumber}.log`),
      logTail: [],
    };
    this.builds.push(build);
    this.byId.set(id, build);
    return build;
  }

  private async runBuild(build: Build, project: ProjectConfig): Promise<void> {
    build.currentPhase = "QUEUED";
    await this.slots.acquire();
    build.currentPhase = "BUILD";
    try {
      const env = buildEnv(build, project, await this.options.awsEnv(project.account, project.region), this.options.extraEnv?.(project) ?? {});
      build.exitCode = await this.runner(build, env);
    } catch (err) {
      build.logTail.push(`local CodeBuild could not run the build: ${(err as Error).message}`);
      build.exitCode = null;
    } finally {
      this.slots.release();
    }
    build.buildStatus = build.exitCode === 0 ? "SUCCEEDED" : "FAILED";
    build.currentPhase = "COMPLETED";
    build.buildComplete = true;
    build.endTime = this.now() / 1000;
    this.options.onBuildFinished?.(build);
  }
}

/** A build as BatchGetBuilds and StartBuild return it. */
function view(b: Build) {
  return {
    id: b.id,
    arn: b.arn,
    buildNumber: b.buildNumber,
    projectName: b.projectName,
    startTime: b.startTime,
    ...(b.endTime !== undefined ? { endTime: b.endTime } : {}),
    currentPhase: b.currentPhase,
    buildStatus: b.buildStatus,
    buildComplete: b.buildComplete,
    initiator: "fleet-assets-tracker",
    environment: {
      type: "LINUX_CONTAINER",
      environmentVariables: [...new Map([...b.environmentVariables, ...b.overrides].map((v) => [v.name, { name: v.name, value: v.value, type: v.type ?? "PLAINTEXT" }])).values()],
    },
  };
}

export async function startCodeBuildServer(options: CodeBuildServerOptions): Promise<CodeBuildServer> {
  const cb = new LocalCodeBuild(options);
  const server: Server = createServer((req, res) => {
    void cb.handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    builds: cb.builds,
    setProjectVariable(projectName, name, value) {
      const p = cb.projects.get(projectName);
      if (!p) throw new Error(`no project ${projectName}`);
      cb.projects.set(projectName, { ...p, environmentVariables: [...p.environmentVariables.filter((v) => v.name !== name), { name, value, type: "PLAINTEXT" }] });
    },
    failNextStartWithLimit(projectName) {
      cb.failOnce.add(projectName);
    },
    async idle() {
      while (cb.running.size > 0) await Promise.all([...cb.running]);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
