/**
 * `fleet status --format html [--out FILE]`: the fleet view as the self-contained status page
 * (core/status-page). With --out the page is written there and its path printed; without, it goes to
 * stdout like the other formats. `fleet rollout status --format html` is the same page with the rollout's
 * part filled in ({@link writeRolloutStatusPage}).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { FleetConfig } from "../../core/config/schema";
import { buildFleetStatus, type FleetStatus } from "../../core/fleet-status";
import { buildStatusPageModel, type RolloutView } from "../../core/status-page/model";
import { readStatusRecords } from "../../core/status-page/read";
import { renderStatusPage } from "../../core/status-page/render";
import { rolloutViewFromState, type RolloutStateLike } from "../../core/status-page/rollout-view";
import { newestRollout } from "../../core/rollout";
import { S3RolloutStore } from "../../core/rollout/s3-store";
import { createS3 } from "../../pipe/aws";
import { s3RecordSource } from "../../pipe/status-page";
import type { CommandContext } from "../context";

export interface StatusPageOutput {
  readonly status: FleetStatus;
  readonly fleet: FleetConfig | undefined;
  readonly source: string;
  readonly rollout?: RolloutView | undefined;
  /** Where to write the page, relative to ctx.cwd; stdout when undefined. */
  readonly out: string | undefined;
  readonly now?: () => Date;
}

export function statusPageHtml(o: Omit<StatusPageOutput, "out">): string {
  const fleet = (o.fleet?.environments ?? []).map((e) => ({ name: e.name, hold: e.hold, pin: e.pin }));
  const generatedAt = (o.now ?? (() => new Date()))().toISOString();
  return renderStatusPage(buildStatusPageModel({ status: o.status, fleet, rollout: o.rollout, source: o.source, generatedAt }));
}

export function writeStatusPage(ctx: Pick<CommandContext, "cwd" | "stdout">, o: StatusPageOutput): string | undefined {
  const html = statusPageHtml(o);
  if (o.out === undefined) {
    ctx.stdout.write(html);
    return undefined;
  }
  const file = resolve(ctx.cwd, o.out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
  ctx.stdout.write(`status page written to ${file}\n`);
  return file;
}

/**
 * The page of a rollout: the fleet's records read from the central bucket (the tenants' rows), and the
 * rollout's state (policy, waves, why it halted). For `fleet rollout status --format html [--out FILE]`.
 */
export async function writeRolloutStatusPage(
  ctx: Pick<CommandContext, "cwd" | "stdout" | "stderr" | "env">,
  o: { readonly fleet: FleetConfig; readonly bucket: string; readonly app: string; readonly state: RolloutStateLike; readonly out: string | undefined; readonly now?: () => Date },
): Promise<string | undefined> {
  const s3 = createS3(ctx.env, { region: ctx.env.AWS_REGION ?? o.fleet.central.region });
  try {
    const read = await readStatusRecords(s3RecordSource(s3, o.bucket), o.app, (line) => ctx.stderr.write(`${line}\n`));
    const status = buildFleetStatus({ app: o.app, fleet: o.fleet.environments.map((e) => ({ name: e.name, wave: e.wave })), records: read.records, knownVersions: read.knownVersions });
    return writeStatusPage(ctx, { status, fleet: o.fleet, source: `s3://${o.bucket}`, rollout: rolloutViewFromState(o.state), out: o.out, ...(o.now ? { now: o.now } : {}) });
  } finally {
    s3.destroy();
  }
}

/**
 * The app's newest rollout while it is running or halted (a completed one is history, not "current"), for
 * `fleet status --format html`. A bucket whose rollouts cannot be read still gets its page, without it.
 */
export async function currentRollout(s3: S3Client, bucket: string, app: string, warn: (line: string) => void): Promise<RolloutView | undefined> {
  try {
    const newest = await newestRollout(new S3RolloutStore(s3, bucket), app);
    return newest !== undefined && newest.phase !== "completed" ? rolloutViewFromState(newest) : undefined;
  } catch (err) {
    const e = err as { name?: string; message?: string };
    warn(`⚠ rollouts of ${app} not read (${e.name ?? "Error"}: ${e.message ?? String(err)}); the page shows no rollout`);
    return undefined;
  }
}
