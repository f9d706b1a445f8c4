/**
 * Creates, in the local AWS, what the chain needs, read from the synthesized stacks (never written again by
 * hand): buckets with versioning and EventBridge notifications, queues and their policies, event buses and
 * their policies, rules with their patterns, targets (cross-account bus targets with their role, DLQs) and
 * SSM parameters, each in the account and region of its stack's provider.
 *
 * Every resource type is either provisioned, or on the explicit "known, not provisioned locally" list with
 * the reason, or reported as unknown: nothing is ignored silently.
 *
 * Two moto deviations are bridged here, in the open (both printed):
 * - moto cannot run Lambda functions: a rule target that is a Lambda function gets a stand-in SQS queue in
 *   the same account and region; the local runner drains it into the bundled handler.
 * - moto rewrites the `account` of an event forwarded to another account's bus to the receiving account
 *   (AWS keeps the sender's). A receiving rule that pins `account` to the forwarding account is therefore
 *   created with the receiving account instead, and the drainer puts the sender's account back. A pin to
 *   any other account is left as synthesized, so it matches nothing, as in AWS.
 */
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutBucketVersioningCommand, S3Client, type BucketLocationConstraint } from "@aws-sdk/client-s3";
import { CreateEventBusCommand, EventBridgeClient, PutPermissionCommand, PutRuleCommand, PutTargetsCommand, type Target } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueUrlCommand, SetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PutParameterCommand, SSMClient, type ParameterType } from "@aws-sdk/client-ssm";
import type { EnvironmentVariable, ProjectConfig } from "./codebuild-server";
import { ProvisionError } from "./errors";
import type { AwsCredentials } from "./moto";
import { listResources, readStack, Resolver, type Json, type Placement, type TfResource, type TfStack } from "./terraform-json";

/** Types created in the local AWS. */
export const PROVISIONED_TYPES = [
  "aws_s3_bucket",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_notification",
  "aws_sqs_queue",
  "aws_sqs_queue_policy",
  "aws_cloudwatch_event_bus",
  "aws_cloudwatch_event_bus_policy",
  "aws_cloudwatch_event_rule",
  "aws_cloudwatch_event_target",
  "aws_ssm_parameter",
] as const;

/** Types the local run knows and deliberately does not create, with the reason printed to the user. */
export const NOT_PROVISIONED: Readonly<Record<string, string>> = {
  aws_lambda_function: "moto cannot run Lambda functions: tenant rule → stand-in queue → bundled handler (dist/lambdas/assets_tracker)",
  aws_lambda_permission: "no Lambda runs in moto; the stand-in queue takes its place",
  aws_lambda_function_event_invoke_config: "its retry count and on-failure queue are applied by the local runner",
  aws_codebuild_project: "served by the local CodeBuild server, which reads this project's settings",
  aws_iam_role: "moto does not enforce IAM; the policies are checked by the synthesis tests",
  aws_iam_role_policy: "moto does not enforce IAM",
  aws_iam_policy: "moto does not enforce IAM",
  aws_iam_role_policy_attachment: "moto does not enforce IAM",
  aws_iam_openid_connect_provider: "the local run publishes with local credentials, not Bitbucket OIDC",
  aws_cloudwatch_log_group: "build and handler logs stay local",
  aws_s3_bucket_policy: "moto does not enforce bucket policies",
  aws_s3_bucket_public_access_block: "nothing local is public",
  aws_s3_bucket_ownership_controls: "moto does not model object ownership",
  aws_s3_bucket_server_side_encryption_configuration: "encryption at rest does not change the chain",
  aws_s3_bucket_lifecycle_configuration: "no object expires during a local run",
  aws_s3_object: "the local CodeBuild runs the bundled deployer (dist/deployer) itself instead of the buildspec that downloads this object",
  aws_cloudwatch_metric_alarm: "no CloudWatch alarms locally",
  "data.aws_iam_policy_document": "read only: rendered where it is referenced",
  "data.aws_caller_identity": "read only: resolved where it is referenced",
  "data.aws_region": "read only: resolved where it is referenced",
  "data.aws_partition": "read only: resolved where it is referenced",
};

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

