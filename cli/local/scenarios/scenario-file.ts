/**
 * A scenario file for `fleet local --scenario FILE`: a generated fleet (or the environments directory),
 * the versions to roll out, the rollout policy, the faults injected into the last version's rollout, and
 * how the run must end. One zod schema; problems are reported like configuration problems (file, line,
 * column, value found, what is allowed), all at once.
 */
import { z } from "zod";
import { type Node } from "yaml";
import { RolloutPolicySchema } from "../../../core/config/schema";
import { at, validate } from "../../../core/config/parse";
import { findPair, locate } from "../../../core/config/positions";
import { readYaml, type SourceFile } from "../../../core/config/yaml-file";
import { ConfigError, type ConfigIssue } from "../../../core/errors";
import { NAME_RE, VERSION_RE } from "../../../core/patterns";
import { compareVersions } from "../../../core/version";

/** What can go wrong for one tenant during the last version's rollout. */
export const FAULTS = ["apply-fails", "unhealthy", "duplicate-event", "no-event", "build-busy"] as const;
export type Fault = (typeof FAULTS)[number];

/** The largest generated fleet: enough for a benchmark, small enough for one machine. */
export const MAX_SCENARIO_TENANTS = 300;

const Version = z.string().regex(VERSION_RE, "a SemVer version without build metadata, e.g. 1.4.2");
const TenantName = z.string().regex(NAME_RE, "a tenant name such as t07");
const FaultSchema = z.enum(FAULTS);

export const ScenarioFileSchema = z
  .strictObject({
    tenants: z
      .number()
      .int()
      .min(1, "tenants is a whole number from 1")
      .max(MAX_SCENARIO_TENANTS, `tenants is at most ${MAX_SCENARIO_TENANTS}`)
      .optional()
      .meta({ description: "Generate this many tenants t01..tNN with made-up accounts; omit to use the environments directory" }),
    waves: z
      .array(z.number().int().min(1, "each wave has at least one tenant"))
      .min(1)
      .optional()
      .meta({ description: "Generated tenants per wave, in order (they add up to tenants). Default: one wave" }),
    versions: z
      .array(Version)
      .min(1, "at least one version")
      .max(10, "at most 10 versions")
      .meta({ description: "Each is published; all but the last are rolled out fault-free first" }),
    rollout: RolloutPolicySchema.optional().meta({ description: "The rollout policy (as in fleet.yaml)" }),
    faults: z
      .record(TenantName, z.union([FaultSchema, z.array(FaultSchema).min(1)], { error: `a fault or a list of faults: ${FAULTS.join(", ")}` }))
      .default({})
      .meta({ description: "Per tenant, the fault (or faults) injected into the last version's rollout" }),
    hold: z.array(TenantName).default([]).meta({ description: "Generated tenants on hold: skipped by every rollout" }),
    pin: z.record(TenantName, Version).default({}).meta({ description: "Generated tenants pinned to a version" }),
    resume: z.boolean().default(false).meta({ description: "After a halt: clear the faults, resume the rollout once and run it to its end" }),
    expect: z.enum(["halted", "completed"]).meta({ description: "How the last rollout must end for exit 0" }),
  })
  .meta({ title: "cdktf-fleet local scenario" });

export type ScenarioFile = z.output<typeof ScenarioFileSchema>;

/** A validated scenario with its faults as lists. */
export interface Scenario extends Omit<ScenarioFile, "faults"> {
  readonly file: string;
  readonly faults: ReadonlyMap<string, readonly Fault[]>;
}

const HINT = "a scenario needs at least versions and expect";

/** `t01`..`tNN`, zero-padded to the width of N (at least two digits). */
export function tenantNames(count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `t${String(i + 1).padStart(width, "0")}`);
}

/**
 * Validates a scenario file. `knownTenants`: the environments' names when the scenario does not generate
 * a fleet (faults must name tenants that exist). Throws {@link ConfigError} with every problem.
 */
export function parseScenario(file: SourceFile, knownTenants?: readonly string[]): Scenario {
  const issues: ConfigIssue[] = [];
  const parsed = readYaml(file, HINT, issues, []);
  const data = parsed ? validate(ScenarioFileSchema, parsed, issues) : undefined;
  if (!parsed || !data) throw new ConfigError(issues);
  const node = (...path: (string | number)[]): Node | undefined => locate(parsed.doc, path).node ?? undefined;
  const keyNode = (parent: string, key: string): Node | undefined => (findPair(node(parent), key)?.key as Node | undefined) ?? node(parent);

  if (data.waves && data.tenants === undefined) issues.push(at(parsed, node("waves"), "waves needs tenants: waves split a generated fleet (omit both to use the environments directory)"));
  if (data.waves && data.tenants !== undefined) {
    const sum = data.waves.reduce((a, b) => a + b, 0);
    if (sum !== data.tenants) issues.push(at(parsed, node("waves"), `the waves add up to ${sum}, but tenants is ${data.tenants}; they must be equal`));
  }
  for (let i = 1; i < data.versions.length; i++) {
    const [prev, cur] = [data.versions[i - 1] ?? "", data.versions[i] ?? ""];
    if (compareVersions(prev, cur) >= 0) issues.push(at(parsed, node("versions", i), `versions go up: ${cur} is not above ${prev}`));
  }
  const names = data.tenants !== undefined ? tenantNames(data.tenants) : knownTenants;
  const where = data.tenants !== undefined ? `the generated tenants (${names?.[0]}..${names?.[names.length - 1]})` : "the environments";
  const unknown = (name: string) => names !== undefined && !names.includes(name);
  for (const name of Object.keys(data.faults)) if (unknown(name)) issues.push(at(parsed, keyNode("faults", name), `faults: ${name} is not one of ${where}`));
  if (data.tenants === undefined && (data.hold.length > 0 || Object.keys(data.pin).length > 0)) {
    issues.push(at(parsed, node(data.hold.length > 0 ? "hold" : "pin"), "hold and pin apply to generated tenants; for the environments directory, set them in the environment files"));
  }
  data.hold.forEach((name, i) => unknown(name) && issues.push(at(parsed, node("hold", i), `hold: ${name} is not one of ${where}`)));
  for (const [name, version] of Object.entries(data.pin)) {
    if (unknown(name)) issues.push(at(parsed, keyNode("pin", name), `pin: ${name} is not one of ${where}`));
    else if (!data.versions.includes(version)) issues.push(at(parsed, node("pin", name), `pin: ${version} is not one of the scenario's versions (${data.versions.join(", ")})`));
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const faults = new Map(Object.entries(data.faults).map(([name, f]) => [name, typeof f === "string" ? [f] : [...new Set(f)]]));
  return { ...data, file: file.path, faults };
}
