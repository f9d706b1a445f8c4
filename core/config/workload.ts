/**
 * The sample workload's settings: what an environment's free-form `config` may hold. One zod schema with
 * defaults; unknown keys are errors (a typo must not silently fall back to a default). `fleet validate`
 * checks every environment file against it (with file:line:col) and synth parses it, so the two can
 * never disagree about what is valid.
 */
import { z } from "zod";

export const WorkloadConfigSchema = z.strictObject({
  /** Lambda memory (MB): also buys CPU. */
  memoryMb: z.number().int("memoryMb must be a whole number").min(128, "memoryMb must be at least 128").max(10240, "memoryMb must be at most 10240").default(256),
  logLevel: z.enum(["debug", "info", "warn", "error"], "logLevel must be one of debug, info, warn, error").default("info"),
  greeting: z.string().min(1, "greeting must not be empty").max(200, "greeting must be at most 200 characters").default("Hello"),
  /**
   * Reserved concurrency; unset by default because new accounts may have a concurrency quota of 10, and
   * Lambda refuses reservations that leave less than that unreserved.
   */
  reservedConcurrency: z.number().int("reservedConcurrency must be a whole number").min(0, "reservedConcurrency must be ≥ 0").max(1000, "reservedConcurrency must be at most 1000").optional(),
});

export type WorkloadConfig = z.infer<typeof WorkloadConfigSchema>;

/** An environment file as far as its `config` goes: what `fleet validate` checks the workload settings with. */
export const EnvironmentWorkloadSchema = z.looseObject({ config: WorkloadConfigSchema.optional() });
