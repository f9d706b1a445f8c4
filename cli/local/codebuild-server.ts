/**
 * A local CodeBuild: an HTTP server on 127.0.0.1 that speaks CodeBuild's JSON 1.1 wire protocol
 * (`X-Amz-Target: CodeBuild_20161006.<Operation>`) for the two operations the chain uses, StartBuild and
 * BatchGetBuilds, and runs each build as CodeBuild would run the deployer: a child process whose environment
 * is the project's variables, then the StartBuild overrides, then CODEBUILD_BUILD_ID and friends, with
 * credentials of the tenant account. moto's own CodeBuild drops the overrides and ignores
 * `concurrentBuildLimit` (DESIGN.md §7); this server keeps both, because the chain depends on them.
 *
 * Behaviour copied from the CodeBuild API reference (aws-event-chain.md §5):
 * - a project with `concurrent_build_limit` answers AccountLimitExceededException (400) while that many of its
 *   builds run; it does not queue;
 * - `idempotencyToken`: the same token within 5 minutes returns the same build and starts nothing; the same
 *   token with other parameters is an error;
 * - `buildspecOverride` is refused: the tenant Lambda role denies it (DESIGN.md §5), so in AWS it never
 *   reaches CodeBuild.
 */
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";

export interface EnvironmentVariable {
  readonly name: string;
  readonly value: string;
  readonly type?: string;
}

/** What the server needs to know about a project: read from the synthesized `aws_codebuild_project`. */
export interface ProjectConfig {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** Undefined: no project limit (AWS would queue; locally builds just run). */
  readonly concurrentBuildLimit?: number;
  readonly environmentVariables: readonly EnvironmentVariable[];
  readonly timeoutMinutes?: number;
}

export type BuildStatus = "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "STOPPED" | "TIMED_OUT";

export interface Build {
  readonly id: string;
  readonly arn: string;
  readonly buildNumber: number;
  readonly projectName: string;
  readonly account: string;
  readonly region: string;
  readonly startTime: number;
  endTime?: number;
  buildStatus: BuildStatus;
  currentPhase: string;
  buildComplete: boolean;
  readonly environmentVariables: readonly EnvironmentVariable[];
  readonly overrides: readonly EnvironmentVariable[];
  readonly workDir: string;
  readonly logFile: string;
  exitCode?: number | null;
  /** Last lines of the build log, for messages. */
  logTail: string[];
}

/** Runs one build; resolves with the exit code. The default spawns the deployer. */
export type BuildRunner = (build: Build, env: Record<string, string>) => Promise<number | null>;

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

const TARGET_PREFIX = "CodeBuild_20161006.";
export const IDEMPOTENCY_WINDOW_MS = 5 * 60 * 1000;

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface TokenEntry {
  readonly build: Build;
  readonly paramsHash: string;
  readonly at: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/x-amz-json-1.1", "content-length": String(Buffer.byteLength(text)), "x-amzn-requestid": randomUUID() };
  if (errorType) headers["x-amzn-errortype"] = errorType;
  res.writeHead(status, headers);
  res.end(text);
}

/** The access key id from a SigV4 Authorization header: `AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...`. */
export function accessKeyOf(authorization: string | undefined): string | undefined {
  const m = /Credential=([^/,\s]+)\//.exec(authorization ?? "");
  return m?.[1];
}

function parseOverrides(value: unknown): EnvironmentVariable[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ApiError("InvalidInputException", "environmentVariablesOverride must be a list");
  return value.map((v: unknown, i) => {
    const o = (v ?? {}) as Record<string, unknown>;
    if (typeof o.name !== "string" || o.name === "" || typeof o.value !== "string") {
      throw new ApiError("InvalidInputException", `environmentVariablesOverride[${i}] needs a name and a string value`);
    }
    const type = typeof o.type === "string" ? o.type : "PLAINTEXT";
    if (type !== "PLAINTEXT") throw new ApiError("InvalidInputException", `environmentVariablesOverride[${i}] type ${type}: only PLAINTEXT is supported by the local CodeBuild`);
    return { name: o.name, value: o.value, type };
  });
}

