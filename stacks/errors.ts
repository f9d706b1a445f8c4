/** Errors of the stacks part: each says what is wrong, the value found, and how to fix it. */
import { FleetError } from "../core/errors";

/** A bundle that `npm run build` produces is missing: synth must not ship a stale or empty Lambda. */
export class MissingBundleError extends FleetError {
  constructor(readonly path: string) {
    super(`${path} does not exist: run npm run build (it writes the Lambda and deployer bundles the tenant stacks ship)`);
  }
}

/** One or more environments' `config` values are not what the workload accepts. */
export class WorkloadConfigError extends FleetError {
  constructor(readonly problems: readonly string[]) {
    super(`${problems.length} invalid workload setting${problems.length === 1 ? "" : "s"}:\n` + problems.map((p) => `  ${p}`).join("\n"));
  }
}

/** The fleet cannot be expressed within an AWS quota, and no configuration change on our side avoids it. */
export class QuotaError extends FleetError {}

/** `buildFleet({ only })` named an environment that does not exist. */
export class UnknownEnvironmentError extends FleetError {}

/** A stack synthesizes a resource type whose IAM permissions the bootstrap roles do not know yet. */
export class UnknownResourceTypeError extends FleetError {}
