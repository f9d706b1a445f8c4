/**
 * The end of a local run: what each tenant runs against what the scenario expected, the drill's faults,
 * the problems in words, and the timings the benchmark reads.
 */
import type { LocalRunResult, ReleaseTiming, RunClock, ScenarioResult, TenantOutcome, World } from "./model";
import type { ChainTracker } from "./tracker";

/** Chain clock (benchmark): release write → last build started, → last final status record. */
export function markChainClock(tracker: ChainTracker, clock: RunClock): void {
  const starts = tracker.builds.map((b) => b.startTime * 1000);
  const finals = [...tracker.releases.values()].map((r) => (r.final?.finishedAt ? Date.parse(r.final.finishedAt) : r.finalAt ?? 0));
  if (starts.length > 0) clock.timings.lastBuildStarted = Math.max(...starts) - clock.t0;
  if (finals.length > 0) clock.timings.lastStatus = Math.max(...finals) - clock.t0;
}

export async function tenantOutcomes(world: World, scenario: ScenarioResult): Promise<TenantOutcome[]> {
  const tenants: TenantOutcome[] = [];
  for (const e of world.config.environments) {
    const expected = scenario.expected.get(e.name);
    const deployed = await world.deployedVersion(e.name);
    const last = [...world.tracker.releases.values()].filter((r) => r.env === e.name).sort((a, b) => (a.releaseId < b.releaseId ? -1 : 1)).pop();
    const ok = expected === undefined ? true : expected.version === deployed;
    tenants.push({ env: e.name, expectedVersion: expected?.version, deployedVersion: deployed, lastResult: last?.final?.result, ok, ...(expected?.note ? { note: expected.note } : {}) });
  }
  return tenants;
}

/** Prints the verdict and builds the result. */
export function report(world: World, scenario: ScenarioResult, tenants: readonly TenantOutcome[], clock: RunClock, keptWorkDir: string | undefined): LocalRunResult {
  const { progress, tracker } = world;
  const problems = [...scenario.problems];
  for (const t of tenants) if (!t.ok) problems.push(`${t.env} runs ${t.deployedVersion ?? "nothing"}, expected ${t.expectedVersion}${t.lastResult ? ` (last release: ${t.lastResult})` : ""}`);
  const drillOk = scenario.faults ? scenario.faults.every((f) => f.ok) : true;
  const ok = problems.length === 0 && drillOk;
  progress.text("");
  if (scenario.faults) {
    progress.text("fault drill:");
    for (const f of scenario.faults) progress.text(`  ${f.ok ? "✔" : "✖"} ${f.fault}: ${f.observed}${f.ok ? "" : ` (expected: ${f.expected})`}`);
  }
  for (const t of tenants) progress.text(`  ${t.ok ? "✔" : "✖"} ${t.env}: runs ${t.deployedVersion ?? "nothing"}${t.expectedVersion ? ` (expected ${t.expectedVersion})` : ""}${t.note ? ` — ${t.note}` : ""}`);
  for (const p of problems) progress.text(`  ✖ ${p}`);
  for (const e of tracker.errors.slice(0, 5)) progress.text(`  ⚠ drainer: ${e}`);
  progress.text(`${tracker.builds.length} build${tracker.builds.length === 1 ? "" : "s"} started; ${((Date.now() - clock.t0) / 1000).toFixed(1)} s in all${keptWorkDir ? `; work dir kept: ${keptWorkDir}` : ""}`);
  return {
    ok,
    tenants,
    buildsStarted: tracker.builds.length,
    builds: tracker.builds.map((b) => ({ id: b.id, projectName: b.projectName, buildStatus: b.buildStatus })),
    ...(scenario.faults ? { drill: scenario.faults } : {}),
    ...(scenario.report ? { scenarioReport: scenario.report } : {}),
    problems,
    timings: clock.timings,
    releases: releaseTimings(tracker, clock.t0),
  };
}

/** Per release, ms since the start: written, queued, delivered, build started, finished. */
function releaseTimings(tracker: ChainTracker, t0: number): ReleaseTiming[] {
  return [...tracker.releases.values()].map((r) => {
    const d = tracker.deliveriesFor(r.key)[0];
    const b = tracker.buildsFor(r.key)[0];
    const fin = r.final?.finishedAt ? Date.parse(r.final.finishedAt) : r.finalAt;
    return {
      env: r.env,
      result: r.final?.result,
      written: r.writtenAt - t0,
      ...(d?.queuedAt !== undefined ? { queued: d.queuedAt - t0 } : {}),
      ...(d ? { delivered: d.at - t0 } : {}),
      ...(b ? { buildStarted: b.startTime * 1000 - t0 } : {}),
      ...(fin ? { finished: fin - t0 } : {}),
    };
  });
}
