/**
 * Starting a rollout: check the version is published, find what each tenant runs now (its newest
 * succeeded status record, the version a rollback would return to), plan, store the state with
 * create-only semantics, and take the first step (which releases wave 0's first tenants).
 */
import type { FleetConfig } from "../config/schema";
import { compareReleaseIds } from "../version";
import { newId, newestRollout, step, type StepResult } from "./controller";
import { RolloutError } from "./errors";
import { planRollout, type PlanTarget } from "./plan";
import { resolvePolicy } from "./policy";
import type { RolloutStore } from "./store";

export interface StartInput {
  readonly fleet: Pick<FleetConfig, "app" | "defaults" | "environments"> & { readonly rollout?: FleetConfig["rollout"] };
  readonly app: string;
  readonly version: string;
  readonly requestedBy: string;
  readonly reason?: string;
}

/** Each environment's newest succeeded version of the app (walking its records newest first). */
async function runningVersions(store: RolloutStore, app: string, envs: readonly string[]): Promise<Map<string, string>> {
  const ids = await store.listStatusIds(app);
  const out = new Map<string, string>();
  await Promise.all(
    envs.map(async (env) => {
      const newestFirst = [...(ids.get(env) ?? [])].sort((a, b) => compareReleaseIds(b, a));
      for (const id of newestFirst) {
        const r = await store.readStatus(env, app, id);
        if (r?.result === "succeeded") {
          out.set(env, r.version);
          return;
        }
      }
    }),
  );
  return out;
}

export async function startRollout(store: RolloutStore, input: StartInput): Promise<StepResult> {
  const { fleet, app, version } = input;
  if (app !== fleet.app.name) throw new RolloutError(`app ${app} is not this fleet's app (${fleet.app.name})`);
  const manifest = await store.readManifest(app, version);
  if (!manifest) throw new RolloutError(`${app} ${version} is not published (no manifest): publish it first (the pipe, or fleet publish)`);
  const newest = await newestRollout(store, app);
  if (newest?.phase === "running") {
    throw new RolloutError(`rollout ${newest.rolloutId} of ${app} ${newest.version} is still running: halt it first (fleet rollout halt --rollout ${newest.rolloutId})`);
  }
  const envs = fleet.environments.map((e) => e.name);
  const running = await runningVersions(store, app, envs);
  const shas = new Map<string, string | undefined>();
  for (const v of new Set(running.values())) shas.set(v, (await store.readManifest(app, v))?.sha256);
  const targets: PlanTarget[] = fleet.environments.map((e) => {
    const v = running.get(e.name);
    const sha = v === undefined ? undefined : shas.get(v);
    return { name: e.name, wave: e.wave, hold: e.hold, pin: e.pin, previous: v !== undefined && sha !== undefined ? { version: v, sha256: sha } : undefined };
  });
  const now = await store.now();
  const state = planRollout({
    rolloutId: newId(now),
    app,
    version,
    artifactSha256: manifest.sha256,
    requestedBy: input.requestedBy.slice(0, 256) || "unknown",
    reason: (input.reason ?? "").slice(0, 1024),
    policy: resolvePolicy(fleet.rollout, fleet.defaults.codebuild.timeoutMinutes),
    targets,
    now,
  });
  if ((await store.writeState(state, undefined)) === undefined) throw new RolloutError(`rollout ${state.rolloutId} exists already; start again`);
  return step(store, app, state.rolloutId);
}
