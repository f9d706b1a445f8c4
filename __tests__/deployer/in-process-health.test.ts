/**
 * deploy() run in this process with the health bake watching alarms on moto's CloudWatch (see
 * in-process-kit.ts); the bake's clock moves only when it waits, so a bake of minutes takes a moment.
 */
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { deploy } from "../../deployer/deploy";
import { CloudWatchAlarms, sleep } from "../../deployer/health";
import { describeWithMoto, freePort } from "../helpers/moto";
import { deployedVersion } from "./fixtures";
import { inProcessDeploys, nodeCommand } from "./in-process-kit";

describeWithMoto("deploy() in process: the health bake, with the alarms on moto's CloudWatch", () => {
  const kit = inProcessDeploys();
  const ALARM = "payments-api-5xx";

  beforeAll(async () => {
    await kit.cloudwatch().send(
      new PutMetricAlarmCommand({ AlarmName: ALARM, MetricName: "5XXError", Namespace: "AWS/ApiGateway", Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold" }),
    );
  });

  /** A clock that moves only when the bake sleeps; `onSleep` runs at each wait. */
  function bakeClock(onSleep: (n: number) => Promise<void>) {
    let t = Date.parse("2026-11-30T12:00:00Z");
    let n = 0;
    return {
      now: () => new Date(t),
      sleep: async (ms: number) => {
        t += ms;
        n += 1;
        await onSleep(n);
      },
    };
  }

  it("succeeds when the alarm stays OK for the whole bake", async () => {
    // Prepare
    const env = "inproc-healthy";
    await kit.cloudwatch().send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "OK", StateReason: "quiet" }));
    const p = await kit.release(env, "1.0.0");
    const config = { ...kit.configOf(env, p, { FLEET_APPLY_COMMAND: nodeCommand("") }), health: { alarms: [ALARM], bakeMinutes: 2, pollSeconds: 60 } };
    const clock = bakeClock(() => Promise.resolve());
    const { ports, log } = kit.portsOf(config, { now: clock.now, health: { alarms: new CloudWatchAlarms(kit.cloudwatch()), sleep: clock.sleep } });
    // Act
    const outcome = await deploy(config, kit.workIn("healthy-work"), ports);
    // Assess
    expect(outcome.result).toBe("succeeded");
    expect(outcome.message).toMatch(/; 1 alarm clear for the .* bake \(3 looks\)$/);
    expect(log.out).toContain(`→ bake 2 min watching "${ALARM}"`);
  });

  it("fails naming the alarm that went to ALARM during the bake; the version stays deployed", async () => {
    // Prepare
    const env = "inproc-unhealthy";
    await kit.cloudwatch().send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "OK", StateReason: "quiet" }));
    const p = await kit.release(env, "1.0.0");
    const config = { ...kit.configOf(env, p, { FLEET_APPLY_COMMAND: nodeCommand("") }), health: { alarms: [ALARM], bakeMinutes: 5, pollSeconds: 60 } };
    const clock = bakeClock(async (n) => {
      if (n === 2) await kit.cloudwatch().send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "ALARM", StateReason: "5xx above 1" }));
    });
    const { ports } = kit.portsOf(config, { now: clock.now, health: { alarms: new CloudWatchAlarms(kit.cloudwatch()), sleep: clock.sleep } });
    // Act
    const outcome = await deploy(config, kit.workIn("unhealthy-work"), ports);
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toMatch(new RegExp(`^applied, but unhealthy: alarm "${ALARM}".* in ALARM 2 min into the 5 min bake`));
    expect(await deployedVersion(kit.aws().ssm, env)).toBe("1.0.0");
  });

  it("fails when the environment has a health gate but nothing can read its alarms", async () => {
    // Prepare
    const env = "inproc-noreader";
    const p = await kit.release(env, "1.0.0");
    const config = { ...kit.configOf(env, p, { FLEET_APPLY_COMMAND: nodeCommand("") }), health: { alarms: [ALARM], bakeMinutes: 1, pollSeconds: 60 } };
    // Act
    const outcome = await deploy(config, kit.workIn("noreader-work"), kit.portsOf(config).ports);
    // Assess
    expect(outcome).toMatchObject({ result: "failed", message: "applied, but no alarm reader was given for the health bake" });
  });

  it("fails when the alarms cannot be read, saying so", async () => {
    // Prepare: a CloudWatch that does not answer
    const env = "inproc-unreadable";
    const p = await kit.release(env, "1.0.0");
    const config = { ...kit.configOf(env, p, { FLEET_APPLY_COMMAND: nodeCommand("") }), health: { alarms: [ALARM], bakeMinutes: 1, pollSeconds: 60 } };
    const deaf = new CloudWatchClient({ endpoint: `http://127.0.0.1:${await freePort()}`, region: "eu-west-1", maxAttempts: 1, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const { ports } = kit.portsOf(config, { health: { alarms: new CloudWatchAlarms(deaf), sleep: () => Promise.resolve() } });
    // Act
    const outcome = await deploy(config, kit.workIn("unreadable-work"), ports);
    deaf.destroy();
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toMatch(/^applied, but the health alarms could not be read: .*ECONNREFUSED/);
    expect(await deployedVersion(kit.aws().ssm, env)).toBe("1.0.0");
  });

  it("a build stopped during the bake ends it as failed without waiting it out", async () => {
    // Prepare
    const env = "inproc-bakestop";
    await kit.cloudwatch().send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "OK", StateReason: "quiet" }));
    const p = await kit.release(env, "1.0.0");
    const config = { ...kit.configOf(env, p, { FLEET_APPLY_COMMAND: nodeCommand("") }), health: { alarms: [ALARM], bakeMinutes: 30, pollSeconds: 60 } };
    const stop = new AbortController();
    const clock = bakeClock(() => Promise.resolve(stop.abort()));
    const { ports } = kit.portsOf(config, { signal: stop.signal, now: clock.now, health: { alarms: new CloudWatchAlarms(kit.cloudwatch()), sleep: clock.sleep } });
    // Act
    const outcome = await deploy(config, kit.workIn("bakestop-work"), ports);
    // Assess
    expect(outcome).toMatchObject({ result: "failed", message: "applied, but stopped during the health bake (the build is being stopped)" });
  });
});

describe("the bake's sleep", () => {
  it("ends early when the build is being stopped, and at once when it already is", async () => {
    // Prepare
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 20);
    // Act: a ten-minute wait that the abort ends; a test timeout if it did not
    await sleep(600_000, stop.signal);
    await sleep(600_000, stop.signal);
    clearTimeout(timer);
    // Assess
    expect(stop.signal.aborted).toBe(true);
  });

  it("waits the time it is given", async () => {
    // Prepare
    const before = Date.now();
    // Act
    await sleep(30);
    // Assess
    expect(Date.now() - before).toBeGreaterThanOrEqual(25);
  });
});
