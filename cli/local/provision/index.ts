/**
 * Creates, in the local AWS, what the chain needs, read from the synthesized stacks (never written again by
 * hand): buckets with versioning and EventBridge notifications, queues and their policies, event buses and
 * their policies, rules with their patterns, targets (cross-account bus targets with their role, DLQs) and
 * SSM parameters, each in the account and region of its stack's provider.
 *
 * Every resource type is either provisioned (one entry in the table of resource-types.ts), or on the
 * explicit "known, not provisioned locally" list with the reason, or reported as unknown: nothing is
 * ignored silently.
 *
 * Two moto deviations are bridged here, in the open (both printed):
 * - moto cannot run Lambda functions: a rule target that is a Lambda function gets a stand-in SQS queue in
 *   the same account and region; the local runner drains it into the bundled handler.
 * - moto rewrites the `account` of an event forwarded to another account's bus to the receiving account
 *   (AWS keeps the sender's). A receiving rule that pins `account` to the forwarding account is therefore
 *   created with the receiving account instead, and the drainer puts the sender's account back. A pin to
 *   any other account is left as synthesized, so it matches nothing, as in AWS.
 */
import { ProvisionError } from "../errors";
import { listResources, readStack, type Placement, type TfResource, type TfStack } from "../terraform-json";
import { Resolver } from "../terraform-resolver";
import { arnParts, str, type JsonObject } from "./json";
import { NOT_PROVISIONED } from "./not-provisioned";
import { RESOURCE_TYPES } from "./resource-types";
import type { LambdaStandIn, PlanContext, ProvisionPlan, Step } from "./types";
import type { ProjectConfig } from "../codebuild-server";

export { applyPlan } from "./apply";
export { localClients, type Clients } from "./clients";
export { createHealthAlarms } from "./health-alarms";
export { NOT_PROVISIONED } from "./not-provisioned";
export type { LambdaStandIn, ProvisionPlan } from "./types";

/** Types created in the local AWS (the CodeBuild project is read for the local CodeBuild instead). */
export const PROVISIONED_TYPES = Object.keys(RESOURCE_TYPES).filter((t) => !(t in NOT_PROVISIONED));

interface Collected {
  readonly notes: string[];
  readonly warnings: string[];
  readonly counts: Record<string, number>;
  readonly steps: Step[];
  readonly projects: ProjectConfig[];
  readonly standIns: LambdaStandIn[];
  readonly notProvisioned: Map<string, number>;
  readonly unknown: Map<string, string[]>;
  readonly problems: string[];
}

/**
 * Reads the stacks and decides every call, without touching the local AWS: a stack that cannot be read or
 * resolved fails here, before anything is created (no half-provisioned run).
 */
export function planProvisioning(stackFiles: readonly { id: string; file: string }[]): ProvisionPlan {
  const stacks = stackFiles.map((s) => readStack(s.id, s.file));
  const out: Collected = { notes: [], warnings: [], counts: {}, steps: [], projects: [], standIns: [], notProvisioned: new Map(), unknown: new Map(), problems: [] };
  const read = stacks.map((stack) => {
    const resources = listResources(stack);
    return { stack, resources, resolver: new Resolver(stack, resources) };
  });
  const forwarders = busForwarders(read);
  for (const { stack, resources, resolver } of read) {
    const lambdaByArn = new Map<string, TfResource>();
    for (const r of resources.filter((x) => x.type === "aws_lambda_function")) lambdaByArn.set(str(resolver.attribute(r, "arn")) ?? "", r);
    const invokeConfigs = resources.filter((x) => x.type === "aws_lambda_function_event_invoke_config");
    for (const r of resources) {
      const entry = RESOURCE_TYPES[r.type];
      if (entry) entry(planContext(out, { stack, resource: r, resolver, lambdaByArn, invokeConfigs, forwarders }));
      else if (r.type in NOT_PROVISIONED) out.notProvisioned.set(r.type, (out.notProvisioned.get(r.type) ?? 0) + 1);
      else out.unknown.set(r.type, [...(out.unknown.get(r.type) ?? []), `${stack.id} ${r.address}`]);
    }
  }

  if (out.problems.length > 0) throw new ProvisionError(`the synthesized stacks cannot be provisioned locally:\n  ${out.problems.join("\n  ")}`);
  for (const [type, n] of [...out.notProvisioned].sort()) out.notes.push(`not provisioned locally: ${type} ×${n} (${NOT_PROVISIONED[type]})`);
  for (const [type, where] of [...out.unknown].sort()) out.warnings.push(`resource type ${type} is not known to the local run, not provisioned: ${where.slice(0, 3).join("; ")}${where.length > 3 ? ` and ${where.length - 3} more` : ""}`);
  if (out.standIns.length > 0) out.notes.push(`moto cannot run Lambda functions: tenant rule → queue → bundled handler (${out.standIns.length} stand-in queue${out.standIns.length === 1 ? "" : "s"})`);
  const { notes, warnings, counts, steps, projects, standIns } = out;
  return { stacks, projects, standIns, notes, warnings, counts, steps };
}

/** Bus targets across all stacks: which accounts forward into which bus (for moto's account rewrite). */
function busForwarders(read: readonly { resources: TfResource[]; resolver: Resolver }[]): Map<string, Placement[]> {
  const forwarders = new Map<string, Placement[]>();
  for (const { resources, resolver } of read) {
    for (const r of resources.filter((x) => x.type === "aws_cloudwatch_event_target")) {
      try {
        const arn = str(resolver.config(r).arn) ?? "";
        if (arnParts(arn)?.service === "events" && arn.includes(":event-bus/")) forwarders.set(arn, [...(forwarders.get(arn) ?? []), r.placement]);
      } catch {
        // reported where the target itself is planned
      }
    }
  }
  return forwarders;
}

interface ResourceAt {
  readonly stack: TfStack;
  readonly resource: TfResource;
  readonly resolver: Resolver;
  readonly lambdaByArn: ReadonlyMap<string, TfResource>;
  readonly invokeConfigs: readonly TfResource[];
  readonly forwarders: ReadonlyMap<string, Placement[]>;
}

function planContext(out: Collected, at: ResourceAt): PlanContext {
  const { stack, resource: r, resolver } = at;
  const config = (): JsonObject | undefined => {
    try {
      return resolver.config(r);
    } catch (err) {
      out.problems.push((err as Error).message);
      return undefined;
    }
  };
  const count = () => void (out.counts[r.type] = (out.counts[r.type] ?? 0) + 1);
  const step = (phase: number, run: Step["run"]) => void out.steps.push({ phase, resource: r, run });
  return {
    stack,
    resource: r,
    where: `${stack.id} ${r.address}`,
    placement: r.placement,
    resolver,
    lambdaByArn: at.lambdaByArn,
    invokeConfigs: at.invokeConfigs,
    config,
    count,
    step,
    plan: (phase, run) => {
      const cfg = config();
      if (!cfg) return;
      count();
      step(phase, (clients) => run(clients, cfg));
    },
    notProvisioned: () => void out.notProvisioned.set(r.type, (out.notProvisioned.get(r.type) ?? 0) + 1),
    note: (text) => void out.notes.push(text),
    warn: (text) => void out.warnings.push(text),
    problem: (text) => void out.problems.push(text),
    forwardersOf: (busArn) => at.forwarders.get(busArn) ?? [],
    addProject: (p) => void out.projects.push(p),
    addStandIn: (s) => void out.standIns.push(s),
  };
}
