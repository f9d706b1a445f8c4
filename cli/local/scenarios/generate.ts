/**
 * The fleet a scenario runs on, written as an environments directory so that the local run synthesizes,
 * validates and provisions it exactly like a real one: the central settings of the given fleet.yaml with
 * the scenario's rollout policy, and either generated tenants t01..tNN (made-up accounts, waves as given,
 * holds and pins) or the given environment files. A tenant with the `unhealthy` fault gets a health alarm
 * and a short bake, so that its deployer has something to watch.
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseDocument, stringify } from "yaml";
import { isConfigFile, stemOf, FLEET_FILE_STEM } from "../../../core/config/parse";
import { tenantNames, type Scenario } from "./scenario-file";

/** The alarm the local world creates for a tenant with the `unhealthy` fault, and sets to ALARM during its bake. */
export const scenarioAlarmName = (env: string): string => `${env}-health`;

/** Long enough for the fault to be seen mid-bake, short enough for the tests (3 s). */
export const UNHEALTHY_BAKE_MINUTES = 0.05;

/** Made-up account ids: 12 digits, away from the sample fleet's central account. */
export const generatedAccountId = (index: number): string => String(300_000_000_000 + index + 1);

/** Per generated tenant: its wave (from the scenario's wave sizes; one wave when none are given). */
export function generatedWaves(scenario: Pick<Scenario, "tenants" | "waves">): Map<string, number> {
  const names = tenantNames(scenario.tenants ?? 0);
  const sizes = scenario.waves ?? [names.length];
  const out = new Map<string, number>();
  let i = 0;
  sizes.forEach((size, wave) => {
    for (let k = 0; k < size; k++) {
      const name = names[i++];
      if (name !== undefined) out.set(name, wave);
    }
  });
  return out;
}

function unhealthy(scenario: Scenario, env: string): boolean {
  return scenario.faults.get(env)?.includes("unhealthy") ?? false;
}

const health = (env: string) => ({ alarms: [scenarioAlarmName(env)], bakeMinutes: UNHEALTHY_BAKE_MINUTES });

/** Writes the scenario's environments directory into `outDir` from the fleet in `baseDir`; returns the tenant names. */
export function writeScenarioFleet(scenario: Scenario, baseDir: string, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const files = readdirSync(baseDir).filter(isConfigFile);
  const fleetFile = files.find((f) => stemOf(f) === FLEET_FILE_STEM) ?? "fleet.yaml";
  const fleet = parseDocument(readFileSync(join(baseDir, fleetFile), "utf8"));
  if (scenario.rollout) fleet.set("rollout", scenario.rollout);
  else fleet.delete("rollout");
  writeFileSync(join(outDir, "fleet.yaml"), fleet.toString());

  if (scenario.tenants === undefined) {
    const names: string[] = [];
    for (const f of files.filter((x) => stemOf(x) !== FLEET_FILE_STEM)) {
      const doc = parseDocument(readFileSync(join(baseDir, f), "utf8"));
      const name = stemOf(f);
      names.push(name);
      if (unhealthy(scenario, name) && !doc.has("health")) doc.set("health", health(name));
      writeFileSync(join(outDir, f), doc.toString());
    }
    return names;
  }

  const waves = generatedWaves(scenario);
  let index = 0;
  for (const [name, wave] of waves) {
    const env: Record<string, unknown> = { name, accountId: generatedAccountId(index++), wave, tags: { scenario: "generated" } };
    if (scenario.hold.includes(name)) env.hold = true;
    const pin = scenario.pin[name];
    if (pin !== undefined) env.pin = pin;
    if (unhealthy(scenario, name)) env.health = health(name);
    writeFileSync(join(outDir, `${name}.yaml`), `# Generated for the scenario ${scenario.file}\n${stringify(env)}`);
  }
  return [...waves.keys()];
}
