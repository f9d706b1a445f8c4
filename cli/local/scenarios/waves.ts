import type { ScenarioResult, World } from "../model";

/** The plain run: publish, then release wave by wave; a wave that does not fully deploy stops the promotion. */
export async function runWaves(world: World, version: string): Promise<ScenarioResult> {
  const { config, progress } = world;
  const expected = new Map<string, { version: string; note?: string }>();
  const problems: string[] = [];
  await world.publish(version);
  const waves = [...new Set(config.environments.map((e) => e.wave))].sort((a, b) => a - b);
  for (const wave of waves) {
    const envs = config.environments.filter((e) => e.wave === wave);
    const targets = envs.filter((e) => !e.hold && (e.pin === undefined || e.pin === version));
    for (const e of envs.filter((x) => !targets.includes(x))) progress.step(`wave ${wave}: ${e.name} not released (${e.hold ? "on hold" : `pinned to ${e.pin}`} in ${e.file})`);
    if (targets.length === 0) continue;
    progress.step(`wave ${wave}: releasing ${version} to ${targets.map((e) => e.name).join(", ")}`);
    const tracks = await world.release(version, targets.map((e) => e.name), `local run, wave ${wave}`);
    for (const t of tracks) expected.set(t.env, { version });
    const missing = await world.waitFor(tracks);
    if (missing.length > 0) {
      problems.push(...missing.map((m) => `wave ${wave}: ${m}`));
      problems.push(`stopped after wave ${wave}: later waves were not released`);
      break;
    }
    const failed = tracks.filter((t) => t.final?.result !== "succeeded");
    if (failed.length > 0) {
      problems.push(...failed.map((t) => `wave ${wave}: ${t.env} ${t.final?.result}: ${t.final?.error ?? ""}`));
      problems.push(`stopped after wave ${wave}: later waves were not released`);
      break;
    }
    progress.step(`wave ${wave}: ${tracks.length} tenant${tracks.length === 1 ? "" : "s"} on ${version}`);
  }
  return { expected, problems };
}
