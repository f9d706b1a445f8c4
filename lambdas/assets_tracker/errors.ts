/**
 * Why an invocation of the assets_tracker failed. Every one of these is thrown out of the handler, so the
 * asynchronous invoke retries and then hands the event to the on-failure queue: none of them is the
 * event's fault, and dropping the event would lose a release silently. Bad events are never errors: they
 * are dropped with a logged reason (see decide.ts).
 *
 * Each class spells its `name` out: the bundle is minified, which renames classes, and FleetError takes its
 * name from the class; the name is what Lambda reports as `errorType` in the on-failure record.
 */
import { FleetError } from "../../core/errors";

/** A FLEET_* variable of the function is missing or malformed: the tenant stack is wrong. */
export class TrackerConfigError extends FleetError {
  override readonly name = "TrackerConfigError";
}

/**
 * CodeBuild said "not now": throttling, the project's `concurrent_build_limit = 1` (a deploy is running),
 * the account's build queue, a 5xx, or the network. A later attempt can succeed.
 */
export class StartBuildRetryableError extends FleetError {
  override readonly name = "StartBuildRetryableError";
  constructor(
    readonly awsError: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * CodeBuild refused the request itself: the project does not exist, the role may not start it, or the input
 * is invalid. An operator must fix the stack; the event stays in the on-failure queue to be redriven.
 */
export class StartBuildRejectedError extends FleetError {
  override readonly name = "StartBuildRejectedError";
  constructor(
    readonly awsError: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
