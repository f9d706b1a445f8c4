/** The shapes of provisioning: the plan, its steps, a Lambda stand-in, and what a resource type's entry sees. */
import type { ProjectConfig } from "../codebuild-server";
import type { Placement, TfResource, TfStack } from "../terraform-json";
import type { Resolver } from "../terraform-resolver";
import type { Clients } from "./clients";
import type { JsonObject } from "./json";

/** A Lambda target stood in for by a queue: what the drainer needs to invoke the bundled handler. */
export interface LambdaStandIn {
  readonly stack: string;
  readonly functionName: string;
  readonly placement: Placement;
  readonly queueName: string;
  queueUrl: string;
  /** The function's environment variables as synthesized. */
  readonly environment: Record<string, string>;
  /** Asynchronous invoke retries (`aws_lambda_function_event_invoke_config`, else Lambda's default 2). */
  readonly maximumRetryAttempts: number;
  /** SQS on-failure destination, when the invoke config names one. */
  readonly onFailureQueueArn?: string;
  /** Where events on this rule's bus came from (for moto's account rewrite): the forwarding rule's account/region. */
  forwardedFrom?: Placement;
  readonly ruleAddress: string;
}

export interface Step {
  /** Calls of a lower phase all finish before the next phase starts (a bucket before its versioning). */
  readonly phase: number;
  readonly resource: TfResource;
  readonly run: (clients: Clients) => Promise<void>;
}

export interface ProvisionPlan {
  readonly stacks: readonly TfStack[];
  readonly projects: readonly ProjectConfig[];
  readonly standIns: readonly LambdaStandIn[];
  /** Lines that say what is not provisioned and why, deviations bridged, unknown types. */
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  /** The calls, in order; run by `applyPlan`. */
  readonly steps: readonly Step[];
}

/** What the entry of a resource type gets for one resource of that type. */
export interface PlanContext {
  readonly stack: TfStack;
  readonly resource: TfResource;
  /** `<stack> <address>`, for messages. */
  readonly where: string;
  readonly placement: Placement;
  readonly resolver: Resolver;
  /** The resolved configuration; undefined (and a problem recorded) when it cannot be resolved. */
  readonly config: () => JsonObject | undefined;
  /** Resolves the configuration now, counts the resource and schedules `run` in `phase`. */
  readonly plan: (phase: number, run: (clients: Clients, cfg: JsonObject) => Promise<void>) => void;
  /** Schedules a call without counting the resource (a stand-in's queue). */
  readonly step: (phase: number, run: (clients: Clients) => Promise<void>) => void;
  readonly count: () => void;
  /** Counted as known and deliberately not created (its reason is in NOT_PROVISIONED). */
  readonly notProvisioned: () => void;
  readonly note: (text: string) => void;
  readonly warn: (text: string) => void;
  /** A problem that stops the run before anything is created. */
  readonly problem: (text: string) => void;
  /** Accounts and regions whose rules forward into this bus (for moto's account rewrite). */
  readonly forwardersOf: (busArn: string) => readonly Placement[];
  /** The stack's Lambda functions by their ARN. */
  readonly lambdaByArn: ReadonlyMap<string, TfResource>;
  readonly invokeConfigs: readonly TfResource[];
  readonly addProject: (project: ProjectConfig) => void;
  readonly addStandIn: (standIn: LambdaStandIn) => void;
}

/** One entry of the table: plans the calls for one resource of its type. */
export type ResourceType = (ctx: PlanContext) => void;
