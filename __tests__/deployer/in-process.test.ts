/**
 * deploy() run in this process with the deployer's real adapters: the central bucket and the deployed-version
 * parameter on a moto server, the real extraction, the real apply runner (child processes of node, or the
 * real terraform), CloudWatch alarms on moto for the health bake. What a user sees is asserted: the build
 * log, the status records, the deployed version, what the apply command was given.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { statusKey } from "../../core/keys";
import { runApply } from "../../deployer/apply";
import { readDeployerConfig, type DeployerConfig } from "../../deployer/config";
import { deploy, type DeployPorts } from "../../deployer/deploy";
import { extractArchive } from "../../deployer/extract";
import { CloudWatchAlarms } from "../../deployer/health";
import { CentralBucket } from "../../deployer/s3-store";
import { DeployedVersionParameter } from "../../deployer/ssm-store";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";
import { removeDir, tempDir } from "../helpers/fs";
import { describeWithTerraform } from "../helpers/terraform";
import {
  APP,
  BUCKET,
  clients,
  createCentralBucket,
  deployedVersion,
  deployerEnv,
  markerCommand,
  publishArtifact,
  setDeployedVersion,
  stackFile,
  statusHistory,
  writeRelease,
  zipWithCli,
  type Clients,
  type Published,
} from "./fixtures";

const node = (script: string, ...args: string[]) => JSON.stringify([process.execPath, "-e", script, ...args]);

describeWithMoto("deploy() in process, with the real adapters against moto", () => {
  let moto: Moto;
  let aws: Clients;
  let cloudwatch: CloudWatchClient;
  let dir: string;

  beforeAll(async () => {
    moto = await startMoto();
    aws = clients(moto);
    cloudwatch = new CloudWatchClient({ endpoint: moto.endpoint, region: moto.env.AWS_REGION ?? "eu-west-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    await createCentralBucket(aws.s3, moto.env.AWS_REGION ?? "eu-west-1");
    dir = tempDir("fleet-deploy-inproc-");
  });

  afterAll(async () => {
    aws?.s3.destroy();
    aws?.ssm.destroy();
    cloudwatch?.destroy();
    await moto?.stop();
    removeDir(dir);
  });

  /** Publishes `version` (a workload stack for `env` in the zip) and releases it. */
  async function release(env: string, version: string, opts: { overrides?: Parameters<typeof writeRelease>[1]["overrides"]; files?: Record<string, string> } = {}): Promise<Published> {
    const zip = zipWithCli(opts.files ?? { [stackFile(env)]: '{"resource":{}}\n' });
    const sha256 = await publishArtifact(aws.s3, version, zip);
    return writeRelease(aws.s3, { env, version, sha256, ...(opts.overrides ? { overrides: opts.overrides } : {}) });
  }

  function configOf(env: string, p: Published, extra: Record<string, string> = {}): DeployerConfig {
    return readDeployerConfig(deployerEnv(moto, env, p, extra));
  }

  /** The ports index.ts wires, on moto; `log` collects the build log. */
  function portsOf(config: DeployerConfig, overrides: Partial<DeployPorts> = {}) {
    const log = { out: [] as string[], err: [] as string[] };
    const ports: DeployPorts = {
      bucket: new CentralBucket(aws.s3, BUCKET),
      deployedVersion: new DeployedVersionParameter(aws.ssm, config.deployedVersionParameter),
      extract: extractArchive,
      apply: runApply,
      out: (line) => log.out.push(line),
      err: (line) => log.err.push(line),
      now: () => new Date(),
      processEnv: { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: "1" },
      ...overrides,
    };
    return { ports, log };
  }

  /** A work directory, made as index.ts makes it before the deploy. */
  function workIn(name: string): string {
    const path = join(dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  const history = (env: string, p: Published) => statusHistory(aws.s3, statusKey(env, APP, p.release.releaseId));

  it("applies a verified release: the apply gets the stack directory, the version is recorded, started → applying → succeeded", async () => {
    // Prepare
    const env = "inproc-ok";
    const marker = join(dir, "ok.marker");
    const p = await release(env, "1.4.0");
    const config = configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    const { ports, log } = portsOf(config);
    const workDir = workIn("ok-work");
    // Act
    const outcome = await deploy(config, workDir, ports);
    // Assess
    expect(outcome).toEqual({ result: "succeeded", exitCode: 0, message: `applied release ${p.release.releaseId}; /fleet/${env}/${APP}/deployed-version = 1.4.0` });
    expect(readFileSync(marker, "utf8")).toBe(`${join(workDir, `release-${p.release.releaseId}`, "cdktf.out", "stacks", `workload-${env}`)}\n1.4.0`);
    expect(await deployedVersion(aws.ssm, env)).toBe("1.4.0");
    expect((await history(env, p)).map((s) => `${s.phase}/${s.result}`)).toEqual(["started/in-progress", "applying/in-progress", "finished/succeeded"]);
    expect(log.out).toContain(`  ${APP} 1.4.0 requested by test: test release`);
    expect(log.out.at(-1)).toBe(`✔ deploy ${env} 1.4.0: ${outcome.message}`);
    expect(log.err).toEqual([]);
  });

  it("a second build of a succeeded release changes nothing and says so", async () => {
    // Prepare
    const env = "inproc-dup";
    const marker = join(dir, "dup.marker");
    const p = await release(env, "1.0.0");
    const config = configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    expect((await deploy(config, workIn("dup-work"), portsOf(config).ports)).result).toBe("succeeded");
    rmSync(marker);
    // Act
    const { ports, log } = portsOf(config);
    const again = await deploy(config, join(dir, "dup-work2"), ports);
    // Assess
    expect(again.result).toBe("skipped");
    expect(again.exitCode).toBe(0);
    expect(log.out[0]).toMatch(/already succeeded \(build .*\); this duplicate build changes nothing/);
    expect(existsSync(marker)).toBe(false);
  });

  it("records 'failed' with the apply's error line, keeps the deployed version and removes the release's files", async () => {
    // Prepare
    const env = "inproc-fail";
    await setDeployedVersion(aws.ssm, env, "1.0.0");
    const p = await release(env, "1.1.0");
    const config = configOf(env, p, { FLEET_APPLY_COMMAND: node("console.log('Planning...'); console.error('│ Error: creating Lambda function: AccessDenied'); process.exit(3)") });
    const { ports, log } = portsOf(config);
    const workDir = workIn("fail-work");
    // Act
    const outcome = await deploy(config, workDir, ports);
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.exitCode).toBe(1);
    expect(outcome.message).toBe("node -e failed (exit 3): Error: creating Lambda function: AccessDenied");
    expect(log.out).toContain("Planning...");
    expect(log.err).toEqual([`✖ deploy ${env} 1.1.0: ${outcome.message}`]);
    expect(await deployedVersion(aws.ssm, env)).toBe("1.0.0");
    expect((await history(env, p)).at(-1)).toMatchObject({ phase: "finished", result: "failed", error: outcome.message });
    expect(existsSync(join(workDir, `release-${p.release.releaseId}`))).toBe(false);
    expect(existsSync(join(workDir, `${APP}-1.1.0-${p.release.releaseId}.zip`))).toBe(false);
  });

  it("an apply command that cannot be started fails naming the program and the cause", async () => {
    // Prepare
    const env = "inproc-nobin";
    const p = await release(env, "1.0.0");
    const config = configOf(env, p, { FLEET_APPLY_COMMAND: JSON.stringify([join(dir, "no-such-terraform"), "apply"]) });
    // Act
    const outcome = await deploy(config, workIn("nobin-work"), portsOf(config).ports);
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toMatch(/^could not run no-such-terraform apply: spawn .*no-such-terraform ENOENT$/);
    expect(await deployedVersion(aws.ssm, env)).toBeUndefined();
  });

  it("when the build is stopped mid-apply, the apply gets SIGINT and the deploy is recorded as failed, naming its last line", async () => {
    // Prepare
    const env = "inproc-stop";
    const got = join(dir, "stop.signal");
    const p = await release(env, "1.0.0");
    const script = "process.on('SIGINT', () => { require('fs').writeFileSync(process.argv[1], 'SIGINT'); console.log('Interrupt received. Gracefully shutting down...'); process.exit(130); }); console.log('apply running'); setTimeout(() => {}, 30000);";
    const config = configOf(env, p, { FLEET_APPLY_COMMAND: node(script, got) });
    const stop = new AbortController();
    const { ports, log } = portsOf(config, { signal: stop.signal });
    const watched: DeployPorts = { ...ports, out: (line) => (ports.out(line), line === "apply running" ? stop.abort() : undefined) };
    // Act
    const outcome = await deploy(config, workIn("stop-work"), watched);
    // Assess
    expect(readFileSync(got, "utf8")).toBe("SIGINT");
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toBe("node -e interrupted: the build is being stopped (sent SIGINT so terraform releases its lock); last line: Interrupt received. Gracefully shutting down...");
    expect(log.err).toHaveLength(1);
    expect(await deployedVersion(aws.ssm, env)).toBeUndefined();
  });

  it("a build stopped before the apply applies nothing", async () => {
    // Prepare
    const env = "inproc-prestop";
    const marker = join(dir, "prestop.marker");
    const p = await release(env, "1.0.0");
    const config = configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    const stop = new AbortController();
    stop.abort();
    // Act
    const outcome = await deploy(config, workIn("prestop-work"), portsOf(config, { signal: stop.signal }).ports);
    // Assess
    expect(outcome).toMatchObject({ result: "failed", message: "stopped before the apply (the build is being stopped); nothing applied" });
    expect(existsSync(marker)).toBe(false);
  });

  it("a decommissioning release runs while on hold, tells the command it destroys, and records that nothing is deployed", async () => {
    // Prepare
    const env = "inproc-destroy";
    const marker = join(dir, "destroy.marker");
    await setDeployedVersion(aws.ssm, env, "2.0.0");
    const p = await release(env, "2.0.0", { overrides: { action: "destroy" } });
    const config = configOf(env, p, { FLEET_HOLD: "true", FLEET_APPLY_COMMAND: node("require('fs').writeFileSync(process.argv[1], process.env.FLEET_ACTION)", marker) });
    const { ports, log } = portsOf(config);
    // Act
    const outcome = await deploy(config, workIn("destroy-work"), ports);
    // Assess
    expect(outcome).toMatchObject({ result: "succeeded", message: `destroyed the workload of 2.0.0 (release ${p.release.releaseId}); /fleet/${env}/${APP}/deployed-version = 0.0.0` });
    expect(readFileSync(marker, "utf8")).toBe("destroy");
    expect(log.out).toContain(`→ destroy cdktf.out/stacks/workload-${env}`);
    expect(await deployedVersion(aws.ssm, env)).toBe("0.0.0");
  });

  it("on hold, a deploy release is skipped with exit 0 and nothing applied", async () => {
    // Prepare
    const env = "inproc-hold";
    const marker = join(dir, "hold.marker");
    const p = await release(env, "1.0.0");
    const config = configOf(env, p, { FLEET_HOLD: "true", FLEET_APPLY_COMMAND: markerCommand(marker) });
    const { ports, log } = portsOf(config);
    // Act
    const outcome = await deploy(config, workIn("hold-work"), ports);
    // Assess
    expect(outcome).toEqual({ result: "skipped", exitCode: 0, message: "environment on hold (FLEET_HOLD=true)" });
    expect(log.out.at(-1)).toBe(`↷ deploy ${env} 1.0.0: skipped: environment on hold (FLEET_HOLD=true)`);
    expect((await history(env, p)).at(-1)).toMatchObject({ phase: "finished", result: "skipped", error: "environment on hold (FLEET_HOLD=true)" });
    expect(existsSync(marker)).toBe(false);
  });

  it("skips a release superseded by a later valid one, after saying which later keys it ignored", async () => {
    // Prepare
    const env = "inproc-later";
    const marker = join(dir, "later.marker");
    const p = await release(env, "1.0.0");
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    const garbageKey = `releases/${env}/${APP}/1.0.1/20991231T000000Z-deadbeef.json`;
    await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: garbageKey, Body: "not json" }));
    const later = await release(env, "1.0.2");
    const config = configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    const { ports, log } = portsOf(config);
    // Act
    const outcome = await deploy(config, workIn("later-work"), ports);
    // Assess
    expect(outcome).toMatchObject({ result: "skipped", message: `superseded by ${later.release.releaseId}` });
    expect(log.out.some((l) => l.startsWith(`  ignoring s3://${BUCKET}/${garbageKey}: it cannot supersede this release`))).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses a downgrade before downloading anything", async () => {
    // Prepare
    const env = "inproc-down";
    await setDeployedVersion(aws.ssm, env, "3.0.0");
    const p = await release(env, "2.0.0");
    const config = configOf(env, p);
    const { ports, log } = portsOf(config);
    // Act
    const outcome = await deploy(config, workIn("down-work"), ports);
    // Assess
    expect(outcome.result).toBe("refused");
    expect(outcome.exitCode).toBe(1);
    expect(outcome.message).toContain("3.0.0");
    expect(log.out).toContain(`→ deployed version (/fleet/${env}/${APP}/deployed-version): 3.0.0`);
    expect(log.out.some((l) => l.startsWith("→ download"))).toBe(false);
    expect(await deployedVersion(aws.ssm, env)).toBe("3.0.0");
  });

  it("refuses an artifact whose manifest names another checksum", async () => {
    // Prepare
    const env = "inproc-sum";
    const p = await release(env, "1.0.0");
    await publishArtifact(aws.s3, "1.0.0", zipWithCli({ [stackFile(env)]: '{"resource":{"other":{}}}\n' }));
    const config = configOf(env, p);
    // Act
    const outcome = await deploy(config, workIn("sum-work"), portsOf(config).ports);
    // Assess
    expect(outcome.result).toBe("refused");
    expect(outcome.message).toMatch(/checksum mismatch/);
  });

  it("refuses an artifact without this environment's workload stack, naming the path it looked for", async () => {
    // Prepare
    const env = "inproc-nostack";
    const p = await release(env, "1.0.0", { files: { [stackFile("other")]: "{}\n" } });
    const config = configOf(env, p);
    // Act
    const outcome = await deploy(config, workIn("nostack-work"), portsOf(config).ports);
    // Assess
    expect(outcome).toMatchObject({ result: "refused", message: `the artifact has no cdktf.out/stacks/workload-${env} (was it synthesized with this environment?)` });
  });

  it("a higher version recorded by an overlapping release during the apply wins; this one is reported as failed", async () => {
    // Prepare
    const env = "inproc-overlap";
    const p = await release(env, "1.0.0");
    const config = configOf(env, p, { FLEET_APPLY_COMMAND: node("") });
    const apply: DeployPorts["apply"] = async (plan, writeLine) => {
      const applied = await runApply(plan, writeLine);
      await setDeployedVersion(aws.ssm, env, "1.5.0");
      return applied;
    };
    // Act
    const outcome = await deploy(config, workIn("overlap-work"), portsOf(config, { apply }).ports);
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toBe(`applied 1.0.0, but 1.5.0 was recorded meanwhile by an overlapping release; /fleet/${env}/${APP}/deployed-version stays at 1.5.0 (release 1.5.0 again to be sure it is what runs)`);
    expect(await deployedVersion(aws.ssm, env)).toBe("1.5.0");
  });

  it("applies nothing when the start cannot be recorded", async () => {
    // Prepare
    const env = "inproc-nostart";
    const marker = join(dir, "nostart.marker");
    const p = await release(env, "1.0.0");
    const config = configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    const { ports, log } = portsOf(config, { bucket: new CentralBucket(aws.s3, "no-such-bucket") });
    // Act
    const outcome = await deploy(config, workIn("nostart-work"), ports);
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toMatch(/^could not record the start, nothing applied: could not write status s3:\/\/no-such-bucket\/.*NoSuchBucket/);
    expect(log.err).toHaveLength(1);
    expect(existsSync(marker)).toBe(false);
  });

  describe("the health bake, with the alarms on moto's CloudWatch", () => {
    const ALARM = "payments-api-5xx";

    beforeAll(async () => {
      await cloudwatch.send(
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
      await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "OK", StateReason: "quiet" }));
      const p = await release(env, "1.0.0");
      const config = { ...configOf(env, p, { FLEET_APPLY_COMMAND: node("") }), health: { alarms: [ALARM], bakeMinutes: 2, pollSeconds: 60 } };
      const clock = bakeClock(() => Promise.resolve());
      const { ports, log } = portsOf(config, { now: clock.now, health: { alarms: new CloudWatchAlarms(cloudwatch), sleep: clock.sleep } });
      // Act
      const outcome = await deploy(config, workIn("healthy-work"), ports);
      // Assess
      expect(outcome.result).toBe("succeeded");
      expect(outcome.message).toMatch(/; 1 alarm clear for the .* bake \(3 looks\)$/);
      expect(log.out).toContain(`→ bake 2 min watching "${ALARM}"`);
    });

    it("fails naming the alarm that went to ALARM during the bake; the version stays deployed", async () => {
      // Prepare
      const env = "inproc-unhealthy";
      await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "OK", StateReason: "quiet" }));
      const p = await release(env, "1.0.0");
      const config = { ...configOf(env, p, { FLEET_APPLY_COMMAND: node("") }), health: { alarms: [ALARM], bakeMinutes: 5, pollSeconds: 60 } };
      const clock = bakeClock(async (n) => {
        if (n === 2) await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "ALARM", StateReason: "5xx above 1" }));
      });
      const { ports } = portsOf(config, { now: clock.now, health: { alarms: new CloudWatchAlarms(cloudwatch), sleep: clock.sleep } });
      // Act
      const outcome = await deploy(config, workIn("unhealthy-work"), ports);
      // Assess
      expect(outcome.result).toBe("failed");
      expect(outcome.message).toMatch(new RegExp(`^applied, but unhealthy: alarm "${ALARM}".* in ALARM 2 min into the 5 min bake`));
      expect(await deployedVersion(aws.ssm, env)).toBe("1.0.0");
    });

    it("fails when the environment has a health gate but nothing can read its alarms", async () => {
      // Prepare
      const env = "inproc-noreader";
      const p = await release(env, "1.0.0");
      const config = { ...configOf(env, p, { FLEET_APPLY_COMMAND: node("") }), health: { alarms: [ALARM], bakeMinutes: 1, pollSeconds: 60 } };
      // Act
      const outcome = await deploy(config, workIn("noreader-work"), portsOf(config).ports);
      // Assess
      expect(outcome).toMatchObject({ result: "failed", message: "applied, but no alarm reader was given for the health bake" });
    });
  });

  describeWithTerraform("with the real terraform and its default commands", () => {
    function stack(statePath: string, version: string): string {
      return JSON.stringify({
        terraform: { backend: { local: { path: statePath } } },
        resource: { terraform_data: { release: { input: { version } } } },
      });
    }

    it("applies a release with init + apply, then a decommissioning release destroys what it made", async () => {
      // Prepare
      const env = "inproc-tf";
      const statePath = join(dir, "inproc-tf.tfstate");
      const p = await release(env, "2.0.0", { files: { [stackFile(env)]: stack(statePath, "2.0.0") } });
      const config = configOf(env, p);
      const { ports, log } = portsOf(config);
      const applied = await deploy(config, workIn("tf-work"), ports);
      expect(applied.result).toBe("succeeded");
      expect(log.out).toContain("$ terraform apply -auto-approve -input=false -no-color -lock-timeout=5m");
      const resources = () => (JSON.parse(readFileSync(statePath, "utf8")) as { resources: { type: string }[] }).resources.map((r) => r.type);
      expect(resources()).toEqual(["terraform_data"]);
      const d = await writeRelease(aws.s3, { env, version: "2.0.0", sha256: p.release.artifactSha256, overrides: { action: "destroy" } });
      const destroyConfig = configOf(env, d);
      const destroyPorts = portsOf(destroyConfig);
      // Act
      const destroyed = await deploy(destroyConfig, workIn("tf-destroy-work"), destroyPorts.ports);
      // Assess
      expect(destroyed.result).toBe("succeeded");
      expect(destroyPorts.log.out).toContain("$ terraform destroy -auto-approve -input=false -no-color -lock-timeout=5m");
      expect(destroyPorts.log.out).toContain("Destroy complete! Resources: 1 destroyed.");
      expect(resources()).toEqual([]);
      expect(await deployedVersion(aws.ssm, env)).toBe("0.0.0");
    });
  });
});

