/** Small builders for rollout tests: a planned state, status records, commands. */
import { planRollout, resolvePolicy, type PlanTarget, type RolloutCommand, type RolloutState } from "../../core/rollout";
import { COMMAND_SCHEMA } from "../../core/rollout/state";
import type { RolloutPolicy } from "../../core/config/schema";
import { STATUS_SCHEMA, type Status } from "../../core/records";
import { formatReleaseId } from "../../core/version";

export const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
export const MIN = 60_000;
export const SHA = "a".repeat(64);
export const OLD_SHA = "b".repeat(64);
export const ROLLOUT_ID = formatReleaseId(new Date(T0), "00000");

/** `waves[i]` tenants in wave i, named w<i>t<nn>, each running 1.0.0 before. */
export function targets(waves: readonly number[], extra: Partial<Record<string, Partial<PlanTarget>>> = {}): PlanTarget[] {
  return waves.flatMap((n, wave) =>
    Array.from({ length: n }, (_, k) => {
      const name = `w${wave}t${String(k + 1).padStart(2, "0")}`;
      return { name, wave, previous: { version: "1.0.0", sha256: OLD_SHA }, ...extra[name] };
    }),
  );
}

export function plan(waves: readonly number[], policy: RolloutPolicy = {}, extra: Partial<Record<string, Partial<PlanTarget>>> = {}): RolloutState {
  return planRollout({
    rolloutId: ROLLOUT_ID,
    app: "shop",
    version: "2.0.0",
    artifactSha256: SHA,
    requestedBy: "test",
    reason: "",
    policy: resolvePolicy(policy, 60),
    targets: targets(waves, extra),
    now: T0,
  });
}

export function record(s: RolloutState, env: string, result: Status["result"], at: number, error?: string): Status {
  const t = s.tenants.find((x) => x.env === env);
  if (!t?.releaseId) throw new Error(`${env} has no release id`);
  return {
    schema: STATUS_SCHEMA,
    env,
    app: s.app,
    releaseId: t.releaseId,
    version: s.version,
    phase: result === "in-progress" ? "applying" : "finished",
    result,
    buildId: `build-${env}`,
    startedAt: new Date(at - 1000).toISOString(),
    ...(result === "in-progress" ? {} : { finishedAt: new Date(at).toISOString() }),
    ...(error ? { error } : {}),
  };
}

let commandSeq = 0;
export function command(action: RolloutCommand["action"], at: number): RolloutCommand {
  commandSeq++;
  return { schema: COMMAND_SCHEMA, id: formatReleaseId(new Date(at), commandSeq.toString(16).padStart(5, "0")), action, requestedBy: "ops", reason: "", createdAt: new Date(at).toISOString() };
}

export const inFlight = (s: RolloutState) => s.tenants.filter((t) => t.state === "in-flight").map((t) => t.env);
export const stateOf = (s: RolloutState, env: string) => s.tenants.find((t) => t.env === env)?.state;

export function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
