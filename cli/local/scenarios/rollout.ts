/**
 * A scenario file on the local chain: every version is published; all but the last are rolled out
 * fault-free; the last is rolled out with the scenario's faults. Each rollout is started as
 * `fleet rollout start` starts one (state in the central bucket, first step taken); from then on only the
 * chain moves it: release events reach the tenants, deployers write status records, whose S3 events reach
 * the bundled controller through its stand-in queue, plus a tick standing in for the one-minute schedule.
 * The run ends with the report and a verdict: did the last rollout end as the scenario expects?
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { newestRollout, requestCommand, startRollout, summarize, type RolloutState, type RolloutStore } from "../../../core/rollout";
import { S3RolloutStore } from "../../../core/rollout/s3-store";
import { CONTROLLER_FUNCTION } from "../functions";
import type { ScenarioResult, World } from "../model";
import { injectFaults } from "./faults";
import { buildReport, type ScenarioReport, type TenantFacts } from "./report";
import type { Scenario } from "./scenario-file";


export interface RolloutScenarioOptions {
  readonly faultsFile: string;
  /** Seconds between two schedule events to the controller. @default 1 */
  readonly tickSeconds?: number;
  /** How long one rollout may take before the run gives up on it. @default 600 */
  readonly rolloutTimeoutSeconds?: number;
}

export interface RolloutScenarioResult extends ScenarioResult {
  readonly report: ScenarioReport;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Settled: not running, nothing left to write, nobody in flight, and every rollback's own deploy finished.
 * A rollback is read from its status record: once a rollout is over the controller has no reason to step
 * it again, so the state never learns how a late rollback ended.
 */
async function settled(s: RolloutState, store: RolloutStore, app: string): Promise<boolean> {
  if (s.phase === "running" || s.outbox.length > 0 || s.tenants.some((t) => t.state === "in-flight")) return false;
  for (const t of s.tenants) {
    if (!t.rollback || (t.rollback.result !== undefined && t.rollback.result !== "in-progress")) continue;
    const record = await store.readStatus(t.env, app, t.rollback.releaseId);
    if (!record || record.result === "in-progress") return false;
  }
  return true;
}

/** The EventBridge "Scheduled Event" the one-minute rule would send, sent now and then to the controller's queue. */
function startTick(world: World, seconds: number): () => void {
  const standIn = world.standIns.find((s) => s.functionName === CONTROLLER_FUNCTION);
  if (!standIn) return () => undefined;
  const { account, region } = standIn.placement;
  const timer = setInterval(() => {
    void (async () => {
      const sqs = await world.clients.sqs(standIn.placement);
      const event = { version: "0", id: `tick-${Date.now()}`, "detail-type": "Scheduled Event", source: "aws.events", account, region, time: new Date().toISOString(), resources: [`arn:aws:events:${region}:${account}:rule/fleet-rollout-controller-schedule`], detail: {} };
      await sqs.send(new SendMessageCommand({ QueueUrl: standIn.queueUrl, MessageBody: JSON.stringify(event) }));
    })().catch((err: Error) => world.tracker.errors.push(`controller tick: ${err.message}`));
  }, seconds * 1000);
  return () => clearInterval(timer);
}

async function waitSettled(store: RolloutStore, world: World, rolloutId: string, timeoutMs: number): Promise<RolloutState | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: RolloutState | undefined;
  let shown = "";
  while (Date.now() < deadline) {
    last = (await store.readState(world.app, rolloutId))?.state;
    if (last) {
      const c = summarize(last).counts;
      const line = `rollout ${last.version} ${last.phase}: ${c.succeeded} succeeded, ${c.failed + c["rolled-back"]} failed, ${c["in-flight"]} in flight, ${c["not-started"]} not started, ${c.skipped} skipped`;
      if (line !== shown) world.progress.step((shown = line));
      if (await settled(last, store, world.app)) return last;
    }
    await sleep(250);
  }
  return undefined;
}

