/**
 * The deployer's configuration, read from environment variables only: the five the Lambda passes as
 * build overrides, the project's own, and defaults for everything else. Pure: the caller passes
 * the environment, so tests and the entry point read the same way. All problems are reported at once.
 */
import { type HealthSettings, readHealthVariables } from "../core/health";
import { NAME_RE, VERSION_RE } from "../core/patterns";
import { isValidReleaseId } from "../core/version";
import { DeployerConfigError } from "./errors";

export interface DeployerConfig {
  readonly releaseKey: string;
  readonly releaseVersionId: string;
  readonly app: string;
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

/** The variables without which the deployer cannot know what to deploy. */
export const REQUIRED_VARIABLES = [
  "FLEET_RELEASE_KEY",
  "FLEET_RELEASE_VERSION_ID",
  "FLEET_APP",
  "FLEET_VERSION",
  "FLEET_RELEASE_ID",
  "FLEET_ENVIRONMENT",
  "FLEET_ARTIFACT_BUCKET",
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
  check("FLEET_APP", req("FLEET_APP"), NAME_RE.test(req("FLEET_APP")), `a name matching ${NAME_RE.source}`);
  check("FLEET_ENVIRONMENT", req("FLEET_ENVIRONMENT"), NAME_RE.test(req("FLEET_ENVIRONMENT")), `a name matching ${NAME_RE.source}`);
  check("FLEET_VERSION", req("FLEET_VERSION"), VERSION_RE.test(req("FLEET_VERSION")), "a SemVer version without build metadata");
  check("FLEET_RELEASE_ID", req("FLEET_RELEASE_ID"), isValidReleaseId(req("FLEET_RELEASE_ID")), "a release id YYYYMMDDTHHMMSSZ-<8 hex>");

  const centralRegion = value("FLEET_CENTRAL_REGION") ?? value("AWS_REGION");
  if (centralRegion === undefined) problems.push("FLEET_CENTRAL_REGION (or AWS_REGION) must name the central bucket's region");

  const holdRaw = value("FLEET_HOLD") ?? "false";
  if (holdRaw !== "true" && holdRaw !== "false") problems.push(`FLEET_HOLD=${JSON.stringify(holdRaw)} is not "true" or "false"`);

  let applyCommand: string[] | undefined;
  const applyRaw = value("FLEET_APPLY_COMMAND");
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
  const maxArchiveBytes = positiveInt("FLEET_MAX_ARCHIVE_BYTES", DEFAULT_MAX_ARCHIVE_BYTES);
  const maxArchiveFiles = positiveInt("FLEET_MAX_ARCHIVE_FILES", DEFAULT_MAX_ARCHIVE_FILES);
  const health = readHealthVariables(env, problems);

  if (problems.length > 0) throw new DeployerConfigError(`deployer configuration: ${problems.join("; ")}`);

  const app = req("FLEET_APP");
  const envName = req("FLEET_ENVIRONMENT");
  return {
    releaseKey: req("FLEET_RELEASE_KEY"),
    releaseVersionId: req("FLEET_RELEASE_VERSION_ID"),
    app,
    version: req("FLEET_VERSION"),
    releaseId: req("FLEET_RELEASE_ID"),
    env: envName,
    artifactBucket: req("FLEET_ARTIFACT_BUCKET"),
    centralRegion: centralRegion ?? "",
    stateBucket: value("FLEET_STATE_BUCKET"),
    stateRegion: value("FLEET_STATE_REGION") ?? centralRegion,
    hold: holdRaw === "true",
    deployedVersionParameter: value("FLEET_DEPLOYED_VERSION_PARAMETER") ?? `/fleet/${envName}/${app}/deployed-version`,
    workDir: value("FLEET_WORK_DIR"),
    applyCommand,
    terraformBin: value("FLEET_TERRAFORM_BIN") ?? "terraform",
    lockTimeout: value("FLEET_LOCK_TIMEOUT") ?? "5m",
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
