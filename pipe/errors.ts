/**
 * Errors of the pipe and of `fleet package|publish|release`. All are FleetErrors: the user can fix them,
 * they print without a stack trace, and the pipe turns them into its final `✖ …` line.
 */
import { FleetError } from "../core/errors";

/** One or more pipe variables are missing or malformed; every problem is listed in one message. */
export class VariablesError extends FleetError {
  constructor(readonly problems: readonly string[]) {
    super(`${problems.length} problem${problems.length === 1 ? "" : "s"} with the pipe variables:\n` + problems.map((p) => `  - ${p}`).join("\n"));
  }
}

/** The tree to package holds something that must not go into an artifact (symlink, device, …). */
export class PackageError extends FleetError {}

/** A lint or test command failed or could not start. */
export class GateCommandError extends FleetError {}

/** SonarQube: the quality gate is red (ERROR, WARN or NONE). */
export class QualityGateFailedError extends FleetError {}

/** SonarQube: the background analysis task ended FAILED or CANCELED. */
export class SonarAnalysisFailedError extends FleetError {}

/** SonarQube: the analysis was not processed within the timeout. */
export class SonarTimeoutError extends FleetError {}

/** SonarQube: the token was refused (401/403), the report is missing, or the server answered nonsense. */
export class SonarError extends FleetError {}

/** Credentials could not be set up (e.g. OIDC role given but no token: `oidc: true` missing). */
export class CredentialsError extends FleetError {}

/** The version already exists in the bucket with different bytes. */
export class VersionConflictError extends FleetError {}

/** Upload failed (network, permissions, bucket missing). */
export class PublishError extends FleetError {}

/** A release could not be written: artifact missing, environment on hold or pinned, unknown target. */
export class ReleaseError extends FleetError {}
