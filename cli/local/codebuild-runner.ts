/**
 * How the local CodeBuild runs a build: as a child process with exactly the environment CodeBuild would
 * give it (a clean base, the project's variables, the caller's extras, the StartBuild overrides, then
 * CODEBUILD_*), its output into the build's log, and at most `max` builds at once on this machine.
 */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import type { Build, BuildRunner, ProjectConfig } from "./codebuild-model";

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

/** A build starts from a clean environment, as in a CodeBuild container: only what a process needs to
 * run, never this machine's AWS settings (the build must act in the tenant account only). */
function baseEnv(): Record<string, string> {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "TERM", "SYSTEMROOT", "TF_PLUGIN_CACHE_DIR"];
  const env: Record<string, string> = {};
  for (const k of keep) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

/** The environment of one build, in CodeBuild's order of precedence. */
export function buildEnv(build: Build, project: ProjectConfig, awsEnv: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { ...baseEnv(), ...awsEnv, AWS_DEFAULT_REGION: project.region };
  for (const v of project.environmentVariables) env[v.name] = v.value;
  for (const [k, v] of Object.entries(extra)) env[k] = v;
  for (const v of build.overrides) env[v.name] = v.value;
  return Object.assign(env, {
    CODEBUILD_BUILD_ID: build.id,
    CODEBUILD_BUILD_ARN: build.arn,
    CODEBUILD_BUILD_NUMBER: String(build.buildNumber),
    CODEBUILD_INITIATOR: "fleet-assets-tracker",
    CODEBUILD_SRC_DIR: build.workDir,
    CODEBUILD_START_TIME: String(build.startTime * 1000),
  });
}

/** At most `max` holders at once; the others wait in order. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(max: number) {
    this.free = max;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
