/**
 * The table of resource types the local run creates: one small entry per type, each planning the calls
 * for one resource. The two larger entries (event targets, CodeBuild projects) have their own files.
 */
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutBucketVersioningCommand, type BucketLocationConstraint } from "@aws-sdk/client-s3";
import { CreateEventBusCommand, PutPermissionCommand, PutRuleCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { PutParameterCommand, type ParameterType } from "@aws-sdk/client-ssm";
import { ProvisionError } from "../errors";
import { codeBuildProject } from "./codebuild-project";
import { eventTarget } from "./event-target";
import { block, str, queueNameOfUrl, type JsonObject } from "./json";
import type { PlanContext, ResourceType } from "./types";

const s3Bucket: ResourceType = ({ plan, placement: p, where }) =>
  plan(0, async (c, cfg) => {
    const Bucket = str(cfg.bucket);
    if (!Bucket) throw new ProvisionError(`${where}: no bucket name`);
    await (await c.s3(p)).send(new CreateBucketCommand({ Bucket, ...(p.region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: p.region as BucketLocationConstraint } }) }));
  });

const s3BucketVersioning: ResourceType = ({ plan, placement: p }) =>
  plan(1, async (c, cfg) => {
    const status = str(block(cfg.versioning_configuration)?.status);
    await (await c.s3(p)).send(new PutBucketVersioningCommand({ Bucket: str(cfg.bucket), VersioningConfiguration: { Status: status === "Enabled" ? "Enabled" : "Suspended" } }));
  });

const s3BucketNotification: ResourceType = ({ plan, placement: p, where, resource, warn }) => {
  const other = ["topic", "queue", "lambda_function"].filter((k) => resource.config[k] !== undefined);
  if (other.length > 0) warn(`${where}: ${other.join(", ")} notifications are not provisioned locally (only eventbridge)`);
  plan(4, async (c, cfg) => {
    if (cfg.eventbridge !== true) {
      warn(`${where}: eventbridge is not true: S3 sends no events to EventBridge, so no release will reach any tenant`);
      return;
    }
    await (await c.s3(p)).send(new PutBucketNotificationConfigurationCommand({ Bucket: str(cfg.bucket), NotificationConfiguration: { EventBridgeConfiguration: {} } }));
  });
};

const sqsQueue: ResourceType = ({ plan, placement: p }) =>
  plan(0, async (c, cfg) => {
    const attributes: Record<string, string> = {};
    if (cfg.message_retention_seconds !== undefined) attributes.MessageRetentionPeriod = str(cfg.message_retention_seconds) ?? "";
    if (cfg.visibility_timeout_seconds !== undefined) attributes.VisibilityTimeout = str(cfg.visibility_timeout_seconds) ?? "";
    if (cfg.fifo_queue === true) attributes.FifoQueue = "true";
    await (await c.sqs(p)).send(new CreateQueueCommand({ QueueName: str(cfg.name), Attributes: attributes }));
  });

const sqsQueuePolicy: ResourceType = ({ plan, placement: p }) =>
  plan(1, async (c, cfg) => {
    const url = await c.queueUrl(p, queueNameOfUrl(str(cfg.queue_url) ?? ""));
    await (await c.sqs(p)).send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: str(cfg.policy) ?? "" } }));
  });

const eventBus: ResourceType = ({ plan, placement: p }) =>
  plan(0, async (c, cfg) => {
    await (await c.events(p)).send(new CreateEventBusCommand({ Name: str(cfg.name) }));
  });

const eventBusPolicy: ResourceType = ({ plan, placement: p }) =>
  plan(1, async (c, cfg) => {
    await (await c.events(p)).send(new PutPermissionCommand({ EventBusName: str(cfg.event_bus_name), Policy: str(cfg.policy) }));
  });

const eventRule: ResourceType = (ctx) =>
  ctx.plan(2, async (c, cfg) => {
    const p = ctx.placement;
    const bus = str(cfg.event_bus_name) ?? "default";
    const schedule = str(cfg.schedule_expression);
    const pattern = localPattern(ctx, str(cfg.name), bus, str(cfg.event_pattern)) ?? (schedule ? scheduleOnlyPattern(ctx, str(cfg.name), schedule) : undefined);
    const state = cfg.state !== undefined ? str(cfg.state) : cfg.is_enabled === false ? "DISABLED" : "ENABLED";
    await (await c.events(p)).send(new PutRuleCommand({ Name: str(cfg.name), EventBusName: bus, EventPattern: pattern, ScheduleExpression: str(cfg.schedule_expression), State: state === "DISABLED" ? "DISABLED" : "ENABLED", Description: str(cfg.description) }));
  });

/**
 * moto never fires a schedule, and sends EVERY event on the bus to a rule without a pattern: a schedule
 * rule gets a pattern that matches nothing locally (the local run sends its scheduled events itself).
 */
function scheduleOnlyPattern({ stack, note }: PlanContext, name: string | undefined, schedule: string): string {
  note(`${stack.id}: rule ${name} runs on ${schedule}; moto fires no schedule and would route every event to it, so locally it matches nothing and the local run sends its scheduled events`);
  return JSON.stringify({ source: ["fleet.local"], "detail-type": ["schedule stand-in: sent by the local run, never by the bus"] });
}

/**
 * moto rewrites a forwarded event's `account` to the receiver: a rule that pins the forwarding account
 * matches the receiving account locally instead (the drainer restores the sender's account), said in a note.
 */
function localPattern({ placement: p, stack, forwardersOf, note }: PlanContext, name: string | undefined, bus: string, pattern: string | undefined): string | undefined {
  const busArn = `arn:aws:events:${p.region}:${p.account}:event-bus/${bus.includes("/") ? bus.slice(bus.lastIndexOf("/") + 1) : bus}`;
  const from = forwardersOf(busArn);
  if (!pattern || from.length === 0) return pattern;
  const parsed = JSON.parse(pattern) as JsonObject;
  const pinned = Array.isArray(parsed.account) ? parsed.account : undefined;
  if (!pinned || !pinned.some((a) => from.some((f) => f.account === a))) return pattern;
  parsed.account = pinned.map((a) => (from.some((f) => f.account === a) ? p.account : a));
  note(`${stack.id}: rule ${name} pins account ${JSON.stringify(pinned)} (the forwarding account); moto rewrites a forwarded event's account to the receiver, so locally it matches ${p.account} and the drainer restores the sender's account`);
  return JSON.stringify(parsed);
}

const ssmParameter: ResourceType = ({ plan, placement: p }) =>
  plan(1, async (c, cfg) => {
    await (await c.ssm(p)).send(new PutParameterCommand({ Name: str(cfg.name), Value: str(cfg.value) ?? "", Type: (str(cfg.type) ?? "String") as ParameterType, Overwrite: true, ...(str(cfg.description) ? { Description: str(cfg.description) } : {}) }));
  });

/** Types created in the local AWS, and the CodeBuild project read for the local CodeBuild. */
export const RESOURCE_TYPES: Readonly<Record<string, ResourceType>> = {
  aws_s3_bucket: s3Bucket,
  aws_s3_bucket_versioning: s3BucketVersioning,
  aws_s3_bucket_notification: s3BucketNotification,
  aws_sqs_queue: sqsQueue,
  aws_sqs_queue_policy: sqsQueuePolicy,
  aws_cloudwatch_event_bus: eventBus,
  aws_cloudwatch_event_bus_policy: eventBusPolicy,
  aws_cloudwatch_event_rule: eventRule,
  aws_cloudwatch_event_target: eventTarget,
  aws_ssm_parameter: ssmParameter,
  aws_codebuild_project: codeBuildProject,
};
