/**
 * The local world's health alarms: each environment's alarms exist in its own account and region of the
 * local AWS, in state OK, and nowhere else (a tenant's deployer reads only its own account).
 */
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { Environment } from "../../core/config/schema";
import { startLocalAws, type LocalAws } from "../../cli/local/moto";
import { createHealthAlarms, localClients, type Clients } from "../../cli/local/provision";
import { describeWithMoto } from "../helpers/moto";

const env = (name: string, accountId: string, alarms?: string[]): Environment => ({
  name,
  accountId,
  region: "eu-central-1",
  wave: 0,
  config: {},
  tags: {},
  hold: false,
  file: `${name}.yaml`,
  ...(alarms ? { health: { alarms, bakeMinutes: 1 } } : {}),
});

describeWithMoto("local world: the environments' health alarms", () => {
  let aws: LocalAws;
  let clients: Clients;
  beforeAll(async () => {
    aws = await startLocalAws();
    clients = localClients(aws.endpoint, (a) => aws.credentialsFor(a));
  });
  afterAll(async () => {
    clients?.destroy();
    await aws?.stop();
  });

  it("creates each environment's alarms in its own account and region, in state OK", async () => {
    // Act
    const count = await createHealthAlarms({ environments: [env("alpha", "300000000011", ["api-5xx", "latency p99"]), env("bravo", "300000000012"), env("charlie", "300000000013", ["api-5xx"])] }, clients);
    // Assess
    expect(count).toBe(3);
    const read = async (account: string) => {
      const cw = await clients.cloudwatch({ account, region: "eu-central-1" });
      const res = await cw.send(new DescribeAlarmsCommand({}));
      return (res.MetricAlarms ?? []).map((a) => [a.AlarmName, a.StateValue]).sort();
    };
    expect(await read("300000000011")).toEqual([
      ["api-5xx", "OK"],
      ["latency p99", "OK"],
    ]);
    expect(await read("300000000012")).toEqual([]);
    expect(await read("300000000013")).toEqual([["api-5xx", "OK"]]);
  }, 60_000);
});
