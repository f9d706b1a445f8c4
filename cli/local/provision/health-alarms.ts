/**
 * The environments' health alarms in the local AWS. In AWS the application (its workload stack) owns
 * them; locally nothing else creates them, so the local world does: one metric alarm per name, in the
 * environment's own account and region, in state OK. Scenarios set them to ALARM to make a tenant unhealthy.
 */
import { PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import type { FleetConfig } from "../../../core/config/schema";
import type { Clients } from "./clients";

/** Creates every environment's health alarms; returns how many. */
export async function createHealthAlarms(config: Pick<FleetConfig, "environments">, clients: Pick<Clients, "cloudwatch">): Promise<number> {
  let count = 0;
  for (const e of config.environments) {
    const names = e.health?.alarms ?? [];
    if (names.length === 0) continue;
    const cw = await clients.cloudwatch({ account: e.accountId, region: e.region });
    for (const AlarmName of names) {
      await cw.send(
        new PutMetricAlarmCommand({ AlarmName, Namespace: "Fleet/Local", MetricName: "Errors", Dimensions: [{ Name: "Environment", Value: e.name }], Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold" }),
      );
      await cw.send(new SetAlarmStateCommand({ AlarmName, StateValue: "OK", StateReason: "created by the local run" }));
      count++;
    }
  }
  return count;
}