describe("runApply", () => {
  const plan = (commands: string[][], signal?: AbortSignal) => ({ commands, cwd: process.cwd(), env: { PATH: process.env.PATH }, ...(signal ? { signal } : {}) });

  it("stops at the first command that fails; later commands never start", async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const outcome = await runApply(plan([[process.execPath, "-e", "console.log('first'); process.exit(2)"], [process.execPath, "-e", "console.log('second')"]]), (l) => lines.push(l));
    // Assess
    expect(outcome).toEqual({ ok: false, reason: "node -e failed (exit 2): first" });
    expect(lines).toEqual([`$ ${process.execPath} -e console.log('first'); process.exit(2)`, "first"]);
  });

  it("names the signal that killed the command", async () => {
    // Act
    const outcome = await runApply(plan([[process.execPath, "-e", "process.kill(process.pid, 'SIGKILL')"]]), () => undefined);
    // Assess
    expect(outcome).toEqual({ ok: false, reason: "node -e failed (killed by SIGKILL)" });
  });

  it("starts no command once the build is being stopped", async () => {
    // Prepare
    const stop = new AbortController();
    stop.abort();
    const lines: string[] = [];
    // Act
    const outcome = await runApply(plan([["/opt/bin/terraform", "init"]], stop.signal), (l) => lines.push(l));
    // Assess
    expect(outcome).toEqual({ ok: false, reason: "stopped before terraform init (the build is being stopped)" });
    expect(lines).toEqual([]);
  });
});
