/**
 * The controller's configuration, from the variables the central stack sets; read on the first
 * invocation (importing must not fail) and checked, naming every bad variable at once.
 */
import { FleetError } from "../../core/errors";
import { BUCKET_RE, NAME_RE } from "../../core/patterns";

export class ControllerConfigError extends FleetError {
  override readonly name = "ControllerConfigError";
}

export interface ControllerConfig {
  /** The central bucket: rollouts/, status/ and releases/ live there. */
  readonly artifactBucket: string;
  /** The fleet's one app. */
  readonly app: string;
}

export function readControllerConfig(env: Readonly<Record<string, string | undefined>>): ControllerConfig {
  const problems: string[] = [];
  const bucket = env.FLEET_ARTIFACT_BUCKET;
  const app = env.FLEET_APP_NAME;
  if (!bucket) problems.push("FLEET_ARTIFACT_BUCKET is not set (expected an S3 bucket name)");
  else if (!BUCKET_RE.test(bucket)) problems.push(`FLEET_ARTIFACT_BUCKET=${JSON.stringify(bucket)} is not an S3 bucket name`);
  if (!app) problems.push("FLEET_APP_NAME is not set (expected the fleet's app name)");
  else if (!NAME_RE.test(app)) problems.push(`FLEET_APP_NAME=${JSON.stringify(app)} is not an app name (${NAME_RE.source})`);
  if (problems.length > 0 || !bucket || !app) throw new ControllerConfigError(`rollout_controller configuration: ${problems.join("; ")}. The central stack sets these variables.`);
  return { artifactBucket: bucket, app };
}
