/**
 * Rollout control: moves one version of the app through the fleet's waves (see docs/rollout.md).
 *
 * The stable API (what the Lambda, `fleet rollout …` and the local scenarios use):
 * - `decide(state, { records, commands }, now)` → `{ state, releases, changed, log }`: THE decision, pure.
 *   `releases` is the outbox: release intents to write (If-None-Match: *) and then `acknowledge(state, ids)`.
 * - `planRollout(input)` → the first state (pure); `startRollout(store, input)` plans, stores and steps.
 * - `step(store, app, rolloutId)` → one controller step: read state + records + commands, decide,
 *   compare-and-swap the state, write the outbox, acknowledge. Safe to run concurrently and repeatedly.
 * - `requestCommand(store, app, rolloutId, "halt" | "resume", who, reason)`: write a command, then step.
 * - `RolloutStore`: the storage port; `MemoryStore` here, `S3RolloutStore` in ./s3-store (imported by path,
 *   so that the pure parts load without the AWS SDK).
 * - `summarize(state)`, `rolloutExitCode(summary)`, `formatRolloutTable(summary)`: reading a rollout.
 * - Schemas and types: `RolloutStateSchema`, `RolloutCommandSchema`, `ReleaseIntentSchema`; keys in keys.ts.
 */
export { acknowledge, countTenants, decide, type DecideInput, type Decision } from "./decide";
export { newestRollout, newId, releaseOf, requestCommand, step, type StepResult } from "./controller";
export { RolloutContentionError, RolloutError, RolloutStateError } from "./errors";
export { attemptReleaseId, commandKey, commandsPrefix, parseRolloutKey, rolloutStateKey, rolloutsPrefix, ROLLOUTS_PREFIX } from "./keys";
export { planRollout, type PlanInput, type PlanTarget } from "./plan";
export { amountOf, concurrencyOf, resolvePolicy, type ResolvedPolicy } from "./policy";
export { startRollout, type StartInput } from "./start";
export * from "./state";
export { MemoryStore, type RolloutStore, type StoredState } from "./store";
export { formatRolloutTable, rolloutExitCode, summarize, tenantResult, type RolloutSummary, type TenantResult, type TenantSummary } from "./summary";
