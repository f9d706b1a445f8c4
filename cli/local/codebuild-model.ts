/** The local CodeBuild's shapes: a project as read from the synthesized stacks, and a build. */
import type { EnvironmentVariable } from "./codebuild-wire";

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
