/**
 * A new rollout's first state, pure: every environment of the fleet becomes a tenant of its wave, and
 * those that must not get the version are skipped with the reason (on hold, pinned to another version,
 * already running it). Wave sizes, concurrency and tolerance are fixed here, from the tenants that take part.
 */
import { ROLLOUT_SCHEMA, RolloutStateSchema, type RolloutState, type Tenant } from "./state";
import { amountOf, concurrencyOf, type ResolvedPolicy } from "./policy";

export interface PlanTarget {
  readonly name: string;
  readonly wave: number;
  readonly hold?: boolean;
  readonly pin?: string | undefined;
  /** Its last succeeded version and that version's artifact hash, if any (what a rollback would release). */
  readonly previous?: { readonly version: string; readonly sha256: string } | undefined;
}

export interface PlanInput {
  readonly rolloutId: string;
  readonly app: string;
  readonly version: string;
  readonly artifactSha256: string;
  readonly requestedBy: string;
  readonly reason: string;
  readonly policy: ResolvedPolicy;
  readonly targets: readonly PlanTarget[];
  /** Storage time, ms. */
  readonly now: number;
}

function skipReason(t: PlanTarget, version: string): string | undefined {
  if (t.hold) return "on hold (hold: true): skipped";
  if (t.pin !== undefined && t.pin !== version) return `pinned to ${t.pin}: skipped`;
  if (t.previous?.version === version) return `already runs ${version}: skipped`;
  return undefined;
}

export function planRollout(input: PlanInput): RolloutState {
  const at = new Date(input.now).toISOString();
  const tenants: Tenant[] = [...input.targets]
    .sort((a, b) => a.wave - b.wave || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => {
      const reason = skipReason(t, input.version);
      // A tenant's "previous" must be another version: re-releasing the bad one would not roll back.
      const previous = t.previous && t.previous.version !== input.version ? { version: t.previous.version, sha256: t.previous.sha256 } : undefined;
      return {
        env: t.name,
        wave: t.wave,
        state: reason ? "skipped" : "pending",
        attempt: 0,
        ...(reason ? { reason, finishedAt: at } : {}),
        ...(previous ? { previous } : {}),
      };
    });
  const waveNumbers = [...new Set(tenants.map((t) => t.wave))].sort((a, b) => a - b);
  const waves = waveNumbers.map((wave) => {
    const size = tenants.filter((t) => t.wave === wave && t.state === "pending").length;
    return {
      wave,
      size,
      maxConcurrent: concurrencyOf(input.policy.maxConcurrent, size),
      tolerance: amountOf(input.policy.failureTolerance, size),
    };
  });
  const taking = tenants.filter((t) => t.state === "pending").length;
  const state: RolloutState = {
    schema: ROLLOUT_SCHEMA,
    rolloutId: input.rolloutId,
    app: input.app,
    version: input.version,
    artifactSha256: input.artifactSha256,
    requestedBy: input.requestedBy,
    reason: input.reason,
    createdAt: at,
    updatedAt: at,
    revision: 0,
    policy: { ...input.policy },
    phase: taking === 0 ? "completed" : "running",
    epoch: 0,
    budget: input.policy.failureBudget === null ? null : amountOf(input.policy.failureBudget, taking),
    waves,
    tenants,
    commandsApplied: [],
    outbox: [],
  };
  return RolloutStateSchema.parse(state);
}
