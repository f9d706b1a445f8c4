/**
 * The bundled deployer's health bake against moto's CloudWatch: alarms created with PutMetricAlarm in the
 * tenant's account, their state set with SetAlarmState while the deployer bakes. Bakes are seconds long
 * with a fast poll (the variables the tenant stack sets, plus the poll interval tests may shorten).
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { statusKey } from "../../core/keys";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";
import { removeDir, tempDir } from "../helpers/fs";
import { APP, clients, createCentralBucket, deployedVersion, deployerEnv, ensureDeployerBundle, markerCommand, publishArtifact, stackFile, startDeployer, statusHistory, writeRelease, zipWithCli, type Clients } from "./fixtures";

const REGION = "eu-west-1";

describeWithMoto("deployer health bake (bundled, against moto's CloudWatch)", () => {
  let moto: Moto;
  let aws: Clients;
  let cloudwatch: CloudWatchClient;
  let work: string;

  beforeAll(async () => {
    ensureDeployerBundle();
    moto = await startMoto({ region: REGION });
    aws = clients(moto);
    cloudwatch = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    await createCentralBucket(aws.s3, REGION);
    work = tempDir("fleet-health-test-");
  });

  afterAll(async () => {
    aws?.s3.destroy();
    aws?.ssm.destroy();
    cloudwatch?.destroy();
    await moto?.stop();
    removeDir(work);
  });

  async function alarm(name: string): Promise<void> {
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: "Fleet/Test",
        MetricName: "Errors",
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: "GreaterThanThreshold",
      }),
    );
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: "OK", StateReason: "test start" }));
  }

  /** Releases 1.0.0 to `env` and runs the deployer with the given health variables; `onBake` runs once the bake started. */
  async function deployWithHealth(env: string, health: Record<string, string>, onBake?: () => Promise<void>) {
    const zip = zipWithCli({ [stackFile(env)]: "{}\n" });
    const p = await writeRelease(aws.s3, { env, version: "1.0.0", sha256: await publishArtifact(aws.s3, "1.0.0", zip) });
    let fired = false;
    const pending: Promise<void>[] = [];
    const { done } = startDeployer(
      deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(join(work, `${env}.marker`)), FLEET_HEALTH_POLL_SECONDS: "0.2", ...health }),
      (soFar: string, _child: ChildProcess) => {
        if (!fired && onBake && soFar.includes("→ bake")) {
          fired = true;
          pending.push(onBake());
        }
      },
    );
    const run = await done;
    await Promise.all(pending);
    const history = await statusHistory(aws.s3, statusKey(env, APP, p.release.releaseId));
    return { run, last: history[history.length - 1], fired };
  }

  it("records succeeded when every alarm stays OK for the whole bake", async () => {
    // Prepare
    await alarm("healthy-api-5xx");
    // Act
    const { run, last } = await deployWithHealth("healthy", { FLEET_HEALTH_ALARMS: '["healthy-api-5xx"]', FLEET_HEALTH_BAKE_MINUTES: "0.02" });
    // Assess
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('→ bake 0.02 min watching "healthy-api-5xx"');
    expect(run.stdout).toMatch(/✔ deploy healthy 1\.0\.0: applied release .*; 1 alarm clear for the 0\.02 min bake \(\d+ looks\)/);
    expect(last).toMatchObject({ phase: "finished", result: "succeeded" });
  });

  it("records failed naming the alarm when it goes to ALARM during the bake (the version stays deployed)", async () => {
    // Prepare
    await alarm("sick-api-5xx");
    await alarm("sick-latency");
    // Act: the alarm fires once the deployer says it is baking
    const fire = () => cloudwatch.send(new SetAlarmStateCommand({ AlarmName: "sick-api-5xx", StateValue: "ALARM", StateReason: "Threshold Crossed: errors 9 > 5" })).then(() => undefined);
    const { run, last, fired } = await deployWithHealth("sick", { FLEET_HEALTH_ALARMS: '["sick-latency","sick-api-5xx"]', FLEET_HEALTH_BAKE_MINUTES: "0.5" }, fire);
    // Assess
    expect(fired).toBe(true);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^✖ deploy sick 1\.0\.0: applied, but unhealthy: alarm "sick-api-5xx" \(Threshold Crossed: errors 9 > 5\) in ALARM [\d.]+ min into the 0\.5 min bake$/);
    expect(last).toMatchObject({ phase: "finished", result: "failed" });
    expect(last?.error).toContain('alarm "sick-api-5xx"');
    expect(await deployedVersion(aws.ssm, "sick")).toBe("1.0.0");
  });

  it("records failed when a watched alarm does not exist", async () => {
    // Act
    const { run, last } = await deployWithHealth("typo", { FLEET_HEALTH_ALARMS: '["no-such-alarm"]', FLEET_HEALTH_BAKE_MINUTES: "1" });
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('health alarm "no-such-alarm" not found in this account and region');
    expect(last).toMatchObject({ phase: "finished", result: "failed" });
  });

  it("refuses to start with a malformed health variable, naming it", async () => {
    // Act
    const { run } = await deployWithHealth("badvar", { FLEET_HEALTH_ALARMS: "api-5xx" });
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('FLEET_HEALTH_ALARMS is not a JSON list of at most 100 CloudWatch alarm names: "api-5xx"');
  });
});