export interface ProvisionPlan {
  readonly stacks: readonly TfStack[];
  readonly projects: readonly ProjectConfig[];
  readonly standIns: readonly LambdaStandIn[];
  /** Lines that say what is not provisioned and why, deviations bridged, unknown types. */
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  /** The calls, in order; run by {@link applyPlan}. */
  readonly steps: readonly Step[];
}

interface Step {
  readonly phase: number;
  readonly resource: TfResource;
  readonly run: (clients: Clients) => Promise<void>;
}

type JsonObject = { [k: string]: Json };
const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
const first = (v: Json | undefined): Json | undefined => (Array.isArray(v) ? v[0] : v);
const str = (v: Json | undefined): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);

export interface Clients {
  s3(p: Placement): Promise<S3Client>;
  sqs(p: Placement): Promise<SQSClient>;
  events(p: Placement): Promise<EventBridgeClient>;
  ssm(p: Placement): Promise<SSMClient>;
  /** The moto URL of a queue (moto's URLs differ from AWS's). */
  queueUrl(p: Placement, name: string): Promise<string>;
  destroy(): void;
}

export function localClients(endpoint: string, credentialsFor: (account: string) => Promise<AwsCredentials>): Clients {
  const cache = new Map<string, Promise<unknown>>();
  const made: { destroy(): void }[] = [];
  const get = <T extends { destroy(): void }>(kind: string, p: Placement, make: (c: AwsCredentials) => T): Promise<T> => {
    const k = `${kind}/${p.account}/${p.region}`;
    let c = cache.get(k) as Promise<T> | undefined;
    if (!c) {
      c = credentialsFor(p.account).then((creds) => {
        const client = make(creds);
        made.push(client);
        return client;
      });
      cache.set(k, c);
    }
    return c;
  };
  const urls = new Map<string, Promise<string>>();
  const clients: Clients = {
    s3: (p) => get("s3", p, (credentials) => new S3Client({ endpoint, region: p.region, credentials, forcePathStyle: true })),
    sqs: (p) => get("sqs", p, (credentials) => new SQSClient({ endpoint, region: p.region, credentials })),
    events: (p) => get("events", p, (credentials) => new EventBridgeClient({ endpoint, region: p.region, credentials })),
    ssm: (p) => get("ssm", p, (credentials) => new SSMClient({ endpoint, region: p.region, credentials })),
    queueUrl: (p, name) => {
      const k = `${p.account}/${p.region}/${name}`;
      let u = urls.get(k);
      if (!u) {
        u = clients.sqs(p).then(async (sqs) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: p.account }))).QueueUrl ?? "");
        urls.set(k, u);
      }
      return u;
    },
    destroy: () => made.forEach((c) => c.destroy()),
  };
  return clients;
}

const queueNameOfUrl = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const arnParts = (arn: string) => {
  const m = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.*)$/.exec(arn);
  return m ? { service: m[1], region: m[2], account: m[3], resource: m[4] } : undefined;
};

/**
 * Reads the stacks and decides every call, without touching the local AWS: a stack that cannot be read or
 * resolved fails here, before anything is created (no half-provisioned run).
 */
