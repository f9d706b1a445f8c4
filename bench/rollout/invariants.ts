/**
 * The rollout invariants, as checks over stored state transitions (previous → next, in the order the
 * compare-and-swap accepted them) and over the final state. Each returns the violations it finds, so that a
 * property test or the benchmark can report them all.
 */
import { FINAL_STATES, countTenants, type MemoryStore, type RolloutState } from "../../core/rollout";

export interface Violation {
  readonly rule: string;
  readonly detail: string;
}

/** Checks one stored transition. `now` is the virtual time of the write. */
export function checkTransition(prev: RolloutState | undefined, next: RolloutState, now: number): Violation[] {
  const out: Violation[] = [];
  const counts = countTenants(next);
  for (const w of next.waves) {
    const c = counts.waves.get(w.wave);
    if (!c) continue;
    if (c.inFlight > w.maxConcurrent) out.push({ rule: "max-concurrent", detail: `wave ${w.wave}: ${c.inFlight} in flight > ${w.maxConcurrent}` });
    if (c.inFlight + c.failures > w.tolerance + 1) out.push({ rule: "tolerance", detail: `wave ${w.wave}: ${c.inFlight} in flight + ${c.failures} failures > tolerance ${w.tolerance} + 1` });
  }
  const inFlight = next.tenants.filter((t) => t.state === "in-flight").length;
  if (next.budget !== null && inFlight + counts.failures > next.budget + 1) out.push({ rule: "budget", detail: `${inFlight} in flight + ${counts.failures} failures > budget ${next.budget} + 1` });
  if (!prev) return out;

  const before = new Map(prev.tenants.map((t) => [t.env, t]));
  const resumed = next.epoch > prev.epoch;
  for (const t of next.tenants) {
    const p = before.get(t.env);
    if (!p || t.attempt === p.attempt) continue;
    if (t.attempt !== p.attempt + 1) out.push({ rule: "one-release-per-attempt", detail: `${t.env}: attempt ${p.attempt} → ${t.attempt}` });
    if (prev.phase !== "running" && !resumed) out.push({ rule: "no-start-after-halt", detail: `${t.env} started while the rollout was ${prev.phase}` });
    if (t.state === "rolled-back" || p.state === "rolled-back") out.push({ rule: "rolled-back-stays", detail: `${t.env} offered ${next.version} again after its rollback` });
    const earlier = next.tenants.find((x) => x.wave < t.wave && (x.state === "pending" || x.state === "in-flight"));
    if (earlier) out.push({ rule: "wave-order", detail: `${t.env} (wave ${t.wave}) started while ${earlier.env} (wave ${earlier.wave}) was ${earlier.state}` });
    const bakeMs = next.policy.bakeMinutes * 60_000;
    const last = next.waves.filter((w) => w.wave < t.wave && w.size > 0 && w.doneAt !== undefined).at(-1);
    // `now` is the simulation's clock; controllers read it with up to a second of jitter.
    if (bakeMs > 0 && last?.doneAt && Date.parse(last.doneAt) + bakeMs > now + 1_000) out.push({ rule: "bake", detail: `${t.env} started ${Date.parse(last.doneAt) + bakeMs - now} ms before the bake of wave ${last.wave} ended` });
  }
  return out;
}

/** Checks the end: every tenant in exactly one final state, and each release written once. */
export function checkFinal(s: RolloutState, store: MemoryStore): Violation[] {
  const out: Violation[] = [];
  for (const t of s.tenants) {
    if (!FINAL_STATES.includes(t.state)) out.push({ rule: "final-state", detail: `${t.env} ended ${t.state}` });
    if (t.state === "pending" && s.phase !== "halted") out.push({ rule: "final-state", detail: `${t.env} not started, yet the rollout is ${s.phase}` });
  }
  if (new Set(s.tenants.map((t) => t.env)).size !== s.tenants.length) out.push({ rule: "final-state", detail: "a tenant appears twice" });
  if (s.phase === "running") out.push({ rule: "final-state", detail: "the rollout is still running" });
  if (s.phase === "halted" && !s.haltReason) out.push({ rule: "final-state", detail: "halted without a reason" });
  // Releases written: one per (environment, attempt) of this version and at most one rollback, whatever the races and repeats.
  const releases = new Map<string, number>();
  const rollbacks = new Map<string, number>();
  for (const r of store.releases.values()) {
    const m = r.allowDowngrade ? rollbacks : releases;
    m.set(r.env, (m.get(r.env) ?? 0) + 1);
  }
  for (const t of s.tenants) {
    const n = releases.get(t.env) ?? 0;
    if (n !== t.attempt) out.push({ rule: "one-release-per-attempt", detail: `${t.env}: ${n} releases of ${s.version} for ${t.attempt} attempts` });
    const b = rollbacks.get(t.env) ?? 0;
    if (b !== (t.rollback ? 1 : 0)) out.push({ rule: "one-rollback", detail: `${t.env}: ${b} rollback releases` });
  }
  if (store.calls.putRelease !== store.releases.size) out.push({ rule: "one-release-per-attempt", detail: `${store.calls.putRelease} writes for ${store.releases.size} releases` });
  if (s.outbox.length > 0) out.push({ rule: "outbox", detail: `${s.outbox.length} releases decided but not stored` });
  return out;
}
