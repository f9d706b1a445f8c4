/** The controller handler with the in-memory store: which rollout an event concerns, and waiting for a bake end. */
import { MANIFEST_SCHEMA, STATUS_SCHEMA } from "../../core/records";
import { MemoryStore, startRollout } from "../../core/rollout";
import { handleControllerEvent, type ControllerLog, WAIT_BUDGET_MS } from "../../lambdas/rollout_controller/handler";
import { T0 } from "./fixtures";

const APP = "shop";
const environment = (name: string, wave: number) => ({ name, wave, hold: false, accountId: "111111111111", region: "eu-west-1", config: {}, tags: {}, file: `${name}.yaml` });

async function setup(bakeMinutes: number) {
  let clock = T0;
  const store = new MemoryStore(() => clock);
  store.manifests.set(`${APP}/2.0.0`, { schema: MANIFEST_SCHEMA, app: APP, version: "2.0.0", sha256: "f".repeat(64), size: 1, files: 1, createdAt: new Date(T0).toISOString(), gate: { lint: "passed", test: "passed", sonar: "passed" } });
  const fleet = { app: { name: APP }, defaults: { region: "eu-west-1", codebuild: { computeType: "BUILD_GENERAL1_SMALL" as const, image: "x", timeoutMinutes: 60 }, tags: {} }, environments: [environment("canary", 0), environment("main", 1)], rollout: { bakeMinutes } };
  const started = await startRollout(store, { fleet, app: APP, version: "2.0.0", requestedBy: "test" });
  const canary = started.state.tenants.find((t) => t.env === "canary");
  store.putStatus({ schema: STATUS_SCHEMA, env: "canary", app: APP, releaseId: canary?.releaseId ?? "", version: "2.0.0", phase: "finished", result: "succeeded", buildId: "b", startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0).toISOString() });
  const logs: ControllerLog[] = [];
  const slept: number[] = [];
  const deps = {
    config: () => ({ artifactBucket: "central-bucket", app: APP }),
    store: () => store,
    log: (l: ControllerLog) => logs.push(l),
    sleep: async (ms: number) => {
      slept.push(ms);
      clock += ms;
    },
  };
  return { store, deps, logs, slept, id: started.state.rolloutId };
}

describe("Function: handleControllerEvent", () => {
  it("waits in the invocation for a bake that ends within the budget, then starts the next wave", async () => {
    const { deps, logs, slept, id } = await setup(0.5);
    const r = await handleControllerEvent({ detail: { object: { key: "status/canary/shop/x.json" } } }, deps);
    expect(slept).toEqual([30_100]);
    expect(r).toEqual({ rolloutId: id, phase: "running", written: 1 });
    expect(logs.at(-1)?.events).toEqual(["canary: succeeded", expect.stringMatching(/^main: released 2\.0\.0 \(wave 1, attempt 1, /) as unknown]);
  });

  it("leaves a longer bake to the schedule", async () => {
    const { deps, slept } = await setup(WAIT_BUDGET_MS / 60_000 + 1);
    const r = await handleControllerEvent({ "detail-type": "Scheduled Event", detail: {} }, deps);
    expect([slept, r.written]).toEqual([[], 0]);
  });

  it("does nothing when the app has no rollout, or only a completed one", async () => {
    const { deps } = await setup(0);
    const other = { ...deps, config: () => ({ artifactBucket: "central-bucket", app: "other-app" }) };
    expect(await handleControllerEvent({}, other)).toEqual({ rolloutId: null, phase: null, written: 0 });
  });
});
