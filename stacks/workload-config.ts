/**
 * The sample workload's settings, read from each environment's `config` with the schema in
 * core/config/workload.ts (the one `fleet validate` checks too). Problems of every environment are
 * reported together, each naming the file and the field.
 */
import type { Environment } from "../core/config/schema";
import { WorkloadConfigSchema, type WorkloadConfig } from "../core/config/workload";
import { WorkloadConfigError } from "./errors";

export { WorkloadConfigSchema, type WorkloadConfig };

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

/** Problems of one environment's config, as `file: config.field: message (found …)`. */
export function workloadConfigProblems(env: Environment): string[] {
  const result = WorkloadConfigSchema.safeParse(env.config);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return `${env.file}: config: unknown setting${issue.keys.length === 1 ? "" : "s"} ${issue.keys.join(", ")}; allowed: ${Object.keys(WorkloadConfigSchema.shape).join(", ")}`;
    }
    const path = ["config", ...issue.path.map(String)].join(".");
    const found = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), env.config);
    return `${env.file}: ${path}: ${issue.message} (found ${describe(found)})`;
  });
}

/** Parses every environment's config; throws one {@link WorkloadConfigError} listing all problems. */
export function parseWorkloadConfigs(envs: readonly Environment[]): Map<string, WorkloadConfig> {
  const problems = envs.flatMap(workloadConfigProblems);
  if (problems.length > 0) throw new WorkloadConfigError(problems);
  return new Map(envs.map((e) => [e.name, WorkloadConfigSchema.parse(e.config)]));
}
