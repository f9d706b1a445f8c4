/**
 * The function's configuration: the five FLEET_* variables the tenant stack sets. Read
 * through this one helper, on the first invocation rather than at import (importing must not fail), and
 * checked so that a wrong stack fails loudly, naming every bad variable at once.
 */
import { BUILD_VAR } from "../../core/build-variables";
import { ACCOUNT_ID_RE, BUCKET_RE, NAME_RE } from "../../core/patterns";
import { TrackerConfigError } from "./errors";

export interface TrackerConfig {
  /** This tenant environment: only `releases/<environment>/…` keys start a build. */
  readonly environment: string;
  /** The central artifact bucket: events about any other bucket are dropped. */
  readonly artifactBucket: string;
  /** The central account: the forwarded S3 event keeps it as `account`. */
  readonly centralAccountId: string;
  /** This environment's deployer project, `fleet-deploy-<env>`. */
  readonly codeBuildProject: string;
  /** The fleet's one app: releases of any other app are dropped. */
  readonly appName: string;
}

/** CodeBuild project names (CreateProject: 2–255 characters, letters, digits, `-` and `_`). */
const PROJECT_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/;

const VARIABLES = [
  [BUILD_VAR.environment, "environment", NAME_RE, "an environment name"],
  [BUILD_VAR.artifactBucket, "artifactBucket", BUCKET_RE, "an S3 bucket name"],
  [BUILD_VAR.centralAccountId, "centralAccountId", ACCOUNT_ID_RE, "a 12-digit AWS account id"],
  [BUILD_VAR.codeBuildProject, "codeBuildProject", PROJECT_RE, "a CodeBuild project name"],
  [BUILD_VAR.appName, "appName", NAME_RE, "an app name"],
] as const satisfies readonly (readonly [string, keyof TrackerConfig, RegExp, string])[];

export function readConfig(env: Readonly<Record<string, string | undefined>>): TrackerConfig {
  const problems: string[] = [];
  const values: Partial<Record<keyof TrackerConfig, string>> = {};
  for (const [name, field, re, what] of VARIABLES) {
    const value = env[name];
    if (value === undefined || value === "") problems.push(`${name} is not set (expected ${what})`);
    else if (!re.test(value)) problems.push(`${name}=${JSON.stringify(value)} is not ${what} (${re.source})`);
    else values[field] = value;
  }
  if (problems.length > 0) {
    throw new TrackerConfigError(`assets_tracker configuration: ${problems.join("; ")}. The tenant stack sets these variables.`);
  }
  return values as TrackerConfig;
}
