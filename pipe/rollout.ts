/**
 * `MODE: 'rollout'`: start the rollout of the version (VERSION, the tag, or the version the publish step
 * of this pipeline computed) under fleet.yaml's `rollout:` policy; the controller, or `fleet rollout run`,
 * then moves it through the waves. A re-run of the step is harmless: when the newest rollout already is of
 * this version and not over, it is reported, not started again.
 */
import type { FleetConfig } from "../core/config/schema";
import { newestRollout, startRollout, type RolloutState } from "../core/rollout";
import { S3RolloutStore } from "../core/rollout/s3-store";
import { rolloutViewFromState } from "../core/status-page/rollout-view";
import { createS3 } from "./aws";
import type { Log } from "./log";
import type { PipeResult } from "./result";
import type { PipeSettings } from "./settings";
import { publishStatusPage } from "./status-page";
import type { Env } from "./variables";

export interface RolloutModeInput {
  readonly settings: PipeSettings;
  readonly env: Env;
  readonly fleet: FleetConfig;
  readonly requestedBy: string;
  readonly log: Log;
  readonly result: PipeResult;
  /** Where the status page goes (the pipe's storage dir). */
  readonly storageDir: string;
}

export async function rolloutMode(input: RolloutModeInput): Promise<string> {
  const { settings: s, fleet, log, result } = input;
  const app = s.app ?? fleet.app.name;
  const bucket = s.bucket ?? fleet.central.artifactBucket;
  const version = s.version ?? "";
  Object.assign(result, { app, version, bucket });
  const s3 = createS3(input.env, { region: s.region ?? fleet.central.region });
  try {
    const store = new S3RolloutStore(s3, bucket);
    // The status page with this rollout's part, as after a release (a warning, never a failure, if it cannot be made).
    const leavePage = async (state: RolloutState) => {
      const page = await publishStatusPage({ s3, bucket, fleet, app, storageDir: input.storageDir, settings: s.statusPage, log, rollout: rolloutViewFromState(state) });
      if (page) result.statusPage = page;
    };
    const newest = await newestRollout(store, app);
    if (newest && newest.version === version && newest.phase !== "completed") {
      result.rolloutId = newest.rolloutId;
      await leavePage(newest);
      return `rollout ${newest.rolloutId} of ${app} ${version} is already ${newest.phase}; not started again (fleet rollout status --rollout ${newest.rolloutId})`;
    }
    const r = await startRollout(store, { fleet, app, version, requestedBy: input.requestedBy, reason: s.releaseReason || `pipeline ${input.env.BITBUCKET_BUILD_NUMBER ?? ""}`.trim() });
    for (const line of r.log) log.info(line);
    result.rolloutId = r.state.rolloutId;
    await leavePage(r.state);
    const taking = r.state.tenants.filter((t) => t.state !== "skipped").length;
    return `started rollout ${r.state.rolloutId} of ${app} ${version}: ${taking} tenants in ${r.state.waves.length} waves; follow it with fleet rollout status --rollout ${r.state.rolloutId}`;
  } finally {
    s3.destroy();
  }
}