async function rollOut(store: RolloutStore, world: World, version: string, timeoutMs: number, problems: string[]): Promise<RolloutState | undefined> {
  world.progress.step(`rollout of ${world.app} ${version} starts (as fleet rollout start would)`);
  const startedAt = Date.now();
  const started = await startRollout(store, { fleet: world.config, app: world.app, version, requestedBy: "fleet local --scenario", reason: `scenario rollout of ${version}` });
  const state = await waitSettled(store, world, started.state.rolloutId, timeoutMs);
  if (!state) problems.push(`rollout ${started.state.rolloutId} of ${version} did not settle within ${timeoutMs / 1000} s`);
  else await reportTiming(store, world, state, startedAt);
  return state;
}

/** The chain's figure for the benchmark: the rollout's start → the last final status record of its releases. */
async function reportTiming(store: RolloutStore, world: World, state: RolloutState, startedAt: number): Promise<void> {
  const finished: number[] = [];
  for (const t of state.tenants) {
    const record = t.releaseId ? await store.readStatus(t.env, world.app, t.releaseId) : undefined;
    if (record?.finishedAt) finished.push(Date.parse(record.finishedAt));
  }
  if (finished.length === 0) return;
  world.progress.step(`rollout of ${state.version} to ${finished.length} tenants: start → last status record ${Math.max(...finished) - startedAt} ms`);
}

async function factsOf(world: World, state: RolloutState, store: RolloutStore): Promise<Map<string, TenantFacts>> {
  const facts = new Map<string, TenantFacts>();
  for (const t of state.tenants) {
    const record = t.releaseId ? await store.readStatus(t.env, world.app, t.releaseId) : undefined;
    const deployed = await world.deployedVersion(t.env);
    const builds = world.tracker.builds.filter(
      (b) => b.environmentVariables.some((v) => v.name === "FLEET_ENVIRONMENT" && v.value === t.env) && b.overrides.some((v) => v.name === "FLEET_VERSION" && v.value === state.version),
    ).length;
    facts.set(t.env, { ...(record ? { lastResult: record.result } : {}), ...(deployed !== undefined ? { deployed } : {}), builds });
  }
  return facts;
}

export async function runRolloutScenario(world: World, scenario: Scenario, options: RolloutScenarioOptions): Promise<RolloutScenarioResult> {
  const problems: string[] = [];
  const store = new S3RolloutStore(world.centralS3, world.bucket);
  const timeoutMs = (options.rolloutTimeoutSeconds ?? 600) * 1000;
  if (!world.standIns.some((s) => s.functionName === CONTROLLER_FUNCTION)) problems.push(`no ${CONTROLLER_FUNCTION} in the synthesized central stack: its events reach nobody`);
  for (const v of scenario.versions) await world.publish(v);
  const stopTick = startTick(world, options.tickSeconds ?? 1);
  try {
    const last = scenario.versions[scenario.versions.length - 1] ?? "";
    for (const version of scenario.versions.slice(0, -1)) {
      const s = await rollOut(store, world, version, timeoutMs, problems);
      if (s?.phase !== "completed") problems.push(`the fault-free rollout of ${version} ended ${s?.phase ?? "unsettled"}${s?.haltReason ? `: ${s.haltReason}` : ""}`);
    }
    const faults = injectFaults(world, scenario, last, options.faultsFile);
    let state = await rollOut(store, world, last, timeoutMs, problems);
    if (state?.phase === "halted" && scenario.resume) {
      await faults.clear();
      world.progress.step(`rollout of ${last} halted (${state.haltReason ?? ""}); faults cleared, resuming (as fleet rollout resume would)`);
      await requestCommand(store, world.app, state.rolloutId, "resume", "fleet local --scenario", "scenario: the cause is gone");
      state = await waitSettled(store, world, state.rolloutId, timeoutMs);
      if (!state) problems.push(`the resumed rollout of ${last} did not settle within ${timeoutMs / 1000} s`);
    }
    await faults.clear();
    state ??= await newestRollout(store, world.app);
    if (!state) throw new Error("no rollout state to report on");
    const report = buildReport(summarize(state), await factsOf(world, state, store));
    if (state.phase !== scenario.expect) problems.push(`the rollout of ${last} ended ${state.phase}${state.haltReason ? ` (${state.haltReason})` : ""}; the scenario expects ${scenario.expect}`);
    return { expected: new Map(), problems, report };
  } finally {
    stopTick();
  }
}
