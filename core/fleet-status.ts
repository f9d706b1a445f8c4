/**
 * The fleet view of `fleet status`, pure: status records in, one row per environment
 * out, and the table that prints them. It reports, it does not judge: failed tenants are rows like any other.
 *
 * - running: the version of the newest *succeeded* record (what terraform last applied there);
 * - last: the newest record by release id, whatever its result (a skipped or refused release is news too);
 * - lag: how many distinct known versions (SemVer) are newer than what runs; every known version when
 *   nothing runs yet.
 * Records are attributed by their key ({@link attributeStatus}) before they get here.
 */
import { parseKey } from "./keys";
import { StatusSchema, type Status } from "./records";
import { compareReleaseIds, compareVersions, isValidVersion } from "./version";

export interface FleetStatusEnvironment {
  readonly env: string;
  /** From the fleet config; undefined for an environment that only has records (removed from the fleet). */
  readonly wave: number | undefined;
  readonly inFleet: boolean;
  readonly running: { readonly version: string; readonly releaseId: string; readonly at: string } | null;
  readonly last: {
    readonly releaseId: string;
    readonly version: string;
    readonly result: Status["result"];
    readonly phase: Status["phase"];
    readonly at: string;
    readonly buildId: string;
    readonly error?: string;
  } | null;
  readonly lag: number;
}

export interface FleetStatus {
  readonly app: string;
  readonly newestVersion: string | null;
  readonly environments: readonly FleetStatusEnvironment[];
}

export interface FleetStatusInput {
  readonly app: string;
  /** Environments of the fleet config (all shown, "never deployed" when they have no record). */
  readonly fleet: readonly { readonly name: string; readonly wave: number }[];
  /** Status records of this app (any subset that includes each environment's newest and newest succeeded). */
  readonly records: readonly Status[];
  /** Versions known to exist (published or released); record versions are added. */
  readonly knownVersions: Iterable<string>;
}

const when = (s: Status) => s.finishedAt ?? s.startedAt;

export type AttributedStatus = { readonly ok: true; readonly status: Status } | { readonly ok: false; readonly reason: string };

/**
 * A status record counts for the environment, app and release its KEY names, never for what its body
 * says: each environment's deployer may write only under its own `status/<env>/`, so the key is the part
 * an environment cannot forge for another. A body that disagrees with its key is ignored (the caller warns).
 */
export function attributeStatus(key: string, body: unknown): AttributedStatus {
  const parsed = parseKey(key);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  if (parsed.key.kind !== "status") return { ok: false, reason: `not a status key (a ${parsed.key.kind} key)` };
  const record = StatusSchema.safeParse(body);
  if (!record.success) return { ok: false, reason: `not a valid status record (${record.error.issues[0]?.message ?? "invalid"})` };
  const k = parsed.key;
  const r = record.data;
  for (const [field, inKey, inBody] of [["env", k.env, r.env], ["app", k.app, r.app], ["releaseId", k.releaseId, r.releaseId]] as const) {
    if (inKey !== inBody) return { ok: false, reason: `the record's ${field} ${JSON.stringify(inBody)} disagrees with its key (${JSON.stringify(inKey)})` };
  }
  return { ok: true, status: r };
}

/**
 * Environments whose newest release failed or was refused: what `fleet status` exits 1 for. Only the
 * fleet's environments count when the fleet config is known (an environment removed from the fleet cannot
 * be fixed by a release); from the records alone, every environment counts.
 */
export function failingEnvironments(status: FleetStatus): string[] {
  const fleetKnown = status.environments.some((e) => e.inFleet);
  return status.environments.filter((e) => (e.inFleet || !fleetKnown) && (e.last?.result === "failed" || e.last?.result === "refused")).map((e) => e.env);
}

export function buildFleetStatus(input: FleetStatusInput): FleetStatus {
  const byEnv = new Map<string, Status[]>();
  const versions = new Set<string>();
  for (const v of input.knownVersions) if (isValidVersion(v)) versions.add(v);
  for (const r of input.records) {
    if (r.app !== input.app) continue;
    byEnv.set(r.env, [...(byEnv.get(r.env) ?? []), r]);
    versions.add(r.version);
  }
  const sortedVersions = [...versions].sort(compareVersions);
  const newestVersion = sortedVersions.at(-1) ?? null;

  const fleetNames = new Set(input.fleet.map((e) => e.name));
  const rows: FleetStatusEnvironment[] = [];
  const row = (env: string, wave: number | undefined, inFleet: boolean): FleetStatusEnvironment => {
    const records = [...(byEnv.get(env) ?? [])].sort((a, b) => compareReleaseIds(a.releaseId, b.releaseId));
    const latest = records.at(-1);
    const running = records.filter((r) => r.result === "succeeded").at(-1);
    const lag = running ? sortedVersions.filter((v) => compareVersions(v, running.version) > 0).length : sortedVersions.length;
    return {
      env,
      wave,
      inFleet,
      running: running ? { version: running.version, releaseId: running.releaseId, at: when(running) } : null,
      last: latest
        ? {
            releaseId: latest.releaseId,
            version: latest.version,
            result: latest.result,
            phase: latest.phase,
            at: when(latest),
            buildId: latest.buildId,
            ...(latest.error !== undefined ? { error: latest.error } : {}),
          }
        : null,
      lag,
    };
  };
  for (const e of [...input.fleet].sort((a, b) => a.wave - b.wave || (a.name < b.name ? -1 : 1))) rows.push(row(e.name, e.wave, true));
  for (const env of [...byEnv.keys()].filter((e) => !fleetNames.has(e)).sort()) rows.push(row(env, undefined, false));
  return { app: input.app, newestVersion, environments: rows };
}

/** `2026-11-29 12:03:04Z`: UTC, to the second. */
function shortTime(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** The human table, then one line per environment whose last release did not succeed. */
export function formatFleetStatusTable(status: FleetStatus, source: string): string {
  const header = ["ENVIRONMENT", "WAVE", "RUNNING", "LAST RELEASE", "VERSION", "RESULT", "WHEN", "LAG"];
  const body = status.environments.map((e) => [
    e.inFleet ? e.env : `${e.env} (not in fleet)`,
    e.wave === undefined ? "-" : String(e.wave),
    e.running?.version ?? "-",
    e.last?.releaseId ?? "never deployed",
    e.last?.version ?? "-",
    e.last ? (e.last.result === "in-progress" ? `in-progress (${e.last.phase})` : e.last.result) : "-",
    e.last ? shortTime(e.last.at) : "-",
    String(e.lag),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ");
  const out = [
    `${status.app}: newest version ${status.newestVersion ?? "none"} (${source})`,
    "",
    line(header),
    ...body.map(line),
  ];
  const notes = status.environments.filter((e) => e.last?.error !== undefined && e.last.result !== "succeeded");
  if (notes.length > 0) out.push("", ...notes.map((e) => `${e.env}: ${e.last!.result}: ${e.last!.error!}`));
  return out.join("\n") + "\n";
}