export function planProvisioning(stackFiles: readonly { id: string; file: string }[]): ProvisionPlan {
  const stacks = stackFiles.map((s) => readStack(s.id, s.file));
  const notes: string[] = [];
  const warnings: string[] = [];
  const counts: Record<string, number> = {};
  const steps: Step[] = [];
  const projects: ProjectConfig[] = [];
  const standIns: LambdaStandIn[] = [];
  const notProvisioned = new Map<string, number>();
  const unknown = new Map<string, string[]>();
  const problems: string[] = [];

  interface Ctx {
    stack: TfStack;
    resolver: Resolver;
    resources: TfResource[];
  }
  const ctxs: Ctx[] = stacks.map((stack) => {
    const resources = listResources(stack);
    return { stack, resources, resolver: new Resolver(stack, resources) };
  });

  // Bus targets across all stacks: which accounts forward into which bus (for moto's account rewrite).
  const forwarders = new Map<string, Placement[]>();
  for (const { resources, resolver } of ctxs) {
    for (const r of resources.filter((x) => x.type === "aws_cloudwatch_event_target")) {
      try {
        const arn = str(resolver.config(r).arn) ?? "";
        if (arnParts(arn)?.service === "events" && arn.includes(":event-bus/")) forwarders.set(arn, [...(forwarders.get(arn) ?? []), r.placement]);
      } catch {
        // reported below, where the target itself is planned
      }
    }
  }

  for (const { stack, resources, resolver } of ctxs) {
    const lambdaByArn = new Map<string, TfResource>();
    for (const r of resources.filter((x) => x.type === "aws_lambda_function")) lambdaByArn.set(str(resolver.attribute(r, "arn")) ?? "", r);
    const invokeConfigs = resources.filter((x) => x.type === "aws_lambda_function_event_invoke_config");

    for (const r of resources) {
      const where = `${stack.id} ${r.address}`;
      const plan = (phase: number, run: (clients: Clients, cfg: JsonObject) => Promise<void>) => {
        let cfg: JsonObject;
        try {
          cfg = resolver.config(r);
        } catch (err) {
          problems.push((err as Error).message);
          return;
        }
        counts[r.type] = (counts[r.type] ?? 0) + 1;
        steps.push({ phase, resource: r, run: (clients) => run(clients, cfg) });
      };
      const p = r.placement;
      switch (r.type) {
        case "aws_s3_bucket":
          plan(0, async (c, cfg) => {
            const s3 = await c.s3(p);
            const Bucket = str(cfg.bucket);
            if (!Bucket) throw new ProvisionError(`${where}: no bucket name`);
            await s3.send(new CreateBucketCommand({ Bucket, ...(p.region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: p.region as BucketLocationConstraint } }) }));
          });
          break;
        case "aws_s3_bucket_versioning":
          plan(1, async (c, cfg) => {
            const status = str(first(cfg.versioning_configuration) && (first(cfg.versioning_configuration) as JsonObject).status);
            await (await c.s3(p)).send(new PutBucketVersioningCommand({ Bucket: str(cfg.bucket), VersioningConfiguration: { Status: status === "Enabled" ? "Enabled" : "Suspended" } }));
          });
          break;
        case "aws_s3_bucket_notification": {
          const raw = r.config;
          const other = ["topic", "queue", "lambda_function"].filter((k) => raw[k] !== undefined);
          if (other.length > 0) warnings.push(`${where}: ${other.join(", ")} notifications are not provisioned locally (only eventbridge)`);
          plan(4, async (c, cfg) => {
            if (cfg.eventbridge !== true) {
              warnings.push(`${where}: eventbridge is not true: S3 sends no events to EventBridge, so no release will reach any tenant`);
              return;
            }
            await (await c.s3(p)).send(new PutBucketNotificationConfigurationCommand({ Bucket: str(cfg.bucket), NotificationConfiguration: { EventBridgeConfiguration: {} } }));
          });
          break;
        }
        case "aws_sqs_queue":
          plan(0, async (c, cfg) => {
            const attributes: Record<string, string> = {};
            if (cfg.message_retention_seconds !== undefined) attributes.MessageRetentionPeriod = str(cfg.message_retention_seconds) ?? "";
            if (cfg.visibility_timeout_seconds !== undefined) attributes.VisibilityTimeout = str(cfg.visibility_timeout_seconds) ?? "";
            if (cfg.fifo_queue === true) attributes.FifoQueue = "true";
            await (await c.sqs(p)).send(new CreateQueueCommand({ QueueName: str(cfg.name), Attributes: attributes }));
          });
          break;
        case "aws_sqs_queue_policy":
          plan(1, async (c, cfg) => {
            const url = await c.queueUrl(p, queueNameOfUrl(str(cfg.queue_url) ?? ""));
            await (await c.sqs(p)).send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: str(cfg.policy) ?? "" } }));
          });
          break;
        case "aws_cloudwatch_event_bus":
          plan(0, async (c, cfg) => {
            await (await c.events(p)).send(new CreateEventBusCommand({ Name: str(cfg.name) }));
          });
          break;
        case "aws_cloudwatch_event_bus_policy":
          plan(1, async (c, cfg) => {
            await (await c.events(p)).send(new PutPermissionCommand({ EventBusName: str(cfg.event_bus_name), Policy: str(cfg.policy) }));
          });
          break;
        case "aws_cloudwatch_event_rule":
          plan(2, async (c, cfg) => {
            const name = str(cfg.name);
            const bus = str(cfg.event_bus_name) ?? "default";
            let pattern = str(cfg.event_pattern);
            const busArn = `arn:aws:events:${p.region}:${p.account}:event-bus/${bus.includes("/") ? bus.slice(bus.lastIndexOf("/") + 1) : bus}`;
            const from = forwarders.get(busArn) ?? [];
            if (pattern && from.length > 0) {
              const parsed = JSON.parse(pattern) as JsonObject;
              const pinned = Array.isArray(parsed.account) ? parsed.account : undefined;
              if (pinned && pinned.some((a) => from.some((f) => f.account === a))) {
                parsed.account = pinned.map((a) => (from.some((f) => f.account === a) ? p.account : a));
                pattern = JSON.stringify(parsed);
                notes.push(`${stack.id}: rule ${name} pins account ${JSON.stringify(pinned)} (the forwarding account); moto rewrites a forwarded event's account to the receiver, so locally it matches ${p.account} and the drainer restores the sender's account`);
              }
            }
            const state = cfg.state !== undefined ? str(cfg.state) : cfg.is_enabled === false ? "DISABLED" : "ENABLED";
            await (await c.events(p)).send(new PutRuleCommand({ Name: name, EventBusName: bus, EventPattern: pattern, ScheduleExpression: str(cfg.schedule_expression), State: state === "DISABLED" ? "DISABLED" : "ENABLED", Description: str(cfg.description) }));
          });
          break;
        case "aws_cloudwatch_event_target": {
          let cfg: JsonObject;
          try {
            cfg = resolver.config(r);
          } catch (err) {
            problems.push((err as Error).message);
            break;
          }
          const arn = str(cfg.arn) ?? "";
          const lambda = lambdaByArn.get(arn) ?? (arnParts(arn)?.service === "lambda" ? undefined : null);
          let targetArn = arn;
          if (lambda === undefined) {
            problems.push(`${where}: targets the Lambda function ${arn}, which no stack defines`);
            break;
          }
          if (lambda !== null) {
            const lcfg = resolver.config(lambda);
            const functionName = str(lcfg.function_name) ?? lambda.name;
            const invoke = invokeConfigs.map((i) => ({ i, c: resolver.config(i) })).find((x) => str(x.c.function_name) === functionName || str(x.c.function_name) === arn);
            const onFailure = invoke ? str((first((first(invoke.c.destination_config) as JsonObject | undefined)?.on_failure) as JsonObject | undefined)?.destination) : undefined;
            const env = (first((first(lcfg.environment) as JsonObject | undefined)?.variables) ?? {}) as JsonObject;
            const queueName = `fleet-local-lambda-${functionName}`.slice(0, 80);
            const busName = str(cfg.event_bus_name) ?? "default";
            const busArn = `arn:aws:events:${p.region}:${p.account}:event-bus/${busName}`;
            const from = forwarders.get(busArn) ?? [];
            const standIn: LambdaStandIn = {
              stack: stack.id,
              functionName,
              placement: p,
              queueName,
              queueUrl: "",
              environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, str(v) ?? ""])),
              maximumRetryAttempts: invoke && typeof invoke.c.maximum_retry_attempts === "number" ? invoke.c.maximum_retry_attempts : 2,
              ...(onFailure ? { onFailureQueueArn: onFailure } : {}),
              ...(from.length === 1 ? { forwardedFrom: from[0] } : {}),
              ruleAddress: `${stack.id} ${str(cfg.rule)}`,
            };
            standIns.push(standIn);
            targetArn = `arn:aws:sqs:${p.region}:${p.account}:${queueName}`;
            steps.push({
              phase: 0,
              resource: r,
              run: async (c) => {
                standIn.queueUrl = (await (await c.sqs(p)).send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl ?? "";
              },
            });
          }
          counts[r.type] = (counts[r.type] ?? 0) + 1;
          steps.push({
            phase: 3,
            resource: r,
            run: async (c) => {
              const dlq = str((first(cfg.dead_letter_config) as JsonObject | undefined)?.arn);
              const retry = first(cfg.retry_policy) as JsonObject | undefined;
              const target: Target = {
                Id: str(cfg.target_id) ?? r.name,
                Arn: targetArn,
                ...(str(cfg.role_arn) ? { RoleArn: str(cfg.role_arn) } : {}),
                ...(dlq ? { DeadLetterConfig: { Arn: dlq } } : {}),
                ...(retry ? { RetryPolicy: { MaximumEventAgeInSeconds: Number(retry.maximum_event_age_in_seconds ?? 86400), MaximumRetryAttempts: Number(retry.maximum_retry_attempts ?? 185) } } : {}),
              };
              const res = await (await c.events(p)).send(new PutTargetsCommand({ Rule: str(cfg.rule), EventBusName: str(cfg.event_bus_name) ?? "default", Targets: [target] }));
              if ((res.FailedEntryCount ?? 0) > 0) throw new ProvisionError(`${where}: PutTargets failed: ${JSON.stringify(res.FailedEntries)}`);
            },
          });
          break;
        }
        case "aws_ssm_parameter":
          plan(1, async (c, cfg) => {
            await (await c.ssm(p)).send(new PutParameterCommand({ Name: str(cfg.name), Value: str(cfg.value) ?? "", Type: (str(cfg.type) ?? "String") as ParameterType, Overwrite: true, ...(str(cfg.description) ? { Description: str(cfg.description) } : {}) }));
          });
          break;
        case "aws_codebuild_project": {
          let cfg: JsonObject;
          try {
            cfg = resolver.config(r);
          } catch (err) {
            problems.push((err as Error).message);
            break;
          }
          const env = first(cfg.environment) as JsonObject | undefined;
          const vars = (Array.isArray(env?.environment_variable) ? env.environment_variable : env?.environment_variable ? [env.environment_variable] : []).filter(isObject);
          const environmentVariables: EnvironmentVariable[] = vars.map((v) => ({ name: str(v.name) ?? "", value: str(v.value) ?? "", type: str(v.type) ?? "PLAINTEXT" }));
          projects.push({
            name: str(cfg.name) ?? r.name,
            account: p.account,
            region: p.region,
            ...(typeof cfg.concurrent_build_limit === "number" ? { concurrentBuildLimit: cfg.concurrent_build_limit } : {}),
            ...(typeof cfg.build_timeout === "number" ? { timeoutMinutes: cfg.build_timeout } : {}),
            environmentVariables,
          });
          notProvisioned.set(r.type, (notProvisioned.get(r.type) ?? 0) + 1);
          break;
        }
        default:
          if (r.type in NOT_PROVISIONED) notProvisioned.set(r.type, (notProvisioned.get(r.type) ?? 0) + 1);
          else unknown.set(r.type, [...(unknown.get(r.type) ?? []), `${stack.id} ${r.address}`]);
      }
    }
  }

  if (problems.length > 0) throw new ProvisionError(`the synthesized stacks cannot be provisioned locally:\n  ${problems.join("\n  ")}`);
  for (const [type, n] of [...notProvisioned].sort()) notes.push(`not provisioned locally: ${type} ×${n} (${NOT_PROVISIONED[type]})`);
  for (const [type, where] of [...unknown].sort()) warnings.push(`resource type ${type} is not known to the local run, not provisioned: ${where.slice(0, 3).join("; ")}${where.length > 3 ? ` and ${where.length - 3} more` : ""}`);
  if (standIns.length > 0) notes.push(`moto cannot run Lambda functions: tenant rule → queue → bundled handler (${standIns.length} stand-in queue${standIns.length === 1 ? "" : "s"})`);
  return { stacks, projects, standIns, notes, warnings, counts, steps };
}

/** Runs the planned calls phase by phase; calls within a phase run concurrently (bounded). */
export async function applyPlan(plan: ProvisionPlan, clients: Clients, concurrency = 8): Promise<void> {
  const phases = [...new Set(plan.steps.map((s) => s.phase))].sort((a, b) => a - b);
  for (const phase of phases) {
    const queue = plan.steps.filter((s) => s.phase === phase);
    const errors: string[] = [];
    await Promise.all(
      Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
        for (let step = queue.shift(); step; step = queue.shift()) {
          try {
            await step.run(clients);
          } catch (err) {
            errors.push(`${step.resource.stack} ${step.resource.address} (${step.resource.placement.account} ${step.resource.placement.region}): ${(err as Error).name}: ${(err as Error).message}`);
          }
        }
      }),
    );
    if (errors.length > 0) throw new ProvisionError(`the local AWS refused ${errors.length} call${errors.length === 1 ? "" : "s"} while provisioning:\n  ${errors.join("\n  ")}`);
  }
}
