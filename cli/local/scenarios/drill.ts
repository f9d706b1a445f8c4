/**
 * `fleet local --drill`: the same chain with injected faults, each with exactly one expected effect.
 * Roles go to the first three environments (by wave, then name) that are not on hold:
 * - 1st: an OLDER release arriving after a newer one — its release is written first, and its event is held
 *   back by the runner until the newer release is deployed there → skipped or refused, never a downgrade;
 *   and a DUPLICATE delivery of its newer release event → two handler invocations, one build;
 * - 2nd: "build already running" — the local CodeBuild answers AccountLimitExceededException once → the
 *   handler throws, the invoke is retried, then it deploys; later the tenant goes ON HOLD (FLEET_HOLD=true on
 *   its project, as an operator would set it) and a new release is skipped;
 * - 3rd: a TAMPERED release — its release object names the artifact with a SHA-256 the artifact does not
 *   have → "checksum mismatch", nothing applied, while the others deploy.
 */
import { createHash } from "node:crypto";
import { BUILD_VAR } from "../../../core/build-variables";
import type { Environment } from "../../../core/config/schema";
import { deployProjectName } from "../../../stacks/names";
import { ChainError } from "../errors";
import type { FaultOutcome, ScenarioResult, World } from "../model";
import type { ReleaseTrack } from "../tracker";

export const DRILL_OLD = "1.0.0";
export const DRILL_NEW = "1.1.0";

