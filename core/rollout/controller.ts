/**
 * The controller: storage I/O around the pure decision, through the {@link RolloutStore} port. The same
 * code runs in the Lambda (one step per event) and in `fleet rollout run` (a step per poll).
 *
 * Why it never releases a tenant twice and never loses an update, however many run at once:
 * 1. read the state and its ETag; decide; store the new state with compare-and-swap. A controller that
 *    loses the race decided on an old state: it throws its decision away and starts over from the winner's.
 * 2. only then write the releases of the outbox, each under the release id recorded in the state, with
 *    If-None-Match: *. A repeat (a crash between 1 and 2, a duplicate event) hits the same key: 412, fine.
 * 3. acknowledge what is stored (compare-and-swap again; a lost race leaves it for the next step).
 */
import { randomBytes } from "node:crypto";
import { artifactKey } from "../keys";
import { RELEASE_SCHEMA, type Release, type Status } from "../records";
import { formatReleaseId } from "../version";
import { acknowledge, decide } from "./decide";
import { RolloutContentionError, RolloutError } from "./errors";
import { COMMAND_SCHEMA, type ReleaseIntent, type RolloutCommand, type RolloutState } from "./state";
import type { RolloutStore } from "./store";

export interface StepResult {
  readonly state: RolloutState;
  /** Release ids written by this step ("exists" ones not included). */
  readonly written: readonly string[];
  readonly log: readonly string[];
  /** Compare-and-swap races lost (and retried) in this step. */
  readonly conflicts: number;
  /** When the next step would change something without new input (see Decision.wakeAt). */
  readonly wakeAt: number | null;
  /** The storage time this step decided at. */
  readonly now: number;
}

/** Attempts before a step gives up to a busier controller (which will have done the work). */
const MAX_TRIES = 8;
/** Parallel requests to storage per step. */
const POOL = 16;

async function pool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  const queue = [...items.entries()];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) out[job[0]] = await fn(job[1]);
  };
  await Promise.all(Array.from({ length: Math.min(POOL, items.length) }, worker));
  return out;
}

/** The records that can change the decision: those of current release ids (rollouts and unfinished rollbacks). */
async function readRecords(store: RolloutStore, s: RolloutState): Promise<Status[]> {
  const wanted: { env: string; id: string }[] = [];
  for (const t of s.tenants) {
    if (t.state === "in-flight" && t.releaseId) wanted.push({ env: t.env, id: t.releaseId });
    if (t.rollback && (t.rollback.result === undefined || t.rollback.result === "in-progress")) wanted.push({ env: t.env, id: t.rollback.releaseId });
  }
  const found = await pool(wanted, (w) => store.readStatus(w.env, s.app, w.id));
  return found.filter((r): r is Status => r !== undefined);
}

export function releaseOf(s: RolloutState, intent: ReleaseIntent): Release {
  return {
    schema: RELEASE_SCHEMA,
    env: intent.env,
    app: s.app,
    version: intent.version,
    artifactKey: artifactKey(s.app, intent.version),
    artifactSha256: intent.artifactSha256,
    releaseId: intent.releaseId,
    requestedBy: `rollout:${s.rolloutId}`,
    reason: intent.reason,
    allowDowngrade: intent.allowDowngrade,
    createdAt: intent.createdAt,
  };
}

/** One controller step for one rollout: decide on fresh inputs, store, write the outbox, acknowledge. */
export async function step(store: RolloutStore, app: string, rolloutId: string): Promise<StepResult> {
  let conflicts = 0;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const cur = await store.readState(app, rolloutId);
    if (!cur) throw new RolloutError(`no rollout ${rolloutId} of ${app}`);
    const [now, commands, records] = await Promise.all([store.now(), store.listCommands(app, rolloutId), readRecords(store, cur.state)]);
    const d = decide(cur.state, { records, commands }, now);
    let { state } = d;
    let etag = cur.etag;
    if (d.changed) {
      const next = await store.writeState(state, etag);
      if (next === undefined) {
        conflicts++;
        continue;
      }
      etag = next;
    }
    const written: string[] = [];
    if (state.outbox.length > 0) {
      const s = state;
      const results = await pool(s.outbox, async (intent) => ({ id: intent.releaseId, r: await store.putRelease(releaseOf(s, intent)) }));
      for (const { id, r } of results) if (r === "written") written.push(id);
      const acked = acknowledge(state, results.map((x) => x.id));
      if ((await store.writeState(acked, etag)) !== undefined) state = acked;
      else conflicts++;
    }
    return { state, written, log: d.log, conflicts, wakeAt: d.wakeAt, now };
  }
  throw new RolloutContentionError(`rollout ${rolloutId} of ${app}: the state changed ${MAX_TRIES} times while this controller decided; another controller is moving it`);
}

/** A new id that sorts by time: the storage's time, and randomness. */
export function newId(now: number): string {
  return formatReleaseId(new Date(now), randomBytes(4).toString("hex"));
}

/** The newest rollout of the app, if any. */
export async function newestRollout(store: RolloutStore, app: string): Promise<RolloutState | undefined> {
  const ids = await store.listRolloutIds(app);
  const last = ids.at(-1);
  return last === undefined ? undefined : (await store.readState(app, last))?.state;
}

/** Stores a halt or resume request, then takes one step so that it applies at once. */
export async function requestCommand(
  store: RolloutStore,
  app: string,
  rolloutId: string,
  action: RolloutCommand["action"],
  requestedBy: string,
  reason: string,
): Promise<StepResult> {
  const cur = await store.readState(app, rolloutId);
  if (!cur) throw new RolloutError(`no rollout ${rolloutId} of ${app}: see fleet rollout status for the rollouts there are`);
  const newest = (await store.listRolloutIds(app)).at(-1);
  if (action === "resume" && newest !== rolloutId) throw new RolloutError(`rollout ${rolloutId} is not the newest of ${app} (${newest ?? "none"}); only the newest can be resumed`);
  if (action === "resume" && cur.state.phase !== "halted") throw new RolloutError(`rollout ${rolloutId} is ${cur.state.phase}, not halted: nothing to resume`);
  if (action === "halt" && cur.state.phase !== "running") throw new RolloutError(`rollout ${rolloutId} is ${cur.state.phase}, not running: nothing to halt`);
  const now = await store.now();
  await store.putCommand(app, rolloutId, { schema: COMMAND_SCHEMA, id: newId(now), action, requestedBy: requestedBy.slice(0, 256) || "unknown", reason: reason.slice(0, 1024), createdAt: new Date(now).toISOString() });
  return step(store, app, rolloutId);
}
