/** EventBridge: a bus, and a rule with its targets (ARN, role, dead-letter queue). */
import { DescribeEventBusCommand, DescribeRuleCommand, type EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import type { Probe, RuleFact } from "../facts";
import { probe } from "./probe";

const NOT_FOUND = /ResourceNotFound/;

export function busFact(events: EventBridgeClient, name: string): Promise<Probe<true>> {
  return probe(async () => ((await events.send(new DescribeEventBusCommand({ Name: name }))).Name ? (true as const) : undefined), NOT_FOUND);
}

export function ruleFact(events: EventBridgeClient, name: string, bus: string): Promise<Probe<RuleFact>> {
  return probe(async () => {
    const rule = await events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus }));
    const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: bus }))).Targets ?? [];
    return {
      enabled: rule.State === "ENABLED",
      targets: targets.map((t) => ({
        arn: t.Arn ?? "",
        ...(t.RoleArn ? { roleArn: t.RoleArn } : {}),
        ...(t.DeadLetterConfig?.Arn ? { deadLetterArn: t.DeadLetterConfig.Arn } : {}),
      })),
    };
  }, NOT_FOUND);
}
