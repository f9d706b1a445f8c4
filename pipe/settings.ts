/**
 * Every pipe variable, read and checked in one place before anything runs. The
 * variables table in pipe/README.md documents exactly these names and defaults.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NAME_RE, VERSION_RE } from "../core/patterns";
import { MAX_REASON_LENGTH, releaseTextProblem } from "../core/release-text";
import { PLATFORM_SECRET_VARIABLES } from "../core/secret-variables";
import { isValidVersion } from "../core/version";
import { oidcPreflight } from "./aws";
import { detectMode, type Mode } from "./mode";
import type { StatusPageSettings } from "./status-page";
import { DEFAULT_EXCLUDES } from "./zip/walk";
import type { Env, Variables } from "./variables";

export interface SonarSettings {
  readonly hostUrl?: string | undefined;
  readonly token: string;
  readonly scannerCommand: string[];
  readonly reportFile: string;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly warnFails: boolean;
  readonly auth: "basic" | "bearer";
}

export interface PipeSettings {
  readonly mode: Mode;
  readonly debug: boolean;
  readonly fleetDir: string;
  readonly lintCommand: string[];
  readonly testCommand: string[];
  /** undefined: SONAR_SKIP is true. */
  readonly sonar?: SonarSettings | undefined;
  readonly synthCommand: string[];
  readonly packagePaths: string[];
  readonly packageExcludes: string[];
  readonly app?: string | undefined;
  readonly version?: string | undefined;
  readonly bucket?: string | undefined;
  readonly region?: string | undefined;
  readonly releaseTo: string[];
  readonly releaseReason: string;
  readonly allowDowngrade: boolean;
  /** After a release: the status page in the storage dir, and in the central bucket when asked. */
  readonly statusPage: StatusPageSettings;
}

export const DEFAULTS = {
  lintCommand: ["npm", "run", "lint"],
  testCommand: ["npm", "test"],
  scannerCommand: ["sonar-scanner"],
  synthCommand: ["npx", "cdktf", "synth"],
  reportFile: ".scannerwork/report-task.txt",
  sonarTimeout: 300,
  sonarPollInterval: 5,
  fleetDir: "environments",
} as const;

/** VERSION, else the tag (`v1.4.2` → `1.4.2`), else `<package.json version>-build.<build number>`. */
function defaultVersion(env: Env, cwd: string): string | undefined {
  const tag = env.BITBUCKET_TAG?.replace(/^v(?=\d)/, "");
  if (tag && isValidVersion(tag)) return tag;
  if (!env.BITBUCKET_BUILD_NUMBER) return undefined;
  try {
    const pkg = join(cwd, "package.json");
    if (!existsSync(pkg)) return undefined;
    const v = (JSON.parse(readFileSync(pkg, "utf8")) as { version?: unknown }).version;
    if (typeof v !== "string" || !isValidVersion(v)) return undefined;
    // A pre-release of the package version: unique per build, sorts below the tagged release.
    return `${v.split("-")[0]}-build.${env.BITBUCKET_BUILD_NUMBER}`;
  } catch {
    return undefined;
  }
}

