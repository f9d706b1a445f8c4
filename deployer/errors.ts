/**
 * How a deploy stops short of success. Each class maps to one `result` of the status record
 * (core/records.ts StatusSchema) and to the exit code of the build:
 * - {@link DeployRefusedError}: a guard said no (bad release, checksum, downgrade, unsafe archive) → exit 1;
 * - {@link DeployFailedError}: terraform or the platform failed → exit 1;
 * - {@link DeploySkip} is not an error thrown to the user: a rightly skipped release (hold, superseded) → exit 0.
 * Messages are one line, say what was found and what was expected, and never carry a secret.
 */
import { FleetError } from "../core/errors";

/** A required deployer variable is missing or malformed; no status record can be trusted yet. */
export class DeployerConfigError extends FleetError {}

/** A guard refused the release: nothing was applied. */
export class DeployRefusedError extends FleetError {}

/** Terraform or an AWS call failed. */
export class DeployFailedError extends FleetError {}

/** The release is rightly not applied (environment on hold, superseded by a later release). */
export class DeploySkip extends FleetError {
  override readonly exitCode = 0;
}
