/**
 * The rollout policy with its defaults applied, and the per-wave numbers it yields. Pure.
 *
 * Counts and percentages: `maxConcurrent` "N%" is N % of the wave rounded down but never below 1 (a wave
 * must be able to move); `failureTolerance` and `failureBudget` "N%" round down (10 % of 9 tenants is 0).
 */
import type { RolloutPolicy } from "../config/schema";

export type CountOrPercent = number | string;

export interface ResolvedPolicy {
  readonly maxConcurrent: CountOrPercent;
  readonly failureTolerance: CountOrPercent;
  /** null: no budget beyond the waves' tolerance. */
  readonly failureBudget: CountOrPercent | null;
  readonly bakeMinutes: number;
  readonly tenantTimeoutMinutes: number;
  readonly onFailure: "halt" | "rollback";
}

export const DEFAULT_MAX_CONCURRENT = 10;
/** Added to the CodeBuild timeout for the default tenant timeout: queueing and the event chain's delay. */
export const TIMEOUT_MARGIN_MINUTES = 30;

/** The policy as written in fleet.yaml, with every default filled in. */
export function resolvePolicy(policy: RolloutPolicy | undefined, codeBuildTimeoutMinutes: number): ResolvedPolicy {
  return {
    maxConcurrent: policy?.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
    failureTolerance: policy?.failureTolerance ?? 0,
    failureBudget: policy?.failureBudget ?? null,
    bakeMinutes: policy?.bakeMinutes ?? 0,
    tenantTimeoutMinutes: policy?.tenantTimeoutMinutes ?? codeBuildTimeoutMinutes + TIMEOUT_MARGIN_MINUTES,
    onFailure: policy?.onFailure ?? "halt",
  };
}

/** `spec` of `total`: a count as is, "N%" rounded down. */
export function amountOf(spec: CountOrPercent, total: number): number {
  if (typeof spec === "number") return spec;
  const m = /^(\d{1,3})%$/.exec(spec);
  if (!m) throw new Error(`not a count or percentage: ${JSON.stringify(spec)}`);
  return Math.floor((total * Number(m[1])) / 100);
}

/** Tenants in flight at once in a wave of `size`: at least 1. */
export function concurrencyOf(spec: CountOrPercent, size: number): number {
  return Math.max(1, amountOf(spec, size));
}
