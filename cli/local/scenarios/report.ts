/**
 * The report of a scenario run (`--report OUT.json`): how the last version's rollout ended and, per tenant,
 * its wave, whether the rollout started it, its result, the version it runs at the end, the builds started
 * for that version, and whether it was rolled back. Pure: the runner gathers the facts.
 */
import type { RolloutSummary } from "../../../core/rollout";
import type { StatusResult } from "../../../core/records";

export type ReportResult = "succeeded" | "failed" | "skipped" | "refused" | "not-started" | "in-flight";

export interface TenantReport {
  readonly wave: number;
  readonly started: boolean;
  readonly result: ReportResult;
  /** What the tenant runs at the end; null when nothing was ever deployed. */
  readonly version: string | null;
  /** Builds started for the rollout's version. */
  readonly builds: number;
  readonly rolledBack: boolean;
}

export interface ScenarioReport {
  readonly rollout: { readonly state: RolloutSummary["phase"]; readonly failures: number; readonly haltReason: string | null };
  readonly tenants: Readonly<Record<string, TenantReport>>;
}

export interface TenantFacts {
  /** Result of the status record of the rollout's release to this tenant, if any. */
  readonly lastResult?: StatusResult;
  /** The deployed-version parameter; "0.0.0" (its initial value) means nothing deployed. */
  readonly deployed?: string;
  readonly builds: number;
}

const NOTHING_DEPLOYED = "0.0.0";

function resultOf(t: RolloutSummary["tenants"][number], facts: TenantFacts | undefined): ReportResult {
  switch (t.result) {
    case "succeeded":
    case "skipped":
    case "not-started":
    case "in-flight":
      return t.result;
    case "failed":
    case "rolled-back":
      // The deployer refused the release (a guard said no) rather than failing to apply it.
      return facts?.lastResult === "refused" ? "refused" : "failed";
  }
}

export function buildReport(summary: RolloutSummary, facts: ReadonlyMap<string, TenantFacts>): ScenarioReport {
  const tenants: Record<string, TenantReport> = {};
  for (const t of summary.tenants) {
    const f = facts.get(t.env);
    const deployed = f?.deployed;
    tenants[t.env] = {
      wave: t.wave,
      started: t.attempt > 0,
      result: resultOf(t, f),
      version: deployed === undefined || deployed === NOTHING_DEPLOYED ? null : deployed,
      builds: f?.builds ?? 0,
      rolledBack: t.rolledBackTo !== null,
    };
  }
  return { rollout: { state: summary.phase, failures: summary.failures, haltReason: summary.haltReason }, tenants };
}
