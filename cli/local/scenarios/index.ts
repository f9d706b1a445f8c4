/**
 * The scenarios of `fleet local`: what is released, in which order, with which faults, and what each
 * tenant must run at the end. Each works on the same World; the report compares the outcome.
 */
import type { LocalRunOptions, ScenarioResult, World } from "../model";
import { runWaves } from "./waves";

export async function runScenario(world: World, options: Pick<LocalRunOptions, "drill" | "version" | "scenario">, faultsFile?: string): Promise<ScenarioResult> {
  if (options.scenario) {
    const { runRolloutScenario } = await import("./rollout");
    return runRolloutScenario(world, options.scenario, { faultsFile: faultsFile ?? "" });
  }
  if (options.drill) {
    // Loaded only when asked for: the plain run does not need the drill's code.
    const { runDrill } = await import("./drill");
    return runDrill(world, options.version);
  }
  return runWaves(world, options.version ?? "1.0.0");
}
