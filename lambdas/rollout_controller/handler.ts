/**
 * One invocation of the rollout controller: work out which rollout the event concerns, take one step of
 * it, log one JSON line. Triggers: an S3 "Object Created" event for status/ (a deployer reported) or a
 * command under rollouts/ (halt, resume), and the one-minute schedule (timeouts, bakes, lost events).
 * Every trigger converges on the same thing, a step of the newest rollout that is not over, so a
 * duplicate, late or unknown event costs one idempotent step and nothing else.
 */
import { RolloutContentionError } from "../../core/rollout/errors";
import { parseRolloutKey } from "../../core/rollout/keys";
import { newestRollout, step } from "../../core/rollout/controller";
import type { RolloutStore } from "../../core/rollout/store";
import { summarize } from "../../core/rollout/summary";
import type { ControllerConfig } from "./config";

export interface ControllerLog {
  readonly level: "info" | "warn" | "error";
  readonly message: "rollout_controller";
  readonly trigger: string;
  readonly rolloutId?: string;
  readonly phase?: string;
  readonly written?: number;
  readonly conflicts?: number;
  readonly counts?: Readonly<Record<string, number>>;
  readonly events?: readonly string[];
  readonly reason?: string;
}

export interface ControllerDeps {
  readonly config: () => ControllerConfig;
  readonly store: (config: ControllerConfig) => RolloutStore;
  readonly log: (line: ControllerLog) => void;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * A bake that ends, or a tenant that times out, within this many ms is waited for in this invocation
 * rather than left to the next one-minute schedule: the next wave starts when its bake ends, not up to a
 * minute later. Below the function's timeout (stacks/rollout-controller.ts) with room for the step itself.
 */
export const WAIT_BUDGET_MS = 45_000;

export type ControllerResult = { readonly rolloutId: string | null; readonly phase: string | null; readonly written: number };

/** The object key of an S3 event (EventBridge shape), if it is one; anything else counts as the schedule. */
function keyOf(event: unknown): string | undefined {
  const key = (event as { detail?: { object?: { key?: unknown } } } | null)?.detail?.object?.key;
  return typeof key === "string" ? key : undefined;
}

export async function handleControllerEvent(event: unknown, deps: ControllerDeps): Promise<ControllerResult> {
  const config = deps.config();
  const store = deps.store(config);
  const key = keyOf(event);
  const trigger = key ?? "schedule";
  const named = key === undefined ? undefined : parseRolloutKey(key);
  let rolloutId: string | undefined;
  if (named && named.app === config.app) {
    rolloutId = named.rolloutId;
  } else {
    const newest = await newestRollout(store, config.app);
    // A completed rollout with nothing left to write needs no step.
    if (newest && !(newest.phase === "completed" && newest.outbox.length === 0)) rolloutId = newest.rolloutId;
  }
  if (rolloutId === undefined) {
    deps.log({ level: "info", message: "rollout_controller", trigger, reason: "no rollout in progress" });
    return { rolloutId: null, phase: null, written: 0 };
  }
  try {
    let r = await step(store, config.app, rolloutId);
    let waited = 0;
    while (r.wakeAt !== null && r.wakeAt > r.now && r.wakeAt - r.now + waited <= WAIT_BUDGET_MS) {
      const ms = r.wakeAt - r.now + 100;
      await deps.sleep(ms);
      waited += ms;
      const next = await step(store, config.app, rolloutId);
      r = { ...next, written: [...r.written, ...next.written], log: [...r.log, ...next.log], conflicts: r.conflicts + next.conflicts };
    }
    const summary = summarize(r.state);
    deps.log({ level: "info", message: "rollout_controller", trigger, rolloutId, phase: r.state.phase, written: r.written.length, conflicts: r.conflicts, counts: summary.counts, events: r.log });
    return { rolloutId, phase: r.state.phase, written: r.written.length };
  } catch (err) {
    if (err instanceof RolloutContentionError) {
      // Other invocations are moving this rollout right now; one of them has done this step's work.
      deps.log({ level: "warn", message: "rollout_controller", trigger, rolloutId, reason: err.message });
      return { rolloutId, phase: null, written: 0 };
    }
    deps.log({ level: "error", message: "rollout_controller", trigger, rolloutId, reason: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 1000) : String(err) });
    throw err;
  }
}
