/**
 * The deployer's configuration, read from environment variables only: the five the Lambda passes as build
 * overrides, the project's own (the tenant stack sets them), and defaults for everything else. Pure: the caller passes
 * the environment, so tests and the entry point read the same way. All problems are reported at once.
 */
import { type HealthSettings, readHealthVariables } from "../core/health";
import { NAME_RE, VERSION_RE } from "../core/patterns";
import { BUILD_VAR } from "../core/build-variables";
import { deployedVersionParameterName } from "../core/parameters";
import { isValidReleaseId } from "../core/version";
import { DeployerConfigError } from "./errors";

export interface DeployerConfig {
  readonly releaseKey: string;
  readonly releaseVersionId: string;
  /** The app of the release (from its key, passed by the Lambda). */
  readonly app: string;
  /** The one app this fleet deploys (FLEET_APP_NAME, set by the tenant stack): a release of any other is refused. */
  readonly appName: string;
  readonly version: string;
  readonly releaseId: string;
  readonly env: string;
  readonly artifactBucket: string;
  /** Region of the central bucket. @default AWS_REGION */
  readonly centralRegion: string;
  /** Passed to the apply command; the synthesized backend already names it. */
  readonly stateBucket: string | undefined;
  readonly stateRegion: string | undefined;
  /** FLEET_HOLD=true: record "skipped" and apply nothing. */
  readonly hold: boolean;
  /** @default /fleet/<env>/<app>/deployed-version */
  readonly deployedVersionParameter: string;
  /** Where the download and the extracted tree go; undefined = a fresh temporary directory, removed at the end. */
  readonly workDir: string | undefined;
  /** Replaces `terraform init` + `terraform apply` (tests, the local run). */
  readonly applyCommand: readonly string[] | undefined;
  /** The terraform binary of the default apply. @default terraform */
  readonly terraformBin: string;
  /** `-lock-timeout` of terraform apply. @default 5m */
  readonly lockTimeout: string;
  /** Total uncompressed bytes the archive may hold (enforced while inflating). @default 512 MiB */
  readonly maxArchiveBytes: number;
  /** Entries the archive may hold (checked from the central directory before extracting). @default 20000 */
  readonly maxArchiveFiles: number;
  /** CodeBuild's build id; "local" outside CodeBuild. */
  readonly buildId: string;
  /** Alarms to watch and the bake after a successful apply (health.ts); undefined: no health gate. */
  readonly health: HealthSettings | undefined;
}

/** The variables without which the deployer cannot know what to deploy, or what it may deploy. */
export const REQUIRED_VARIABLES = [
  BUILD_VAR.releaseKey,
  BUILD_VAR.releaseVersionId,
  BUILD_VAR.app,
  BUILD_VAR.version,
  BUILD_VAR.releaseId,
  BUILD_VAR.environment,
  BUILD_VAR.artifactBucket,
  BUILD_VAR.appName,
] as const;

export const DEFAULT_MAX_ARCHIVE_BYTES = 512 * 1024 * 1024;
export const DEFAULT_MAX_ARCHIVE_FILES = 20_000;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the configuration; throws one {@link DeployerConfigError} naming every missing or bad variable. */
export function readDeployerConfig(env: Env): DeployerConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };

  const missing = REQUIRED_VARIABLES.filter((n) => value(n) === undefined);
  if (missing.length > 0) problems.push(`missing required variable${missing.length === 1 ? "" : "s"} ${missing.join(", ")}`);
  const req = (name: (typeof REQUIRED_VARIABLES)[number]): string => value(name) ?? "";

  const check = (name: string, v: string, ok: boolean, allowed: string) => {
    if (v !== "" && !ok) problems.push(`${name}=${JSON.stringify(v.slice(0, 100))} is not ${allowed}`);
  };
  check(BUILD_VAR.app, req(BUILD_VAR.app), NAME_RE.test(req(BUILD_VAR.app)), `a name matching ${NAME_RE.source}`);
  check(BUILD_VAR.appName, req(BUILD_VAR.appName), NAME_RE.test(req(BUILD_VAR.appName)), `a name matching ${NAME_RE.source}`);
  check(BUILD_VAR.environment, req(BUILD_VAR.environment), NAME_RE.test(req(BUILD_VAR.environment)), `a name matching ${NAME_RE.source}`);
  check(BUILD_VAR.version, req(BUILD_VAR.version), VERSION_RE.test(req(BUILD_VAR.version)), "a SemVer version without build metadata");
  check(BUILD_VAR.releaseId, req(BUILD_VAR.releaseId), isValidReleaseId(req(BUILD_VAR.releaseId)), "a release id YYYYMMDDTHHMMSSZ-<8 hex>");

  const centralRegion = value(BUILD_VAR.centralRegion) ?? value("AWS_REGION");
  if (centralRegion === undefined) problems.push(`${BUILD_VAR.centralRegion} (or AWS_REGION) must name the central bucket's region`);

  const holdRaw = value(BUILD_VAR.hold) ?? "false";
  if (holdRaw !== "true" && holdRaw !== "false") problems.push(`FLEET_HOLD=${JSON.stringify(holdRaw)} is not "true" or "false"`);

  let applyCommand: string[] | undefined;
  const applyRaw = value(BUILD_VAR.applyCommand);
  if (applyRaw !== undefined) {
    applyCommand = parseArgv(applyRaw);
    if (applyCommand === undefined) problems.push(`FLEET_APPLY_COMMAND is not a JSON array of strings (argv), e.g. ["terraform","apply"]: ${JSON.stringify(applyRaw.slice(0, 100))}`);
  }

  const positiveInt = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) {
      problems.push(`${name}=${JSON.stringify(raw)} is not a positive whole number`);
      return fallback;
    }
    return n;
  };
  const maxArchiveBytes = positiveInt(BUILD_VAR.maxArchiveBytes, DEFAULT_MAX_ARCHIVE_BYTES);
  const maxArchiveFiles = positiveInt(BUILD_VAR.maxArchiveFiles, DEFAULT_MAX_ARCHIVE_FILES);
  const health = readHealthVariables(env, problems);

  if (problems.length > 0) throw new DeployerConfigError(`deployer configuration: ${problems.join("; ")}`);

  const app = req(BUILD_VAR.app);
  const envName = req(BUILD_VAR.environment);
  return {
    releaseKey: req(BUILD_VAR.releaseKey),
    releaseVersionId: req(BUILD_VAR.releaseVersionId),
    app,
    appName: req(BUILD_VAR.appName),
    version: req(BUILD_VAR.version),
    releaseId: req(BUILD_VAR.releaseId),
    env: envName,
    artifactBucket: req(BUILD_VAR.artifactBucket),
    centralRegion: centralRegion ?? "",
    stateBucket: value(BUILD_VAR.stateBucket),
    stateRegion: value(BUILD_VAR.stateRegion) ?? centralRegion,
    hold: holdRaw === "true",
    deployedVersionParameter: value(BUILD_VAR.deployedVersionParameter) ?? deployedVersionParameterName(envName, app),
    workDir: value(BUILD_VAR.workDir),
    applyCommand,
    terraformBin: value(BUILD_VAR.terraformBin) ?? "terraform",
    lockTimeout: value(BUILD_VAR.lockTimeout) ?? "5m",
    maxArchiveBytes,
    maxArchiveFiles,
    buildId: value("CODEBUILD_BUILD_ID") ?? "local",
    health,
  };
}

function parseArgv(raw: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((a): a is string => typeof a === "string") && parsed[0] !== "") return parsed;
  } catch {
    // fall through: reported by the caller with the value
  }
  return undefined;
}
