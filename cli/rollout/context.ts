/**
 * What the rollout commands share: the fleet configuration (bucket, app, environments, policy), the S3
 * store of the central bucket, and who is asking.
 */
import { userInfo } from "node:os";
import type { FleetConfig } from "../../core/config/schema";
import { UsageError } from "../../core/errors";
import { BUCKET_RE, NAME_RE } from "../../core/patterns";
import { isValidReleaseId } from "../../core/version";
import { S3RolloutStore } from "../../core/rollout/s3-store";
import { createS3 } from "../../pipe/aws";
import { loadFleet } from "../../core/config/loader";
import type { CommandContext } from "../context";

export interface RolloutContext {
  readonly fleet: FleetConfig;
  readonly store: S3RolloutStore;
  readonly app: string;
  readonly who: string;
  close(): void;
}

export function who(env: CommandContext["env"]): string {
  if (env.FLEET_REQUESTED_BY) return env.FLEET_REQUESTED_BY;
  if (env.BITBUCKET_BUILD_NUMBER) return `pipe:${env.BITBUCKET_REPO_SLUG ?? "repo"}#${env.BITBUCKET_BUILD_NUMBER}`;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${env.USER ?? "unknown"}`;
  }
}

export function openRollouts(ctx: CommandContext, command: string, options: { dir?: string | undefined; bucket?: string | undefined; app?: string | undefined }): RolloutContext {
  if (options.bucket !== undefined && !BUCKET_RE.test(options.bucket)) throw new UsageError(`fleet ${command}: --bucket ${JSON.stringify(options.bucket)} is not a bucket name`);
  if (options.app !== undefined && !NAME_RE.test(options.app)) throw new UsageError(`fleet ${command}: --app ${JSON.stringify(options.app)} is not an app name (${NAME_RE.source})`);
  const fleet = loadFleet(options.dir ?? "environments", { cwd: ctx.cwd });
  const s3 = createS3(ctx.env, { region: ctx.env.AWS_REGION ?? fleet.central.region });
  return { fleet, store: new S3RolloutStore(s3, options.bucket ?? fleet.central.artifactBucket), app: options.app ?? fleet.app.name, who: who(ctx.env), close: () => s3.destroy() };
}

export function rolloutIdOption(command: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`fleet ${command}: --rollout ID is required (fleet rollout status shows the newest rollout's id)`);
  if (!isValidReleaseId(value)) throw new UsageError(`fleet ${command}: --rollout ${JSON.stringify(value)} is not a rollout id (YYYYMMDDTHHMMSSZ-<8 hex>)`);
  return value;
}
