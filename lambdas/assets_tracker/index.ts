/**
 * Lambda entry (`fleet-assets-tracker`, nodejs22.x, bundled to dist/lambdas/assets_tracker/index.js):
 * wires the real configuration, CodeBuild adapter and log writer into handler.ts. Nothing is read or
 * created at import, so a bad configuration fails the invocation (and is logged), not the init phase.
 */
import { startBuild } from "./codebuild";
import { readConfig, type TrackerConfig } from "./config";
import { handleEvent, type DecisionLog, type TrackerResult } from "./handler";

let config: TrackerConfig | undefined;

function log(line: DecisionLog): void {
  const text = JSON.stringify(line);
  if (line.level === "error") console.error(text);
  else console.log(text);
}

export async function handler(event: unknown): Promise<TrackerResult> {
  return handleEvent(event, { config: () => (config ??= readConfig(process.env)), startBuild, log });
}