export function readSettings(env: Env, vars: Variables, cwd: string): PipeSettings {
  const mode = detectMode(env, vars);
  const debug = vars.boolean("DEBUG", false);
  // Secrets of the platform: masked even though the pipe never prints them on purpose.
  for (const name of PLATFORM_SECRET_VARIABLES) vars.secret(name);
  const fleetDir = vars.string("FLEET_DIR", { default: DEFAULTS.fleetDir }) ?? DEFAULTS.fleetDir;

  const lintCommand = vars.array("LINT_COMMAND", DEFAULTS.lintCommand);
  const testCommand = vars.array("TEST_COMMAND", DEFAULTS.testCommand);
  const sonarSkip = vars.boolean("SONAR_SKIP", false);
  let sonar: SonarSettings | undefined;
  if (mode === "publish" && !sonarSkip) {
    const hostUrl = vars.string("SONAR_HOST_URL", { required: true, pattern: /^https?:\/\/\S+$/, hint: "an http(s) URL, e.g. https://sonar.example.com; or SONAR_SKIP: 'true'" });
    const token = vars.secret("SONAR_TOKEN", { required: true, hint: "or SONAR_SKIP: 'true' to skip the scan" }) ?? "";
    sonar = {
      hostUrl,
      token,
      scannerCommand: vars.array("SONAR_SCANNER_COMMAND", DEFAULTS.scannerCommand),
      reportFile: vars.string("SONAR_REPORT_FILE", { default: DEFAULTS.reportFile }) ?? DEFAULTS.reportFile,
      timeoutMs: vars.integer("SONAR_TIMEOUT", DEFAULTS.sonarTimeout, { min: 1, max: 86_400 }) * 1000,
      pollIntervalMs: Math.round(vars.number("SONAR_POLL_INTERVAL", DEFAULTS.sonarPollInterval, { min: 0.01, max: 600 }) * 1000),
      warnFails: vars.boolean("SONAR_WARN_FAILS", true),
      auth: (vars.string("SONAR_AUTH", { default: "basic", allowed: ["basic", "bearer"] }) ?? "basic") as "basic" | "bearer",
    };
  }
  const synthCommand = vars.array("SYNTH_COMMAND", DEFAULTS.synthCommand);
  const packagePaths = vars.array("PACKAGE_PATHS", []);
  const packageExcludes = vars.array("PACKAGE_EXCLUDES", DEFAULT_EXCLUDES);

  const app = vars.string("APP", { pattern: NAME_RE, hint: "lower-case letters, digits and dashes, 2-40 characters" });
  let version = vars.string("VERSION", { pattern: VERSION_RE, hint: "SemVer without build metadata, e.g. 1.4.2 or 1.5.0-rc.1" });
  // rollout: the same version the publish step of this pipeline computes (tag, VERSION, package.json + build).
  if (version === undefined && (mode === "publish" || mode === "rollout")) {
    version = defaultVersion(env, cwd);
    if (version === undefined && env.VERSION === undefined) {
      vars.problem("VERSION is required: set it, build a SemVer tag (1.4.2 or v1.4.2), or give package.json a version (then <version>-build.<BITBUCKET_BUILD_NUMBER> is used)");
    }
  }
  if (version === undefined && mode === "release") {
    // The tag of the pipeline the manual step belongs to; never a build-number version (that build is another one).
    const tag = env.BITBUCKET_TAG?.replace(/^v(?=\d)/, "");
    if (tag && isValidVersion(tag)) version = tag;
    else if (env.VERSION === undefined) vars.problem("VERSION is required in release mode (or run the step in a tag pipeline): the published version to release");
  }
  const bucket = vars.string("S3_BUCKET", { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, hint: "an S3 bucket name" });
  const region = vars.string("AWS_REGION") ?? vars.string("AWS_DEFAULT_REGION");
  const releaseTo = vars.array("RELEASE_TO", []);
  if (mode === "release" && releaseTo.length === 0) vars.problem("RELEASE_TO is required in release mode: a list of environment names and/or wave:N, e.g. RELEASE_TO: ['wave:1']");
  for (const t of releaseTo) if (!NAME_RE.test(t) && !/^wave:\d+$/.test(t)) vars.problem(`RELEASE_TO item ${JSON.stringify(t)} is neither an environment name nor wave:N`);
  const releaseReason = vars.string("RELEASE_REASON", { default: "" }) ?? "";
  // Checked here, before the (long) gate runs, and again where the release is written.
  const reasonProblem = releaseTextProblem("RELEASE_REASON", releaseReason, MAX_REASON_LENGTH);
  if (reasonProblem) vars.problem(reasonProblem);
  const allowDowngrade = vars.boolean("ALLOW_DOWNGRADE", false);
  const statusPage = { upload: vars.boolean("STATUS_PAGE_UPLOAD", false), linkMinutes: vars.integer("STATUS_PAGE_LINK_MINUTES", 60, { min: 1, max: 720 }) };
  if (mode !== "review") {
    const oidc = oidcPreflight(env);
    if (oidc) vars.problem(oidc);
  }
  return { mode, debug, fleetDir, lintCommand, testCommand, sonar, synthCommand, packagePaths, packageExcludes, app, version, bucket, region, releaseTo, releaseReason, allowDowngrade, statusPage };
}
