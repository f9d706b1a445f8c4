/**
 * `aws_cloudwatch_event_target`: put as synthesized, except a target that is a Lambda function. moto cannot
 * run Lambda functions, so such a target gets a stand-in SQS queue in the same account and region, which
 * the local runner drains into the bundled handler with the function's environment and retry settings.
 */
import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { PutTargetsCommand, type Target } from "@aws-sdk/client-eventbridge";
import { ProvisionError } from "../errors";
import type { TfResource } from "../terraform-json";
import { arnParts, block, first, str, type JsonObject } from "./json";
import type { LambdaStandIn, PlanContext, ResourceType } from "./types";

export const eventTarget: ResourceType = (ctx) => {
  const cfg = ctx.config();
  if (!cfg) return;
  const arn = str(cfg.arn) ?? "";
  const lambda = ctx.lambdaByArn.get(arn) ?? (arnParts(arn)?.service === "lambda" ? undefined : null);
  if (lambda === undefined) {
    ctx.problem(`${ctx.where}: targets the Lambda function ${arn}, which no stack defines`);
    return;
  }
  const targetArn = lambda === null ? arn : standInQueueArn(ctx, cfg, lambda, arn);
  ctx.count();
  ctx.step(3, async (c) => {
    const dlq = str(block(cfg.dead_letter_config)?.arn);
    const retry = block(cfg.retry_policy);
    const target: Target = {
      Id: str(cfg.target_id) ?? ctx.resource.name,
      Arn: targetArn,
      ...(str(cfg.role_arn) ? { RoleArn: str(cfg.role_arn) } : {}),
      ...(dlq ? { DeadLetterConfig: { Arn: dlq } } : {}),
      ...(retry ? { RetryPolicy: { MaximumEventAgeInSeconds: Number(retry.maximum_event_age_in_seconds ?? 86400), MaximumRetryAttempts: Number(retry.maximum_retry_attempts ?? 185) } } : {}),
    };
    const res = await (await c.events(ctx.placement)).send(new PutTargetsCommand({ Rule: str(cfg.rule), EventBusName: str(cfg.event_bus_name) ?? "default", Targets: [target] }));
    if ((res.FailedEntryCount ?? 0) > 0) throw new ProvisionError(`${ctx.where}: PutTargets failed: ${JSON.stringify(res.FailedEntries)}`);
  });
};

/** Plans the stand-in queue of a Lambda target and returns the queue's ARN, the target's local destination. */
function standInQueueArn(ctx: PlanContext, cfg: JsonObject, lambda: TfResource, arn: string): string {
  const p = ctx.placement;
  const lcfg = ctx.resolver.config(lambda);
  const functionName = str(lcfg.function_name) ?? lambda.name;
  const invoke = ctx.invokeConfigs.map((i) => ({ i, c: ctx.resolver.config(i) })).find((x) => str(x.c.function_name) === functionName || str(x.c.function_name) === arn);
  const onFailure = invoke ? str(block(block(invoke.c.destination_config)?.on_failure)?.destination) : undefined;
  const env = (first(block(lcfg.environment)?.variables) ?? {}) as JsonObject;
  const queueName = `fleet-local-lambda-${functionName}`.slice(0, 80);
  const busArn = `arn:aws:events:${p.region}:${p.account}:event-bus/${str(cfg.event_bus_name) ?? "default"}`;
  const from = ctx.forwardersOf(busArn);
  const standIn: LambdaStandIn = {
    stack: ctx.stack.id,
    functionName,
    placement: p,
    queueName,
    queueUrl: "",
    environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, str(v) ?? ""])),
    maximumRetryAttempts: invoke && typeof invoke.c.maximum_retry_attempts === "number" ? invoke.c.maximum_retry_attempts : 2,
    ...(onFailure ? { onFailureQueueArn: onFailure } : {}),
    ...(from.length === 1 ? { forwardedFrom: from[0] } : {}),
    ruleAddress: `${ctx.stack.id} ${str(cfg.rule)}`,
  };
  ctx.addStandIn(standIn);
  ctx.step(0, async (c) => {
    standIn.queueUrl = (await (await c.sqs(p)).send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl ?? "";
  });
  return `arn:aws:sqs:${p.region}:${p.account}:${queueName}`;
}
