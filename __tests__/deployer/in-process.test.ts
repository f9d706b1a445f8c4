/**
 * deploy() run in this process with the deployer's real adapters on moto (see in-process-kit.ts): how every
 * way a deploy ends shows in the build log, the status records and the deployed version.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SSMClient } from "@aws-sdk/client-ssm";
import { statusKey } from "../../core/keys";
import { runApply } from "../../deployer/apply";
import { deploy, type DeployPorts } from "../../deployer/deploy";
import { CentralBucket } from "../../deployer/s3-store";
import { DeployedVersionParameter } from "../../deployer/ssm-store";
import { describeWithMoto, freePort } from "../helpers/moto";
import { APP, BUCKET, deployedVersion, markerCommand, setDeployedVersion } from "./fixtures";
import { inProcessDeploys, nodeCommand } from "./in-process-kit";

describeWithMoto("deploy() in process: how a deploy ends", () => {
  const kit = inProcessDeploys();

  it("applies a verified release: the apply gets the stack directory, the version is recorded, started → applying → succeeded", async () => {
    // Prepare
    const env = "inproc-ok";
    const marker = kit.path("ok.marker");
    const p = await kit.release(env, "1.4.0");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    const { ports, log } = kit.portsOf(config);
    const workDir = kit.workIn("ok-work");
    // Act
    const outcome = await deploy(config, workDir, ports);
    // Assess
    expect(outcome).toEqual({ result: "succeeded", exitCode: 0, message: `applied release ${p.release.releaseId}; /fleet/${env}/${APP}/deployed-version = 1.4.0` });
    expect(readFileSync(marker, "utf8")).toBe(`${join(workDir, `release-${p.release.releaseId}`, "cdktf.out", "stacks", `workload-${env}`)}\n1.4.0`);
    expect(await deployedVersion(kit.aws().ssm, env)).toBe("1.4.0");
    expect((await kit.history(env, p)).map((s) => `${s.phase}/${s.result}`)).toEqual(["started/in-progress", "applying/in-progress", "finished/succeeded"]);
    expect(log.out).toContain(`  ${APP} 1.4.0 requested by test: test release`);
    expect(log.out.at(-1)).toBe(`✔ deploy ${env} 1.4.0: ${outcome.message}`);
    expect(log.err).toEqual([]);
  });

  it("a second build of a succeeded release changes nothing and says so", async () => {
    // Prepare
    const env = "inproc-dup";
    const marker = kit.path("dup.marker");
    const p = await kit.release(env, "1.0.0");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    expect((await deploy(config, kit.workIn("dup-work"), kit.portsOf(config).ports)).result).toBe("succeeded");
    rmSync(marker);
    // Act
    const { ports, log } = kit.portsOf(config);
    const again = await deploy(config, kit.path("dup-work2"), ports);
    // Assess
    expect(again.result).toBe("skipped");
    expect(again.exitCode).toBe(0);
    expect(log.out[0]).toMatch(/already succeeded \(build .*\); this duplicate build changes nothing/);
    expect(existsSync(marker)).toBe(false);
  });

  it("records 'failed' with the apply's error line, keeps the deployed version and removes the release's files", async () => {
    // Prepare
    const env = "inproc-fail";
    await setDeployedVersion(kit.aws().ssm, env, "1.0.0");
    const p = await kit.release(env, "1.1.0");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: nodeCommand("console.log('Planning...'); console.error('│ Error: creating Lambda function: AccessDenied'); process.exit(3)") });
    const { ports, log } = kit.portsOf(config);
    const workDir = kit.workIn("fail-work");
    // Act
    const outcome = await deploy(config, workDir, ports);
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.exitCode).toBe(1);
    expect(outcome.message).toBe("node -e failed (exit 3): Error: creating Lambda function: AccessDenied");
    expect(log.out).toContain("Planning...");
    expect(log.err).toEqual([`✖ deploy ${env} 1.1.0: ${outcome.message}`]);
    expect(await deployedVersion(kit.aws().ssm, env)).toBe("1.0.0");
    expect((await kit.history(env, p)).at(-1)).toMatchObject({ phase: "finished", result: "failed", error: outcome.message });
    expect(existsSync(join(workDir, `release-${p.release.releaseId}`))).toBe(false);
    expect(existsSync(join(workDir, `${APP}-1.1.0-${p.release.releaseId}.zip`))).toBe(false);
  });

  it("an apply command that cannot be started fails naming the program and the cause", async () => {
    // Prepare
    const env = "inproc-nobin";
    const p = await kit.release(env, "1.0.0");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: JSON.stringify([kit.path("no-such-terraform"), "apply"]) });
    // Act
    const outcome = await deploy(config, kit.workIn("nobin-work"), kit.portsOf(config).ports);
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toMatch(/^could not run no-such-terraform apply: spawn .*no-such-terraform ENOENT$/);
    expect(await deployedVersion(kit.aws().ssm, env)).toBeUndefined();
  });

  it("when the build is stopped mid-apply, the apply gets SIGINT and the deploy is recorded as failed, naming its last line", async () => {
    // Prepare
    const env = "inproc-stop";
    const got = kit.path("stop.signal");
    const p = await kit.release(env, "1.0.0");
    const script = "process.on('SIGINT', () => { require('fs').writeFileSync(process.argv[1], 'SIGINT'); console.log('Interrupt received. Gracefully shutting down...'); process.exit(130); }); console.log('apply running'); setTimeout(() => {}, 30000);";
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: nodeCommand(script, got) });
    const stop = new AbortController();
    const { ports, log } = kit.portsOf(config, { signal: stop.signal });
    const watched: DeployPorts = { ...ports, out: (line) => (ports.out(line), line === "apply running" ? stop.abort() : undefined) };
    // Act
    const outcome = await deploy(config, kit.workIn("stop-work"), watched);
    // Assess
    expect(readFileSync(got, "utf8")).toBe("SIGINT");
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toBe("node -e interrupted: the build is being stopped (sent SIGINT so terraform releases its lock); last line: Interrupt received. Gracefully shutting down...");
    expect(log.err).toHaveLength(1);
    expect(await deployedVersion(kit.aws().ssm, env)).toBeUndefined();
  });

  it("a build stopped before the apply applies nothing", async () => {
    // Prepare
    const env = "inproc-prestop";
    const marker = kit.path("prestop.marker");
    const p = await kit.release(env, "1.0.0");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    const stop = new AbortController();
    stop.abort();
    // Act
    const outcome = await deploy(config, kit.workIn("prestop-work"), kit.portsOf(config, { signal: stop.signal }).ports);
    // Assess
    expect(outcome).toMatchObject({ result: "failed", message: "stopped before the apply (the build is being stopped); nothing applied" });
    expect(existsSync(marker)).toBe(false);
  });

  it("a higher version recorded by an overlapping release during the apply wins; this one is reported as failed", async () => {
    // Prepare
    const env = "inproc-overlap";
    const p = await kit.release(env, "1.0.0");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: nodeCommand("") });
    const apply: DeployPorts["apply"] = async (plan, writeLine) => {
      const applied = await runApply(plan, writeLine);
      await setDeployedVersion(kit.aws().ssm, env, "1.5.0");
      return applied;
    };
    // Act
    const outcome = await deploy(config, kit.workIn("overlap-work"), kit.portsOf(config, { apply }).ports);
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toBe(`applied 1.0.0, but 1.5.0 was recorded meanwhile by an overlapping release; /fleet/${env}/${APP}/deployed-version stays at 1.5.0 (release 1.5.0 again to be sure it is what runs)`);
    expect(await deployedVersion(kit.aws().ssm, env)).toBe("1.5.0");
  });

  it("applies nothing when the start cannot be recorded", async () => {
    // Prepare
    const env = "inproc-nostart";
    const marker = kit.path("nostart.marker");
    const p = await kit.release(env, "1.0.0");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    const { ports, log } = kit.portsOf(config, { bucket: new CentralBucket(kit.aws().s3, "no-such-bucket") });
    // Act
    const outcome = await deploy(config, kit.workIn("nostart-work"), ports);
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toMatch(/^could not record the start, nothing applied: could not write status s3:\/\/no-such-bucket\/.*NoSuchBucket/);
    expect(log.err).toHaveLength(1);
    expect(existsSync(marker)).toBe(false);
  });

  it("a duplicate build that fails after another build of the release succeeded leaves the success standing", async () => {
    // Prepare: while this build applies, the other build records its success; then this apply fails on the lock
    const env = "inproc-race";
    const p = await kit.release(env, "1.0.0");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: nodeCommand("console.error('Error: Error acquiring the state lock'); process.exit(1)") });
    const bucket = new CentralBucket(kit.aws().s3, BUCKET);
    const key = statusKey(env, APP, p.release.releaseId);
    const apply: DeployPorts["apply"] = async (plan, writeLine) => {
      const started = (await kit.history(env, p))[0];
      if (!started) throw new Error("no started record");
      await bucket.putStatus(key, { ...started, buildId: "other-build:1", phase: "finished", result: "succeeded", finishedAt: new Date().toISOString() });
      return runApply(plan, writeLine);
    };
    const { ports, log } = kit.portsOf(config, { apply });
    // Act
    const outcome = await deploy(config, kit.workIn("race-work"), ports);
    // Assess
    expect(outcome).toEqual({ result: "skipped", exitCode: 0, message: "already succeeded (build other-build:1); this duplicate build stopped (node -e failed (exit 1): Error: Error acquiring the state lock) and changes nothing" });
    expect(await bucket.getStatus(key)).toMatchObject({ result: "succeeded", buildId: "other-build:1" });
    expect(log.err).toEqual([]);
  });

  it("a deploy whose final record cannot be written exits 1 and says what happened", async () => {
    // Prepare: the bucket takes every record but the last
    const env = "inproc-norecord";
    const p = await kit.release(env, "1.0.0");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: nodeCommand("") });
    const real = new CentralBucket(kit.aws().s3, BUCKET);
    const bucket: DeployPorts["bucket"] = {
      bucket: real.bucket,
      getJson: (k, v) => real.getJson(k, v),
      getStored: (k, v) => real.getStored(k, v),
      getStatus: (k) => real.getStatus(k),
      listKeys: (prefix) => real.listKeys(prefix),
      download: (k, file, max) => real.download(k, file, max),
      putStatus: (k, status) => (status.phase === "finished" ? Promise.reject(new Error("AccessDenied: not allowed")) : real.putStatus(k, status)),
    };
    const { ports, log } = kit.portsOf(config, { bucket });
    // Act
    const outcome = await deploy(config, kit.workIn("norecord-work"), ports);
    // Assess
    expect(outcome).toEqual({ result: "succeeded", exitCode: 1, message: "succeeded, but the status record could not be written: AccessDenied: not allowed" });
    expect(log.err).toEqual([`✖ deploy ${env} 1.0.0: ${outcome.message}`]);
    expect(await deployedVersion(kit.aws().ssm, env)).toBe("1.0.0");
  });

  it("fails, naming the parameter, when the deployed version cannot be read; nothing is applied", async () => {
    // Prepare: an SSM that does not answer
    const env = "inproc-nossm";
    const marker = kit.path("nossm.marker");
    const p = await kit.release(env, "1.0.0");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    const deaf = new SSMClient({ endpoint: `http://127.0.0.1:${await freePort()}`, region: "eu-west-1", maxAttempts: 1, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const { ports, log } = kit.portsOf(config, { deployedVersion: new DeployedVersionParameter(deaf, config.deployedVersionParameter) });
    // Act
    const outcome = await deploy(config, kit.workIn("nossm-work"), ports);
    deaf.destroy();
    // Assess
    expect(outcome.result).toBe("failed");
    expect(outcome.message).toMatch(new RegExp(`^could not read parameter /fleet/${env}/${APP}/deployed-version: .*ECONNREFUSED`));
    expect(log.err).toEqual([`✖ deploy ${env} 1.0.0: ${outcome.message}`]);
    expect((await kit.history(env, p)).at(-1)).toMatchObject({ phase: "finished", result: "failed", error: outcome.message });
    expect(existsSync(marker)).toBe(false);
  });
});
