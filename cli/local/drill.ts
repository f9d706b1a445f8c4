import type { ScenarioResult, World } from "./run";
export async function runDrill(_world: World, _version?: string): Promise<ScenarioResult> {
  return { expected: new Map(), problems: ["not yet"] };
}
