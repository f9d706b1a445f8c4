/**
 * The status page's view model, pure: the fleet view of `fleet status` (core/fleet-status.ts) plus what
 * only the fleet config knows (holds, pins) and, when one runs, the rollout → everything the page shows,
 * already grouped, ordered and counted. The renderer only turns this into HTML.
 *
 * Result buckets: a tenant counts by its newest record; `refused` is a failure to an operator (someone must
 * act), so it counts as failed but keeps its own label; an environment without any record is "not started".
 */
import type { FleetStatus, FleetStatusEnvironment } from "../fleet-status";

export const BUCKETS = ["failed", "in-progress", "succeeded", "skipped", "not-started"] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface TenantRow {
  readonly env: string;
  readonly wave: number | undefined;
  readonly inFleet: boolean;
  readonly bucket: Bucket;
  /** The newest record's result as written (`refused` stays `refused`), with the phase while in progress. */
  readonly result: string;
  /** Version of the newest record (what was last tried), or null when never deployed. */
  readonly version: string | null;
  /** Version of the newest succeeded record (what runs). */
  readonly running: string | null;
  readonly at: string | null;
  readonly buildId: string | null;
  readonly releaseId: string | null;
  /** First line of the record's error, or null. */
  readonly error: string | null;
  /** Newer known versions than what runs. */
  readonly lag: number;
  readonly hold: boolean;
  readonly pin: string | null;
}

export type Counts = Readonly<Record<Bucket, number>>;

export interface WaveGroup {
  /** undefined: environments that have records but are no longer in the fleet config. */
  readonly wave: number | undefined;
  readonly counts: Counts;
  /** Failed first, then in progress, not started, skipped, succeeded; by name within each. */
  readonly rows: readonly TenantRow[];
}

/** A count or a share, as the policy was written ("10", "20%"). */
export type PolicyAmount = number | string;

/** What the page shows of a rollout: the rollout part's state, reduced to what an operator reads. */
export interface RolloutView {
  readonly id: string;
  readonly version: string;
  /** e.g. running, baking, halted, completed. */
  readonly state: string;
  readonly startedAt?: string;
  readonly policy: {
    readonly maxConcurrent: PolicyAmount;
    readonly failureTolerance: PolicyAmount;
    readonly failureBudget?: PolicyAmount;
    readonly bakeMinutes: number;
    readonly tenantTimeoutMinutes?: number;
    readonly onFailure: "halt" | "rollback";
  };
  readonly waves: readonly RolloutWaveView[];
  /** Why the rollout stopped, in one line, when it halted. */
  readonly haltReason?: string;
}

export interface RolloutWaveView {
  readonly wave: number;
  /** e.g. waiting, running, baking, done, halted. */
  readonly state: string;
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly inProgress: number;
  readonly skipped: number;
  readonly notStarted: number;
  readonly haltReason?: string;
}

export interface StatusPageInput {
  readonly status: FleetStatus;
  /** Holds and pins of the fleet config, by environment name. */
  readonly fleet: readonly { readonly name: string; readonly hold?: boolean; readonly pin?: string | undefined }[];
  readonly rollout?: RolloutView | undefined;
  /** Where the records were read, e.g. s3://bucket. */
  readonly source: string;
  /** When the page was made (ISO); "3 min ago" is relative to this, so the renderer stays pure. */
  readonly generatedAt: string;
}

export interface StatusPageModel {
  readonly app: string;
  readonly newestVersion: string | null;
  readonly source: string;
  readonly generatedAt: string;
  readonly total: number;
  readonly counts: Counts;
  /** Tenants of the fleet not running the newest version. */
  readonly lagging: number;
  /** Every failed tenant, whatever its wave: the first thing an operator must see. */
  readonly failed: readonly TenantRow[];
  readonly waves: readonly WaveGroup[];
  readonly rollout: RolloutView | undefined;
}

const ORDER: Readonly<Record<Bucket, number>> = { failed: 0, "in-progress": 1, "not-started": 2, skipped: 3, succeeded: 4 };

function bucketOf(e: FleetStatusEnvironment): Bucket {
  const r = e.last?.result;
  if (r === undefined) return "not-started";
  if (r === "refused" || r === "failed") return "failed";
  return r;
}

function firstLine(text: string | undefined): string | null {
  if (text === undefined) return null;
  const line = (text.split(/\r?\n/, 1)[0] ?? "").trim();
  return line === "" ? null : line;
}

function row(e: FleetStatusEnvironment, extra: { hold?: boolean; pin?: string | undefined } | undefined): TenantRow {
  const last = e.last;
  return {
    env: e.env,
    wave: e.wave,
    inFleet: e.inFleet,
    bucket: bucketOf(e),
    result: last === null ? "not started" : last.result === "in-progress" ? `in progress (${last.phase})` : last.result,
    version: last?.version ?? null,
    running: e.running?.version ?? null,
    at: last?.at ?? null,
    buildId: last?.buildId ?? null,
    releaseId: last?.releaseId ?? null,
    error: firstLine(last?.error),
    lag: e.lag,
    hold: extra?.hold ?? false,
    pin: extra?.pin ?? null,
  };
}

export function countBuckets(rows: readonly TenantRow[]): Counts {
  const c: Record<Bucket, number> = { failed: 0, "in-progress": 0, succeeded: 0, skipped: 0, "not-started": 0 };
  for (const r of rows) c[r.bucket] += 1;
  return c;
}

const byAttention = (a: TenantRow, b: TenantRow) => ORDER[a.bucket] - ORDER[b.bucket] || (a.env < b.env ? -1 : a.env > b.env ? 1 : 0);

export function buildStatusPageModel(input: StatusPageInput): StatusPageModel {
  const extras = new Map(input.fleet.map((e) => [e.name, e]));
  const rows = input.status.environments.map((e) => row(e, extras.get(e.env)));
  const inFleet = rows.filter((r) => r.inFleet);

  const groups = new Map<number | undefined, TenantRow[]>();
  for (const r of rows) groups.set(r.wave, [...(groups.get(r.wave) ?? []), r]);
  // Waves ascending; environments that left the fleet last.
  const waveKeys = [...groups.keys()].sort((a, b) => (a === undefined ? 1 : b === undefined ? -1 : a - b));
  const waves = waveKeys.map((wave) => {
    const list = [...groups.get(wave)!].sort(byAttention);
    return { wave, counts: countBuckets(list), rows: list };
  });

  const newest = input.status.newestVersion;
  return {
    app: input.status.app,
    newestVersion: newest,
    source: input.source,
    generatedAt: input.generatedAt,
    total: inFleet.length,
    counts: countBuckets(inFleet),
    lagging: inFleet.filter((r) => newest !== null && r.running !== newest).length,
    failed: rows.filter((r) => r.bucket === "failed").sort(byAttention),
    waves,
    rollout: input.rollout,
  };
}
