/**
 * A rollout as an operator reads it (`fleet rollout status`, the local scenarios' report): per tenant one
 * result, per wave the counts, and whether a script should stop (exit non-zero when the rollout halted or a
 * tenant failed). Pure.
 */
import { countTenants } from "./decide";
import type { RolloutState, Tenant } from "./state";

export type TenantResult = "succeeded" | "failed" | "rolled-back" | "skipped" | "in-flight" | "not-started";

export interface TenantSummary {
  readonly env: string;
  readonly wave: number;
  readonly result: TenantResult;
  readonly attempt: number;
  readonly releaseId: string | null;
  readonly reason: string | null;
  readonly rolledBackTo: string | null;
  readonly rollbackResult: string | null;
}

export interface RolloutSummary {
  readonly rolloutId: string;
  readonly app: string;
  readonly version: string;
  readonly phase: RolloutState["phase"];
  readonly haltReason: string | null;
  readonly requestedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Failures of the current generation (what tolerance and budget count). */
  readonly failures: number;
  readonly budget: number | null;
  readonly counts: Readonly<Record<TenantResult, number>>;
  readonly waves: readonly { readonly wave: number; readonly size: number; readonly maxConcurrent: number; readonly tolerance: number; readonly doneAt: string | null }[];
  readonly tenants: readonly TenantSummary[];
  /** Releases decided but not yet confirmed stored. */
  readonly unwritten: number;
}

export function tenantResult(t: Tenant): TenantResult {
  return t.state === "pending" ? "not-started" : t.state;
}

export function summarize(s: RolloutState): RolloutSummary {
  const counts: Record<TenantResult, number> = { succeeded: 0, failed: 0, "rolled-back": 0, skipped: 0, "in-flight": 0, "not-started": 0 };
  const tenants = s.tenants.map((t): TenantSummary => {
    const result = tenantResult(t);
    counts[result]++;
    return {
      env: t.env,
      wave: t.wave,
      result,
      attempt: t.attempt,
      releaseId: t.releaseId ?? null,
      reason: t.reason ?? null,
      rolledBackTo: t.rollback?.version ?? null,
      rollbackResult: t.rollback?.result ?? null,
    };
  });
  return {
    rolloutId: s.rolloutId,
    app: s.app,
    version: s.version,
    phase: s.phase,
    haltReason: s.haltReason ?? null,
    requestedBy: s.requestedBy,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    failures: countTenants(s).failures,
    budget: s.budget,
    counts,
    waves: s.waves.map((w) => ({ wave: w.wave, size: w.size, maxConcurrent: w.maxConcurrent, tolerance: w.tolerance, doneAt: w.doneAt ?? null })),
    tenants,
    unwritten: s.outbox.length,
  };
}

/** 1 when a script should stop: the rollout halted, or a tenant failed or was rolled back. */
export function rolloutExitCode(s: RolloutSummary): 0 | 1 {
  return s.phase === "halted" || s.counts.failed > 0 || s.counts["rolled-back"] > 0 ? 1 : 0;
}

export function formatRolloutTable(s: RolloutSummary): string {
  const c = s.counts;
  const head = [
    `rollout ${s.rolloutId}: ${s.app} ${s.version} — ${s.phase.toUpperCase()}${s.haltReason ? ` (${s.haltReason})` : ""}`,
    `  ${c.succeeded} succeeded, ${c.failed} failed, ${c["rolled-back"]} rolled back, ${c.skipped} skipped, ${c["in-flight"]} in flight, ${c["not-started"]} not started` +
      `; failures ${s.failures}${s.budget === null ? "" : ` of a budget of ${s.budget}`}`,
    `  started by ${s.requestedBy} at ${s.createdAt}; updated ${s.updatedAt}`,
    "",
  ];
  const header = ["WAVE", "ENVIRONMENT", "RESULT", "ATTEMPT", "RELEASE", "NOTE"];
  const rows = s.tenants.map((t) => [
    String(t.wave),
    t.env,
    t.result,
    String(t.attempt),
    t.releaseId ?? "-",
    [t.reason, t.rolledBackTo ? `rolled back to ${t.rolledBackTo}${t.rollbackResult ? ` (${t.rollbackResult})` : ""}` : null].filter((x) => x).join("; "),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((x, i) => (i === cells.length - 1 ? x : x.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  const waves = s.waves.map((w) => `  wave ${w.wave}: ${w.size} taking part, ${w.maxConcurrent} at once, tolerance ${w.tolerance}${w.doneAt ? `, done ${w.doneAt}` : ""}`);
  return [...head, ...waves, "", line(header), ...rows.map(line)].join("\n") + "\n";
}
