/** Errors of the lifecycle commands: each says what is wrong and what to do next. */
import { FleetError } from "../../core/errors";

/** The environment is not ready for the step asked for (not on hold, nothing deployed, not published). */
export class DecommissionError extends FleetError {}
