/**
 * The faults of a scenario, injected into the last version's rollout where each would happen in AWS:
 * - apply-fails: the build's apply command exits 1 (the scenario's apply step reads a faults file);
 * - unhealthy: the tenant's health alarm (moto CloudWatch) is in ALARM while its build of that version
 *   runs, so its deployer sees it during the bake; back to OK once the build ends (a rollback is healthy);
 * - duplicate-event: the release event reaches the tenant's handler twice;
 * - no-event: the release event is lost before the handler;
 * - build-busy: the tenant's first StartBuild answers "build already running".
 * `clear()` lifts them all (a resume after the cause is gone).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import type { World } from "../model";
import { scenarioAlarmName } from "./generate";
import type { Scenario } from "./scenario-file";

/** The apply step of a scenario build: fails for an environment and version listed in the faults file. */
const APPLY = `"use strict";
const fs = require("node:fs");
let faults = {};
try { faults = JSON.parse(fs.readFileSync(process.argv[2], "utf8")); } catch { faults = {}; }
const env = process.env.FLEET_ENVIRONMENT, version = process.env.FLEET_VERSION;
if ((faults[env] || []).includes(version)) {
  console.error("apply failed: injected fault apply-fails for " + env + " " + version);
  process.exit(1);
}
console.log("scenario apply step: " + env + " " + version + " applied (no terraform: the scenario is about rollout control)");
`;

/** Writes the scenario's apply program; returns the FLEET_APPLY_COMMAND argv and the faults file it reads. */
export function prepareScenarioApply(workDir: string): { command: string[]; faultsFile: string } {
  mkdirSync(workDir, { recursive: true });
  const script = join(workDir, "scenario-apply.cjs");
  const faultsFile = join(workDir, "scenario-faults.json");
  writeFileSync(script, APPLY);
  writeFileSync(faultsFile, "{}\n");
  return { command: [process.execPath, script, faultsFile], faultsFile };
}

export interface InjectedFaults {
  /** Lifts every fault; the alarms go back to OK. */
  clear(): Promise<void>;
}

const tenantsWith = (scenario: Scenario, fault: string): string[] => [...scenario.faults].filter(([, fs]) => fs.includes(fault as never)).map(([env]) => env);

export function injectFaults(world: World, scenario: Scenario, version: string, faultsFile: string): InjectedFaults {
  const { app, progress } = world;
  const envOf = (env: string) => world.config.environments.find((e) => e.name === env);
  const say = (env: string, what: string) => progress.tenant(env, "fault", what);

  const failing = tenantsWith(scenario, "apply-fails");
  writeFileSync(faultsFile, `${JSON.stringify(Object.fromEntries(failing.map((env) => [env, [version]])))}\n`);
  for (const env of failing) say(env, `the apply of ${version} exits 1`);

  for (const env of tenantsWith(scenario, "build-busy")) {
    const project = world.standIns.find((s) => s.environment.FLEET_ENVIRONMENT === env)?.environment.FLEET_CODEBUILD_PROJECT ?? `fleet-deploy-${env}`;
    world.codebuild.failNextStartWithLimit(project);
    say(env, `the next StartBuild of ${project} answers "build already running"`);
  }

  const prefix = (env: string) => `releases/${env}/${app}/${version}/`;
  const duplicate = new Set(tenantsWith(scenario, "duplicate-event"));
  const lost = new Set(tenantsWith(scenario, "no-event"));
  for (const env of duplicate) say(env, `the release event of ${version} is delivered twice`);
  for (const env of lost) say(env, `the release event of ${version} is lost`);
  world.hooks.before = (_s, e) => {
    if (lost.has(e.env) && e.key.startsWith(prefix(e.env))) return "drop";
    if (duplicate.has(e.env) && e.key.startsWith(prefix(e.env))) {
      duplicate.delete(e.env);
      return "duplicate-then-invoke";
    }
    return "invoke";
  };

  // Unhealthy: watch the builds; ALARM while a build of this version runs there, OK after it.
  const unhealthy = new Set(tenantsWith(scenario, "unhealthy"));
  for (const env of unhealthy) say(env, `its alarm ${scenarioAlarmName(env)} goes to ALARM while ${version} bakes`);
  const setAlarm = async (env: string, state: "OK" | "ALARM") => {
    const e = envOf(env);
    if (!e) return;
    const cw = await world.clients.cloudwatch({ account: e.accountId, region: e.region });
    await cw.send(new SetAlarmStateCommand({ AlarmName: scenarioAlarmName(env), StateValue: state, StateReason: state === "ALARM" ? `scenario fault: unhealthy after ${version}` : "scenario: healthy again" }));
  };
  const seen = new Map<string, "alarming" | "done">();
  let stopped = unhealthy.size === 0;
  const watch = (async () => {
    while (!stopped) {
      for (const b of world.tracker.builds) {
        const env = b.environmentVariables.find((v) => v.name === "FLEET_ENVIRONMENT")?.value ?? "";
        const v = b.overrides.find((x) => x.name === "FLEET_VERSION")?.value;
        if (!unhealthy.has(env) || v !== version) continue;
        if (!seen.has(b.id)) {
          seen.set(b.id, "alarming");
          await setAlarm(env, "ALARM");
        }
        if (b.buildComplete && seen.get(b.id) === "alarming") {
          seen.set(b.id, "done");
          await setAlarm(env, "OK");
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  return {
    async clear() {
      writeFileSync(faultsFile, "{}\n");
      delete world.hooks.before;
      stopped = true;
      await watch;
      for (const env of unhealthy) await setAlarm(env, "OK");
    },
  };
}
