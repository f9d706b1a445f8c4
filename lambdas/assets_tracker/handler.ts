/**
 * One invocation: decide, act, log exactly one JSON line, and either return or throw. Dependencies are
 * passed in (index.ts wires the real ones), so this file has no AWS or environment access of its own.
 *
 * Outcomes, as logged in `decision`:
 * - start: StartBuild accepted; `buildId`.
 * - drop:  the event is not a release of this environment that we may act on; `reason`. Returns: a bad
 *          event never succeeds on retry, so retrying it would only delay the on-failure queue.
 * - retry: CodeBuild said "not now" (throttled, a deploy already running, 5xx, network); thrown.
 * - error: configuration is wrong (FLEET_* variables, project missing, access denied); thrown, so the event
 *          is retried and then kept by the on-failure queue until an operator redrives it.
 */
import type { StartBuildCommandInput } from "@aws-sdk/client-codebuild";
import type { TrackerConfig } from "./config";
import { decide, factsOf, type EventFacts } from "./decide";
import { StartBuildRetryableError, StartBuildRejectedError } from "./errors";
import type { StartedBuild } from "./codebuild";

export type TrackerDecision = "start" | "drop" | "retry" | "error";

/** The one line logged per event. Never holds a secret: the event and the config hold none. */
export interface DecisionLog extends EventFacts {
  readonly level: "info" | "warn" | "error";
  readonly message: "assets_tracker";
  readonly environment?: string;
  readonly decision: TrackerDecision;
  readonly buildId?: string;
  readonly reason?: string;
  readonly errorName?: string;
}

export interface TrackerDeps {
  /** Reads (and may cache) the configuration; throws TrackerConfigError. */
  readonly config: () => TrackerConfig;
  readonly startBuild: (input: StartBuildCommandInput) => Promise<StartedBuild>;
  readonly log: (line: DecisionLog) => void;
}

export type TrackerResult = { readonly decision: "start"; readonly buildId: string } | { readonly decision: "drop"; readonly reason: string };

export async function handleEvent(event: unknown, deps: TrackerDeps): Promise<TrackerResult> {
  let config: TrackerConfig;
  try {
    config = deps.config();
  } catch (err) {
    deps.log({ level: "error", message: "assets_tracker", decision: "error", ...factsOf(event), reason: errorText(err), errorName: errorName(err) });
    throw err;
  }

  const d = decide(event, config);
  const base = { message: "assets_tracker", environment: config.environment, ...d.facts } as const;
  if (d.decision === "drop") {
    deps.log({ ...base, level: "warn", decision: "drop", reason: d.reason });
    return { decision: "drop", reason: d.reason };
  }

  let started: StartedBuild;
  try {
    started = await deps.startBuild(d.input);
  } catch (err) {
    const decision = err instanceof StartBuildRejectedError || !(err instanceof StartBuildRetryableError) ? "error" : "retry";
    deps.log({ ...base, level: "error", decision, reason: errorText(err), errorName: errorName(err) });
    throw err;
  }
  deps.log({ ...base, level: "info", decision: "start", buildId: started.buildId });
  return { decision: "start", buildId: started.buildId };
}

function errorName(err: unknown): string {
  if (err instanceof StartBuildRetryableError || err instanceof StartBuildRejectedError) return err.awsError;
  return err instanceof Error ? err.name : typeof err;
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 1000);
}
