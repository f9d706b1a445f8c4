/**
 * `fleet local`: the whole chain on a local AWS, nothing from AWS. Synthesize the fleet, start moto,
 * provision from the synthesized stacks, package and publish the sample app with the pipe's own functions,
 * release it wave by wave, and let moto's S3 and EventBridge carry the events to each tenant's stand-in
 * queue, drained into the bundled handler, which starts builds on the local CodeBuild, which runs the
 * bundled deployer against moto. Ends with `fleet status` and a verdict per tenant.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { ChainError } from "./errors";
import type { Cleanup, LocalRunOptions, LocalRunResult, RunClock } from "./model";
import { Progress } from "./progress";
import { markChainClock, report, tenantOutcomes } from "./report";
import { runScenario } from "./scenarios";
import { bundlesIn } from "./functions";
import { openWorld } from "./world";

export type { FaultOutcome, LocalRunOptions, LocalRunResult, ReleaseTiming, ScenarioResult, TenantOutcome, World } from "./model";

/** The repository root: where dist/ (the bundles) and package.json are. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "cdktf-fleet") return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new ChainError(`cannot find the cdktf-fleet checkout above ${from}`);
    dir = up;
  }
}

export async function runLocal(options: LocalRunOptions): Promise<LocalRunResult> {
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const clock: RunClock = { t0, timings, mark: (name) => (timings[name] = Date.now() - t0) };
  const progress = new Progress(options.out, options.quiet);
  const root = repoRoot();
  const bundles = bundlesIn(root);
  for (const f of [bundles.handler, bundles.deployer, ...Object.values(bundles.functions)]) if (!existsSync(f)) throw new ChainError(`${f} is missing: run npm run build first (npx fleet builds it for you)`);

  const work = mkdtempSync(join(tmpdir(), "fleet-local-"));
  const cleanups: Cleanup[] = [];
  try {
    const { world, codebuild, drainer, aws, faultsFile } = await openWorld({ options, work, bundles, progress, clock, cleanups });
    const scenario = await runScenario(world, options, faultsFile);
    if (options.afterScenario) scenario.problems.push(...(await options.afterScenario(world)));
    clock.mark("chain");
    await codebuild.idle();
    await drainer.stop();
    markChainClock(world.tracker, clock);

    const tenants = await tenantOutcomes(world, scenario);
    if (options.statusTable) {
      const { config } = world;
      const centralEnv = { ...(await aws.envFor(config.central.accountId, config.central.region)) };
      progress.text("\nfleet status (read from the local central bucket):");
      await options.statusTable({ ...centralEnv, FLEET_LOCAL_DIR: resolve(options.dir) }, options.out);
    }
    return report(world, scenario, tenants, clock, options.keepWorkDir ? work : undefined);
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // best effort: the next cleanup (moto) must still run
      }
    }
    if (!options.keepWorkDir) rmSync(work, { recursive: true, force: true });
  }
}
