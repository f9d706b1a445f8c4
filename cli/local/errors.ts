/**
 * Errors of the local run (`fleet local`). Each one is something a user can act on: install moto, fix the
 * synthesized routing, free a port. They are FleetErrors, so the CLI prints them without a stack trace.
 */
import { FleetError } from "../../core/errors";

/** moto (the local AWS) is not installed for the chosen Python (FLEET_PYTHON or python3), or does not start. */
export class MotoUnavailableError extends FleetError {}

/** The synthesized stacks cannot be provisioned locally (a reference that does not resolve, a bad value). */
export class ProvisionError extends FleetError {}

/** The chain did not reach the end: a tenant got nothing, a build failed, a time limit passed. */
export class ChainError extends FleetError {}
