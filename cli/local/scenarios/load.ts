/**
 * `--scenario FILE`: reads and validates the scenario (faults checked against the generated tenants, or
 * against the environments directory when it generates none), then writes the fleet it runs on into a
 * fresh directory. Every problem is a located configuration error; nothing is started before it passes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { readFleet } from "../../../core/config/loader";
import { FleetError } from "../../../core/errors";
import { writeScenarioFleet } from "./generate";
import { parseScenario, type Scenario } from "./scenario-file";

export interface PreparedScenario {
  readonly scenario: Scenario;
  /** The environments directory of the scenario's fleet. */
  readonly fleetDir: string;
  readonly cleanup: () => void;
}

export function prepareScenario(file: string, environmentsDir: string, cwd: string): PreparedScenario {
  const path = resolve(cwd, file);
  const shown = relative(cwd, path).startsWith("..") ? path : relative(cwd, path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new FleetError(`${shown}: cannot read the scenario file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const known = readFleet(environmentsDir, { cwd }).config?.environments.map((e) => e.name);
  const scenario = parseScenario({ path: shown, text }, known);
  const fleetDir = mkdtempSync(join(tmpdir(), "fleet-scenario-"));
  try {
    writeScenarioFleet(scenario, resolve(cwd, environmentsDir), fleetDir);
  } catch (err) {
    rmSync(fleetDir, { recursive: true, force: true });
    throw err;
  }
  return { scenario, fleetDir, cleanup: () => rmSync(fleetDir, { recursive: true, force: true }) };
}