// One function on purpose: the drill is a script read top to bottom, and the order of its faults is the
// point (a late older release, then a refused start, then a hold, then a tampered release).
export async function runDrill(world: World, newVersion = DRILL_NEW): Promise<ScenarioResult> {
  const { config, progress, tracker, codebuild, app } = world;
  const oldVersion = newVersion === DRILL_OLD ? "0.9.0" : DRILL_OLD;
  const envs = [...config.environments].filter((e) => !e.hold && e.pin === undefined).sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
  if (envs.length < 3) throw new ChainError(`the drill needs at least three environments that are neither on hold nor pinned; ${config.environments.length} found`);
  const [first, second, third] = envs as [Environment, Environment, Environment];
  const projectOf = (env: string) => world.standIns.find((s) => s.environment[BUILD_VAR.environment] === env)?.environment[BUILD_VAR.codeBuildProject] ?? deployProjectName(env);
  const problems: string[] = [];

  progress.step(`fault drill: ${first.name} gets a late older release and a duplicate event; ${second.name} a "build already running" answer, then a hold; ${third.name} a tampered release`);
  await world.publish(oldVersion);
  await world.publish(newVersion);

  // The older release is written first; its event is held until the newer one is deployed there. The hooks
  // go in before anything is written: the drainer may pick an event up before the write call returns.
  let holdLate = true;
  let duplicated = false;
  const oldPrefix = `releases/${first.name}/${app}/${oldVersion}/`;
  const newPrefix = `releases/${first.name}/${app}/${newVersion}/`;
  world.hooks.before = (_s, e) => {
    if (holdLate && e.key.startsWith(oldPrefix)) return "hold";
    if (!duplicated && e.key.startsWith(newPrefix)) {
      duplicated = true;
      progress.tenant(first.name, "drill", `delivering the event of ${e.key} twice`);
      return "duplicate-then-invoke";
    }
    return "invoke";
  };
  const [late] = await world.release(oldVersion, [first.name], "drill: an older release whose event arrives late");
  if (!late) throw new ChainError(`the drill could not write the older release for ${first.name}`);
  progress.tenant(first.name, "drill", `holding back the event of ${late.key} until ${newVersion} is deployed`);
  // Release ids order by the second they were written, then by 8 random hex digits: two releases written in
  // the same second order by chance. The newer release must be written in a later second to be "later".
  await new Promise((r) => setTimeout(r, 1050 - (Date.now() % 1000)));
  codebuild.failNextStartWithLimit(projectOf(second.name));
  progress.tenant(second.name, "drill", `the next StartBuild of ${projectOf(second.name)} answers AccountLimitExceededException`);

  const newTracks = new Map<string, ReleaseTrack>();
  let lateTrack: ReleaseTrack = late;
  const waves = [...new Set(envs.map((e) => e.wave))].sort((a, b) => a - b);
  for (const wave of waves) {
    const inWave = envs.filter((e) => e.wave === wave);
    const normal = inWave.filter((e) => e !== third);
    progress.step(`wave ${wave}: releasing ${newVersion} to ${inWave.map((e) => e.name).join(", ")}`);
    const tracks = normal.length > 0 ? await world.release(newVersion, normal.map((e) => e.name), `drill, wave ${wave}`) : [];
    if (inWave.includes(third)) {
      const tampered = await world.writeRelease(third.name, newVersion, { artifactSha256: createHash("sha256").update("tampered").digest("hex"), reason: "drill: tampered" });
      progress.tenant(third.name, "drill", `wrote ${tampered.key} naming the artifact with a SHA-256 it does not have`);
      tracks.push(tampered);
    }
    for (const t of tracks) newTracks.set(t.env, t);
    problems.push(...(await world.waitFor(tracks)).map((m) => `wave ${wave}: ${m}`));
    if (inWave.includes(first)) {
      await codebuild.idle();
      holdLate = false;
      progress.tenant(first.name, "drill", `now delivering the held event of ${late.key}`);
      problems.push(...(await world.waitFor([late])).map((m) => `late release: ${m}`));
      lateTrack = tracker.releases.get(late.key) ?? late;
    }
  }

  // Hold: an operator sets FLEET_HOLD=true on the project; a release that still arrives is skipped.
  await codebuild.idle();
  codebuild.setProjectVariable(projectOf(second.name), BUILD_VAR.hold, "true");
  progress.step(`hold: FLEET_HOLD=true on ${projectOf(second.name)}; releasing ${newVersion} to ${second.name} again`);
  const [held] = await world.release(newVersion, [second.name], "drill: released while the tenant is on hold");
  if (held) problems.push(...(await world.waitFor([held])).map((m) => `hold: ${m}`));
  await codebuild.idle();

  const deployed = new Map<string, string | undefined>();
  for (const e of [first, second, third]) deployed.set(e.name, await world.deployedVersion(e.name));
  const faults: FaultOutcome[] = [];
  const fault = (name: string, expected: string, observed: string, ok: boolean) => faults.push({ fault: name, expected, observed, ok });

  {
    const t = newTracks.get(first.name);
    const ds = t ? tracker.deliveriesFor(t.key) : [];
    const bs = t ? tracker.buildsFor(t.key) : [];
    const ids = new Set(ds.map((d) => d.buildId));
    const ok = ds.length >= 2 && ds.every((d) => d.outcome === "start") && ids.size === 1 && bs.length === 1 && t?.final?.result === "succeeded";
    fault("duplicate delivery", "the event handled twice, one build, deployed", `${first.name}: event handled ${ds.length}× (${ds.map((d) => d.outcome ?? "?").join(", ")}), ${bs.length} build${bs.length === 1 ? "" : "s"} (${[...ids].join(", ")}), release ${t?.final?.result ?? "unfinished"}`, ok);
  }
  {
    const r = lateTrack.final;
    const ok = (r?.result === "skipped" || r?.result === "refused") && deployed.get(first.name) === newVersion;
    fault("older release after a newer one", `${oldVersion} skipped or refused, ${first.name} stays on ${newVersion}`, `${first.name}: ${oldVersion} ${r?.result ?? "unfinished"}${r?.error ? ` (${r.error})` : ""}; runs ${deployed.get(first.name) ?? "nothing"}`, ok);
  }
  {
    const t = newTracks.get(third.name);
    const r = t?.final;
    const othersOk = [first, second].every((e) => newTracks.get(e.name)?.final?.result === "succeeded");
    const ok = (r?.result === "refused" || r?.result === "failed") && /checksum mismatch/i.test(r.error ?? "") && othersOk && deployed.get(third.name) !== newVersion;
    fault("tampered artifact", `${third.name} fails with "checksum mismatch", the others deploy`, `${third.name}: ${r?.result ?? "unfinished"}${r?.error ? ` (${r.error})` : ""}; ${othersOk ? `${first.name} and ${second.name} deployed ${newVersion}` : "the others did not all deploy"}`, ok);
  }
  {
    const r = held ? tracker.releases.get(held.key)?.final : undefined;
    const ok = r?.result === "skipped" && /hold/i.test(r.error ?? "") && deployed.get(second.name) === newVersion;
    fault("tenant on hold", `the release is skipped, ${second.name} stays on ${newVersion}`, `${second.name}: ${r?.result ?? "unfinished"}${r?.error ? ` (${r.error})` : ""}; runs ${deployed.get(second.name) ?? "nothing"}`, ok);
  }
  {
    const t = newTracks.get(second.name);
    const ds = t ? tracker.deliveriesFor(t.key) : [];
    const bs = t ? tracker.buildsFor(t.key) : [];
    const firstTry = ds[0];
    const limited = firstTry?.outcome === "retry" && /AccountLimitExceeded|already running|limit/i.test(`${firstTry.errorName ?? ""} ${firstTry.reason ?? ""}`);
    const ok = limited && ds.slice(1).some((d) => d.outcome === "start") && bs.length === 1 && t?.final?.result === "succeeded";
    fault("build already running", "the handler throws, the invoke is retried, then it deploys", `${second.name}: ${ds.map((d) => (d.outcome === "retry" ? `threw ${d.errorName}` : (d.outcome ?? "?"))).join(" → ")}; ${bs.length} build${bs.length === 1 ? "" : "s"}; release ${t?.final?.result ?? "unfinished"}`, ok);
  }

  const expected = new Map<string, { version: string; note?: string }>();
  for (const e of envs) expected.set(e.name, { version: newVersion });
  expected.set(third.name, { version: "0.0.0", note: "the tampered release was refused, nothing applied" });
  expected.set(second.name, { version: newVersion, note: "on hold after the drill" });
  return { expected, problems, faults };
}
