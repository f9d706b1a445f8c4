/** Errors of rollout control that an operator can act on (cli/main.ts prints them without a stack). */
import { FleetError } from "../errors";

/** A rollout request that cannot be carried out as asked (no such rollout, one already running, not published). */
export class RolloutError extends FleetError {}

/** The state kept changing under this controller: other controllers are busy; the next run continues. */
export class RolloutContentionError extends FleetError {}

/** A stored object under rollouts/ is not what this version of the controller can read. */
export class RolloutStateError extends FleetError {}
