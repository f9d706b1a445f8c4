/**
 * `fleet rollout run`: the controller as a loop in a terminal or a pipe step, for fleets without the
 * Lambda (or beside it: steps are safe to run concurrently). Starts the rollout of the version unless the
 * newest rollout already is of that version and not over, then steps every interval until it is over:
 * completed, or halted with nothing left in flight.
 */
import { step, startRollout, newestRollout, summarize, formatRolloutTable, rolloutExitCode, type RolloutState } from "../../core/rollout";
import type { Output } from "../context";
import type { RolloutContext } from "./context";

export interface RunOptions {
  readonly version: string;
  readonly reason: string;
  readonly intervalMs: number;
  /** Give up (exit 1, the rollout keeps its state) after this long. */
  readonly timeoutMs: number;
  readonly out: Output;
  readonly sleep?: (ms: number) => Promise<void>;
}

const over = (s: RolloutState): boolean => s.outbox.length === 0 && (s.phase === "completed" || (s.phase === "halted" && !s.tenants.some((t) => t.state === "in-flight")));

export async function runRollout(rc: RolloutContext, o: RunOptions): Promise<number> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const print = (lines: readonly string[]) => {
    for (const l of lines) o.out.write(`  ${l}\n`);
  };
  const newest = await newestRollout(rc.store, rc.app);
  let state: RolloutState;
  if (newest && newest.version === o.version && newest.phase !== "completed") {
    o.out.write(`▶ continuing rollout ${newest.rolloutId} of ${rc.app} ${o.version} (${newest.phase})\n`);
    state = newest;
  } else {
    const r = await startRollout(rc.store, { fleet: rc.fleet, app: rc.app, version: o.version, requestedBy: rc.who, reason: o.reason });
    o.out.write(`▶ started rollout ${r.state.rolloutId} of ${rc.app} ${o.version}\n`);
    print(r.log);
    state = r.state;
  }
  const deadline = Date.now() + o.timeoutMs;
  let wakeAt: number | null = null;
  let now = 0;
  while (!over(state)) {
    if (Date.now() > deadline) {
      o.out.write(`✖ still ${state.phase} after ${Math.round(o.timeoutMs / 1000)} s; the rollout keeps going with the controller (fleet rollout status --rollout ${state.rolloutId})\n`);
      return 1;
    }
    // Wake for a bake end or a timeout sooner than the interval, so the next wave starts on time.
    await sleep(wakeAt === null ? o.intervalMs : Math.min(o.intervalMs, Math.max(0, wakeAt - now) + 100));
    const r = await step(rc.store, rc.app, state.rolloutId);
    wakeAt = r.wakeAt;
    now = r.now;
    print(r.log);
    state = r.state;
  }
  const summary = summarize(state);
  o.out.write(formatRolloutTable(summary));
  return rolloutExitCode(summary);
}
