/**
 * The rollout part of the status page from a rollout's stored state: its policy, and per wave the tenants'
 * progress and, for the wave it stopped in, why it halted. Pure.
 *
 * {@link RolloutStateLike} names only the fields of the rollout controller's state object that the page reads
 * (the stored `cdktf-fleet/rollout@1` shape), so the rollout part's own state type is accepted as it is.
 */
import type { RolloutView, RolloutWaveView } from "./model";

type TenantState = "pending" | "in-flight" | "succeeded" | "failed" | "rolled-back" | "skipped";

export interface RolloutStateLike {
  readonly rolloutId: string;
  readonly version: string;
  readonly createdAt: string;
  readonly phase: "running" | "halted" | "completed";
  readonly haltReason?: string | undefined;
  readonly policy: {
    readonly maxConcurrent: number | string;
    readonly failureTolerance: number | string;
    readonly failureBudget: number | string | null;
    readonly bakeMinutes: number;
    readonly tenantTimeoutMinutes: number;
    readonly onFailure: "halt" | "rollback";
  };
  readonly waves: readonly { readonly wave: number; readonly doneAt?: string | undefined }[];
  readonly tenants: readonly { readonly wave: number; readonly state: TenantState }[];
}

function waveView(s: RolloutStateLike, wave: { wave: number; doneAt?: string | undefined }, haltedHere: boolean): RolloutWaveView {
  const tenants = s.tenants.filter((t) => t.wave === wave.wave);
  const count = (...states: TenantState[]) => tenants.filter((t) => states.includes(t.state)).length;
  const started = tenants.some((t) => t.state !== "pending");
  const state = wave.doneAt !== undefined ? "done" : haltedHere ? "halted" : started ? (s.phase === "halted" ? "stopped" : "running") : "waiting";
  return {
    wave: wave.wave,
    state,
    total: tenants.length,
    succeeded: count("succeeded"),
    // A rolled-back tenant failed this version (and was put back on its previous one).
    failed: count("failed", "rolled-back"),
    inProgress: count("in-flight"),
    skipped: count("skipped"),
    notStarted: count("pending"),
    ...(haltedHere && s.haltReason !== undefined ? { haltReason: s.haltReason } : {}),
  };
}

export function rolloutViewFromState(s: RolloutStateLike): RolloutView {
  const waves = [...s.waves].sort((a, b) => a.wave - b.wave);
  // A halted rollout stopped in its first wave that is not done.
  const haltedWave = s.phase === "halted" ? waves.find((w) => w.doneAt === undefined)?.wave : undefined;
  const p = s.policy;
  return {
    id: s.rolloutId,
    version: s.version,
    state: s.phase,
    startedAt: s.createdAt,
    policy: {
      maxConcurrent: p.maxConcurrent,
      failureTolerance: p.failureTolerance,
      ...(p.failureBudget !== null ? { failureBudget: p.failureBudget } : {}),
      bakeMinutes: p.bakeMinutes,
      tenantTimeoutMinutes: p.tenantTimeoutMinutes,
      onFailure: p.onFailure,
    },
    waves: waves.map((w) => waveView(s, w, w.wave === haltedWave)),
    ...(s.phase === "halted" ? { haltReason: s.haltReason ?? "halted (no reason recorded)" } : {}),
  };
}
