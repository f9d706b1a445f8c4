/**
 * deploy() run in this process with the deployer's real adapters on moto (see in-process-kit.ts): the checks
 * that stop a release before anything is applied, the decommissioning release, and the real terraform.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { deploy } from "../../deployer/deploy";
import { describeWithMoto } from "../helpers/moto";
import { describeWithTerraform } from "../helpers/terraform";
import { APP, BUCKET, deployedVersion, markerCommand, publishArtifact, setDeployedVersion, stackFile, writeRelease, zipWithCli } from "./fixtures";
import { inProcessDeploys, nodeCommand } from "./in-process-kit";

describeWithMoto("deploy() in process: guards, decommissioning and the real terraform", () => {
  const kit = inProcessDeploys();

  it("a decommissioning release runs while on hold, tells the command it destroys, and records that nothing is deployed", async () => {
    // Prepare
    const env = "inproc-destroy";
    const marker = kit.path("destroy.marker");
    await setDeployedVersion(kit.aws().ssm, env, "2.0.0");
    const p = await kit.release(env, "2.0.0", { overrides: { action: "destroy" } });
    const config = kit.configOf(env, p, { FLEET_HOLD: "true", FLEET_APPLY_COMMAND: nodeCommand("require('fs').writeFileSync(process.argv[1], process.env.FLEET_ACTION)", marker) });
    const { ports, log } = kit.portsOf(config);
    // Act
    const outcome = await deploy(config, kit.workIn("destroy-work"), ports);
    // Assess
    expect(outcome).toMatchObject({ result: "succeeded", message: `destroyed the workload of 2.0.0 (release ${p.release.releaseId}); /fleet/${env}/${APP}/deployed-version = 0.0.0` });
    expect(readFileSync(marker, "utf8")).toBe("destroy");
    expect(log.out).toContain(`→ destroy cdktf.out/stacks/workload-${env}`);
    expect(await deployedVersion(kit.aws().ssm, env)).toBe("0.0.0");
  });

  it("on hold, a deploy release is skipped with exit 0 and nothing applied", async () => {
    // Prepare
    const env = "inproc-hold";
    const marker = kit.path("hold.marker");
    const p = await kit.release(env, "1.0.0");
    const config = kit.configOf(env, p, { FLEET_HOLD: "true", FLEET_APPLY_COMMAND: markerCommand(marker) });
    const { ports, log } = kit.portsOf(config);
    // Act
    const outcome = await deploy(config, kit.workIn("hold-work"), ports);
    // Assess
    expect(outcome).toEqual({ result: "skipped", exitCode: 0, message: "environment on hold (FLEET_HOLD=true)" });
    expect(log.out.at(-1)).toBe(`↷ deploy ${env} 1.0.0: skipped: environment on hold (FLEET_HOLD=true)`);
    expect((await kit.history(env, p)).at(-1)).toMatchObject({ phase: "finished", result: "skipped", error: "environment on hold (FLEET_HOLD=true)" });
    expect(existsSync(marker)).toBe(false);
  });

  it("skips a release superseded by a later valid one, after saying which later keys it ignored", async () => {
    // Prepare
    const env = "inproc-later";
    const marker = kit.path("later.marker");
    const p = await kit.release(env, "1.0.0");
    const garbageKey = `releases/${env}/${APP}/1.0.1/20991231T000000Z-deadbeef.json`;
    await kit.aws().s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: garbageKey, Body: "not json" }));
    const later = await kit.release(env, "1.0.2");
    const config = kit.configOf(env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) });
    const { ports, log } = kit.portsOf(config);
    // Act
    const outcome = await deploy(config, kit.workIn("later-work"), ports);
    // Assess
    expect(outcome).toMatchObject({ result: "skipped", message: `superseded by ${later.release.releaseId}` });
    expect(log.out.some((l) => l.startsWith(`  ignoring s3://${BUCKET}/${garbageKey}: it cannot supersede this release`))).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses a downgrade before downloading anything", async () => {
    // Prepare
    const env = "inproc-down";
    await setDeployedVersion(kit.aws().ssm, env, "3.0.0");
    const p = await kit.release(env, "2.0.0");
    const config = kit.configOf(env, p);
    const { ports, log } = kit.portsOf(config);
    // Act
    const outcome = await deploy(config, kit.workIn("down-work"), ports);
    // Assess
    expect(outcome.result).toBe("refused");
    expect(outcome.exitCode).toBe(1);
    expect(outcome.message).toContain("3.0.0");
    expect(log.out).toContain(`→ deployed version (/fleet/${env}/${APP}/deployed-version): 3.0.0`);
    expect(log.out.some((l) => l.startsWith("→ download"))).toBe(false);
    expect(await deployedVersion(kit.aws().ssm, env)).toBe("3.0.0");
  });

  it("refuses an artifact whose manifest names another checksum", async () => {
    // Prepare
    const env = "inproc-sum";
    const p = await kit.release(env, "1.0.0");
    await publishArtifact(kit.aws().s3, "1.0.0", zipWithCli({ [stackFile(env)]: '{"resource":{"other":{}}}\n' }));
    const config = kit.configOf(env, p);
    // Act
    const outcome = await deploy(config, kit.workIn("sum-work"), kit.portsOf(config).ports);
    // Assess
    expect(outcome.result).toBe("refused");
    expect(outcome.message).toMatch(/checksum mismatch/);
  });

  it("refuses an artifact without this environment's workload stack, naming the path it looked for", async () => {
    // Prepare
    const env = "inproc-nostack";
    const p = await kit.release(env, "1.0.0", { files: { [stackFile("other")]: "{}\n" } });
    const config = kit.configOf(env, p);
    // Act
    const outcome = await deploy(config, kit.workIn("nostack-work"), kit.portsOf(config).ports);
    // Assess
    expect(outcome).toMatchObject({ result: "refused", message: `the artifact has no cdktf.out/stacks/workload-${env} (was it synthesized with this environment?)` });
  });

  it("refuses a release object too large to be a record, without reading it, and releases its connection", async () => {
    // Prepare: a release key whose object is over a megabyte
    const env = "inproc-huge";
    const p = await kit.release(env, "1.0.0");
    const huge = await kit.aws().s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: p.releaseKey, Body: Buffer.alloc(1024 * 1024 + 1, 0x20) }));
    const config = kit.configOf(env, { ...p, versionId: huge.VersionId ?? "" });
    // Act
    const outcome = await deploy(config, kit.workIn("huge-work"), kit.portsOf(config).ports);
    // Assess
    expect(outcome).toMatchObject({ result: "refused", message: `s3://${BUCKET}/${p.releaseKey} (version ${huge.VersionId}) is 1048577 bytes, too large for a record` });
  });

  it("refuses an artifact larger than the archive limit, before downloading it", async () => {
    // Prepare
    const env = "inproc-big";
    const p = await kit.release(env, "1.0.0", { files: { [stackFile(env)]: "{}\n", "app/blob.txt": randomBytes(4096).toString("base64") } });
    const config = kit.configOf(env, p, { FLEET_MAX_ARCHIVE_BYTES: "1000" });
    const workDir = kit.workIn("big-work");
    // Act
    const outcome = await deploy(config, workDir, kit.portsOf(config).ports);
    // Assess
    expect(outcome.result).toBe("refused");
    expect(outcome.message).toMatch(new RegExp(`^artifact s3://${BUCKET}/artifacts/${APP}/1\\.0\\.0/.* is \\d+ bytes, more than the limit 1000$`));
    expect(readdirSync(workDir)).toEqual([]);
  });

  it("refuses a release whose artifact is missing from the bucket", async () => {
    // Prepare
    const env = "inproc-noartifact";
    const p = await writeRelease(kit.aws().s3, { env, version: "7.7.7", sha256: "a".repeat(64) });
    const config = kit.configOf(env, p);
    // Act
    const outcome = await deploy(config, kit.workIn("noartifact-work"), kit.portsOf(config).ports);
    // Assess
    expect(outcome).toMatchObject({ result: "refused", message: `artifact s3://${BUCKET}/artifacts/${APP}/7.7.7/${APP}-7.7.7.zip not found` });
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
      const statePath = kit.path("inproc-tf.tfstate");
      const p = await kit.release(env, "2.0.0", { files: { [stackFile(env)]: stack(statePath, "2.0.0") } });
      const config = kit.configOf(env, p);
      const { ports, log } = kit.portsOf(config);
      const applied = await deploy(config, kit.workIn("tf-work"), ports);
      expect(applied.result).toBe("succeeded");
      expect(log.out).toContain("$ terraform apply -auto-approve -input=false -no-color -lock-timeout=5m");
      const resources = () => (JSON.parse(readFileSync(statePath, "utf8")) as { resources: { type: string }[] }).resources.map((r) => r.type);
      expect(resources()).toEqual(["terraform_data"]);
      const d = await writeRelease(kit.aws().s3, { env, version: "2.0.0", sha256: p.release.artifactSha256, overrides: { action: "destroy" } });
      const destroyConfig = kit.configOf(env, d);
      const destroyPorts = kit.portsOf(destroyConfig);
      // Act
      const destroyed = await deploy(destroyConfig, kit.workIn("tf-destroy-work"), destroyPorts.ports);
      // Assess
      expect(destroyed.result).toBe("succeeded");
      expect(destroyPorts.log.out).toContain("$ terraform destroy -auto-approve -input=false -no-color -lock-timeout=5m");
      expect(destroyPorts.log.out).toContain("Destroy complete! Resources: 1 destroyed.");
      expect(resources()).toEqual([]);
      expect(await deployedVersion(kit.aws().ssm, env)).toBe("0.0.0");
    });
  });
});
