/**
 * The sample workload's settings, read from each environment's free-form `config` (DESIGN.md §3). One zod
 * schema with defaults; unknown keys are errors (a typo must not silently fall back to a default). Problems
 * of every environment are reported together, each naming the file and the field.
 */
import { z } from "zod";
import type { Environment } from "../core/config/schema";
import { WorkloadConfigError } from "./errors";

export const WorkloadConfigSchema = z.strictObject({
  /** Lambda memory (MB): also buys CPU. */
  memoryMb: z.number().int("memoryMb must be a whole number").min(128, "memoryMb must be at least 128").max(10240, "memoryMb must be at most 10240").default(256),
  logLevel: z.enum(["debug", "info", "warn", "error"], "logLevel must be one of debug, info, warn, error").default("info"),
  greeting: z.string().min(1, "greeting must not be empty").max(200, "greeting must be at most 200 characters").default("Hello"),
  /**
   * Reserved concurrency; unset by default because new accounts may have a concurrency quota of 10, and Lambda
   * refuses reservations that leave less than that unreserved (aws-event-chain.md §4).
   */
  reservedConcurrency: z.number().int("reservedConcurrency must be a whole number").min(0, "reservedConcurrency must be ≥ 0").max(1000, "reservedConcurrency must be at most 1000").optional(),
});

export type WorkloadConfig = z.infer<typeof WorkloadConfigSchema>;

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
