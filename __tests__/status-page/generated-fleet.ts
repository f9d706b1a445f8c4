/**
 * A generated fleet for the status page tests and its benchmark: N tenants t001… over 4 waves, every
 * result a fleet shows (succeeded on the newest or an older version, failed, refused, in progress, skipped,
 * never deployed), holds and pins, deterministic for a given N. Failures sit in the LAST waves on purpose:
 * the page must still show them first.
 */
import { buildFleetStatus } from "../../core/fleet-status";
import { STATUS_SCHEMA, type Status } from "../../core/records";
import { buildStatusPageModel, type RolloutView, type StatusPageModel } from "../../core/status-page/model";

export const APP = "shop";
export const GENERATED_AT = "2026-11-30T12:00:00.000Z";

/** The first release of a tenant is at 10:mm, the second at 11:mm: the second is always the newer. */
function record(env: string, n: number, version: string, result: Status["result"], error?: string): Status {
  const minute = String(n % 60).padStart(2, "0");
  const hour = n >= 1000 ? "11" : "10";
  const id = `20261130T${hour}${minute}00Z-${n.toString(16).padStart(8, "0")}`;
  return {
    schema: STATUS_SCHEMA,
    env,
    app: APP,
    releaseId: id,
    version,
    phase: result === "in-progress" ? "applying" : "finished",
    result,
    buildId: `fleet-deploy-${env}:${(n % 7) + 1}`,
    startedAt: `2026-11-30T${hour}:${minute}:00Z`,
    ...(result === "in-progress" ? {} : { finishedAt: `2026-11-30T${hour}:${minute}:41Z` }),
    ...(error !== undefined ? { error } : {}),
  };
}

export interface GeneratedFleet {
  readonly fleet: { name: string; wave: number; hold: boolean; pin?: string }[];
  readonly records: Status[];
  readonly failedEnvs: string[];
}

export function generateFleet(tenants: number): GeneratedFleet {
  const fleet: GeneratedFleet["fleet"] = [];
  const records: Status[] = [];
  const failedEnvs: string[] = [];
  for (let i = 1; i <= tenants; i++) {
    const env = `t${String(i).padStart(3, "0")}`;
    const wave = Math.min(3, Math.floor(((i - 1) * 4) / tenants));
    const hold = i % 97 === 0;
    const pin = i % 89 === 0 ? "1.3.0" : undefined;
    fleet.push({ name: env, wave, hold, ...(pin ? { pin } : {}) });
    if (i % 50 === 0) continue; // never deployed
    records.push(record(env, i, "1.3.0", "succeeded"));
    if (hold || pin) continue;
    if (wave >= 2 && i % 23 === 0) {
      records.push(record(env, i + 1000, "1.4.0", "failed", `terraform apply failed (exit 1): Error: creating S3 bucket (${env}-data): BucketAlreadyExists\n  with aws_s3_bucket.data`));
      failedEnvs.push(env);
    } else if (wave >= 2 && i % 41 === 0) {
      records.push(record(env, i + 1000, "1.4.0", "refused", "artifact sha256 does not match its manifest"));
      failedEnvs.push(env);
    } else if (wave === 3 && i % 7 === 0) records.push(record(env, i + 1000, "1.4.0", "in-progress"));
    else if (i % 31 === 0) records.push(record(env, i + 1000, "1.4.0", "skipped", "superseded by a newer release"));
    else if (wave < 3) records.push(record(env, i + 1000, "1.4.0", "succeeded"));
  }
  return { fleet, records, failedEnvs };
}

export const HALTED_ROLLOUT: RolloutView = {
  id: "r-20261130T110000Z",
  version: "1.4.0",
  state: "halted",
  startedAt: "2026-11-30T11:00:00.000Z",
  policy: { maxConcurrent: "10%", failureTolerance: 1, failureBudget: "5%", bakeMinutes: 15, tenantTimeoutMinutes: 30, onFailure: "halt" },
  waves: [
    { wave: 0, state: "done", total: 10, succeeded: 10, failed: 0, inProgress: 0, skipped: 0, notStarted: 0 },
    { wave: 1, state: "halted", total: 20, succeeded: 15, failed: 2, inProgress: 0, skipped: 1, notStarted: 2, haltReason: "2 failures, tolerance 1" },
    { wave: 2, state: "waiting", total: 30, succeeded: 0, failed: 0, inProgress: 0, skipped: 0, notStarted: 30 },
  ],
  haltReason: "wave 1: 2 tenants failed, more than the tolerance of 1 (t012, t017)",
};

export function generatedModel(tenants: number, rollout?: RolloutView): StatusPageModel {
  const g = generateFleet(tenants);
  const status = buildFleetStatus({ app: APP, fleet: g.fleet, records: g.records, knownVersions: ["1.3.0", "1.4.0"] });
  return buildStatusPageModel({ status, fleet: g.fleet, rollout, source: "s3://acme-fleet-artifacts", generatedAt: GENERATED_AT });
}