/** Runs `command` as a child process with exactly `env`, its output into the build log. */
export function spawnRunner(command: readonly string[]): BuildRunner {
  return (build, env) =>
    new Promise((resolve) => {
      const [file, ...args] = command;
      if (!file) throw new Error("build command is empty");
      const log = createWriteStream(build.logFile);
      const child = spawn(file, args, { cwd: build.workDir, env, stdio: ["ignore", "pipe", "pipe"] });
      let partial = "";
      const onData = (d: Buffer) => {
        log.write(d);
        const lines = (partial + d.toString("utf8")).split("\n");
        partial = lines.pop() ?? "";
        build.logTail.push(...lines.filter((l) => l.trim() !== ""));
        if (build.logTail.length > 40) build.logTail.splice(0, build.logTail.length - 40);
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.on("error", (err) => {
        build.logTail.push(`could not start ${file}: ${err.message}`);
        log.end();
        resolve(127);
      });
      child.on("close", (code) => {
        if (partial.trim() !== "") build.logTail.push(partial);
        log.end();
        resolve(code);
      });
    });
}

export async function startCodeBuildServer(options: CodeBuildServerOptions): Promise<CodeBuildServer> {
  const now = options.now ?? Date.now;
  const projects = new Map(options.projects.map((p) => [p.name, p]));
  const builds: Build[] = [];
  const byId = new Map<string, Build>();
  const tokens = new Map<string, TokenEntry>();
  const buildNumbers = new Map<string, number>();
  const failOnce = new Set<string>();
  const running = new Set<Promise<void>>();
  const runner = options.runner ?? spawnRunner(options.command);
  const slots = { free: options.maxRunning ?? 4, waiting: [] as (() => void)[] };
  const acquire = (): Promise<void> =>
    slots.free > 0 ? Promise.resolve(void slots.free--) : new Promise<void>((resolve) => slots.waiting.push(resolve));
  const release = () => {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  };

  const baseEnv = (): Record<string, string> => {
    // A build starts from a clean environment, as in a CodeBuild container: only what a process needs to
    // run, never this machine's AWS settings (the build must act in the tenant account only).
    const keep = ["PATH", "HOME", "TMPDIR", "LANG", "TERM", "SYSTEMROOT", "TF_PLUGIN_CACHE_DIR"];
    const env: Record<string, string> = {};
    for (const k of keep) {
      const v = process.env[k];
      if (v !== undefined) env[k] = v;
    }
    return env;
  };

  const runBuild = async (build: Build, project: ProjectConfig): Promise<void> => {
    build.currentPhase = "QUEUED";
    await acquire();
    build.currentPhase = "BUILD";
    try {
      const env: Record<string, string> = { ...baseEnv(), ...(await options.awsEnv(project.account, project.region)), AWS_DEFAULT_REGION: project.region };
      for (const v of project.environmentVariables) env[v.name] = v.value;
      for (const [k, v] of Object.entries(options.extraEnv?.(project) ?? {})) env[k] = v;
      for (const v of build.overrides) env[v.name] = v.value;
      Object.assign(env, {
        CODEBUILD_BUILD_ID: build.id,
        CODEBUILD_BUILD_ARN: build.arn,
        CODEBUILD_BUILD_NUMBER: String(build.buildNumber),
        CODEBUILD_INITIATOR: "fleet-assets-tracker",
        CODEBUILD_SRC_DIR: build.workDir,
        CODEBUILD_START_TIME: String(build.startTime * 1000),
      });
      build.exitCode = await runner(build, env);
    } catch (err) {
      build.logTail.push(`local CodeBuild could not run the build: ${(err as Error).message}`);
      build.exitCode = null;
    } finally {
      release();
    }
    build.buildStatus = build.exitCode === 0 ? "SUCCEEDED" : "FAILED";
    build.currentPhase = "COMPLETED";
    build.buildComplete = true;
    build.endTime = now() / 1000;
    options.onBuildFinished?.(build);
  };

  const startBuild = (input: Record<string, unknown>, accessKeyId: string | undefined): Build => {
    const projectName = input.projectName;
    if (typeof projectName !== "string" || projectName === "") throw new ApiError("InvalidInputException", "projectName is required");
    const project = projects.get(projectName);
    const callerAccount = accessKeyId ? options.accountOfAccessKey?.(accessKeyId) : undefined;
    if (!project || (callerAccount !== undefined && callerAccount !== project.account)) {
      throw new ApiError("ResourceNotFoundException", `Project cannot be found: arn:aws:codebuild:${project?.region ?? "?"}:${callerAccount ?? project?.account ?? "?"}:project/${projectName}`);
    }
    if (input.buildspecOverride !== undefined) {
      throw new ApiError("AccessDeniedException", `buildspecOverride is denied for ${projectName}: the tenant Lambda role denies codebuild:StartBuild with a buildspec (DESIGN.md §5)`);
    }
    const overrides = parseOverrides(input.environmentVariablesOverride);
    const token = typeof input.idempotencyToken === "string" ? input.idempotencyToken : undefined;
    const paramsHash = createHash("sha256").update(JSON.stringify({ ...input, idempotencyToken: undefined })).digest("hex");
    if (token !== undefined) {
      const seen = tokens.get(token);
      if (seen && now() - seen.at < IDEMPOTENCY_WINDOW_MS) {
        if (seen.paramsHash !== paramsHash) {
          throw new ApiError("InvalidInputException", `Idempotency token ${token} was already used with different parameters`);
        }
        return seen.build;
      }
    }
    if (failOnce.delete(projectName)) {
      throw new ApiError("AccountLimitExceededException", `Cannot have more than ${project.concurrentBuildLimit ?? 1} active builds for the project ${projectName} (injected once by the drill)`);
    }
    const active = builds.filter((b) => b.projectName === projectName && !b.buildComplete).length;
    if (project.concurrentBuildLimit !== undefined && active >= project.concurrentBuildLimit) {
      throw new ApiError("AccountLimitExceededException", `Cannot have more than ${project.concurrentBuildLimit} active builds for the project ${projectName}`);
    }
    const buildNumber = (buildNumbers.get(projectName) ?? 0) + 1;
    buildNumbers.set(projectName, buildNumber);
    const uuid = randomUUID();
    const id = `${projectName}:${uuid}`;
    const workDir = join(options.workDir, projectName, String(buildNumber));
    mkdirSync(workDir, { recursive: true });
    const build: Build = {
      id,
      arn: `arn:aws:codebuild:${project.region}:${project.account}:build/${id}`,
      buildNumber,
      projectName,
      account: project.account,
      region: project.region,
      startTime: now() / 1000,
      buildStatus: "IN_PROGRESS",
      currentPhase: "BUILD",
      buildComplete: false,
      environmentVariables: [...project.environmentVariables],
      overrides,
      workDir,
      logFile: join(options.workDir, projectName, `${buildNumber}.log`),
      logTail: [],
    };
    builds.push(build);
    byId.set(id, build);
    if (token !== undefined) tokens.set(token, { build, paramsHash, at: now() });
    options.onBuildStarted?.(build);
    const p = runBuild(build, project).finally(() => running.delete(p));
    running.add(p);
    return build;
  };

  const view = (b: Build) => ({
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
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const target = req.headers["x-amz-target"];
      if (req.method !== "POST" || typeof target !== "string" || !target.startsWith(TARGET_PREFIX)) {
        throw new ApiError("UnknownOperationException", `expected POST with X-Amz-Target ${TARGET_PREFIX}<Operation>`);
      }
      const text = await readBody(req);
      let input: Record<string, unknown>;
      try {
        input = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
      } catch {
        throw new ApiError("SerializationException", "request body is not JSON");
      }
      const op = target.slice(TARGET_PREFIX.length);
      if (op === "StartBuild") {
        send(res, 200, { build: view(startBuild(input, accessKeyOf(req.headers.authorization))) });
      } else if (op === "BatchGetBuilds") {
        const ids = Array.isArray(input.ids) ? (input.ids as unknown[]).filter((x): x is string => typeof x === "string") : [];
        if (ids.length === 0) throw new ApiError("InvalidInputException", "ids must list 1 to 100 build ids");
        const found = ids.map((id) => byId.get(id)).filter((b): b is Build => b !== undefined);
        send(res, 200, { builds: found.map(view), buildsNotFound: ids.filter((id) => !byId.has(id)) });
      } else {
        throw new ApiError("UnknownOperationException", `operation ${op} is not served by the local CodeBuild (StartBuild, BatchGetBuilds)`);
      }
    } catch (err) {
      if (err instanceof ApiError) send(res, err.status, { __type: err.type, message: err.message }, err.type);
      else send(res, 500, { __type: "InternalFailure", message: (err as Error).message }, "InternalFailure");
    }
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    builds,
    setProjectVariable(projectName, name, value) {
      const p = projects.get(projectName);
      if (!p) throw new Error(`no project ${projectName}`);
      projects.set(projectName, { ...p, environmentVariables: [...p.environmentVariables.filter((v) => v.name !== name), { name, value, type: "PLAINTEXT" }] });
    },
    failNextStartWithLimit(projectName) {
      failOnce.add(projectName);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
