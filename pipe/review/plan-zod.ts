/**
 * The zod schema of the subset of `terraform show -json <planfile>` that the review reads
 * (https://developer.hashicorp.com/terraform/internals/json-format). Loose on purpose: unknown keys are
 * dropped, optional keys may be absent (an empty plan has no `resource_changes` at all), and attribute
 * values stay `unknown` so that zod never walks (or copies) the big before/after trees.
 *
 * Deliberately NOT declared, so that they are stripped at parse time and can never reach a renderer:
 * `variables` (sensitive variables are in clear text there), `prior_state`, `planned_values`,
 * `configuration`.
 */
import { z } from "zod";
import { fromEntries } from "./own-record";

const ChangeSchema = z.object({
  actions: z.array(z.string()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  importing: z.object({ id: z.string().optional(), identity: z.unknown().optional() }).nullish(),
});
export type PlanChange = z.infer<typeof ChangeSchema>;

const ResourceChangeSchema = z.object({
  // Drift entries of Terraform 1.0.0 have no `address` (fixture aws-lambda-events-mixed-with-drift-tf1.0).
  address: z.string().optional(),
  module_address: z.string().optional(),
  mode: z.string().optional(),
  type: z.string().optional(),
  name: z.string().optional(),
  index: z.union([z.string(), z.number()]).optional(),
  previous_address: z.string().optional(),
  deposed: z.string().optional(),
  action_reason: z.string().optional(),
  change: ChangeSchema,
});
export type PlanResourceChange = z.infer<typeof ResourceChangeSchema>;

const OutputChangeSchema = ChangeSchema;

const CheckSchema = z.object({
  address: z.object({ to_display: z.string().optional() }).loose().optional(),
  status: z.string().optional(),
  instances: z
    .array(z.object({ address: z.object({ to_display: z.string().optional() }).loose().optional(), status: z.string().optional(), problems: z.array(z.object({ message: z.string().optional() })).optional() }))
    .optional(),
});

export const PlanSchema = z.object({
  format_version: z
    .string()
    .refine((v) => /^\d+\.\d+/.test(v), { message: "format_version must look like MAJOR.MINOR" })
    .refine((v) => Number(v.split(".")[0]) < 2, {
      message: "format_version major 2 or later is not supported (this review reads format 0.x and 1.x); upgrade cdktf-fleet",
    }),
  terraform_version: z.string().optional(),
  resource_changes: z.array(ResourceChangeSchema).optional(),
  resource_drift: z.array(ResourceChangeSchema).optional(),
  // Entries, not z.record: a record is rebuilt by assignment, which drops an output named `__proto__`.
  output_changes: z
    .preprocess((v) => (typeof v === "object" && v !== null && !Array.isArray(v) ? Object.entries(v) : v), z.array(z.tuple([z.string(), OutputChangeSchema])))
    .transform((entries) => fromEntries(entries))
    .optional(),
  deferred_changes: z.array(z.unknown()).optional(),
  checks: z.array(CheckSchema).optional(),
  errored: z.boolean().optional(),
  applyable: z.boolean().optional(),
  complete: z.boolean().optional(),
  timestamp: z.string().optional(),
});
export type Plan = z.infer<typeof PlanSchema>;

