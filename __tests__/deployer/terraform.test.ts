/**
 * The deployer's DEFAULT apply path (`terraform init` then `terraform apply -auto-approve -lock-timeout=…`)
 * with the real terraform on a stack that uses only the builtin `terraform_data` resource and a local
 * backend (no provider download, no AWS). Skips with the reason printed when terraform is absent (a failure
 * in CI).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { statusKey } from "../../core/keys";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";
import { removeDir, tempDir } from "../helpers/fs";
import { describeWithTerraform, terraformAvailable, terraformVersionText } from "../helpers/terraform";
import { clients, createCentralBucket, deployedVersion, deployerEnv, ensureDeployerBundle, publishArtifact, runDeployer, stackFile, statusHistory, writeRelease, zipWithCli, type Clients } from "./fixtures";

console.log(`terraform present: ${terraformAvailable ? `yes, ${terraformVersionText}` : `no: ${terraformVersionText}`}`);

/** cdktf writes `cdk.tf.json`; this one has a local backend at an absolute path outside the work dir. */
function workloadStack(statePath: string, version: string): string {
  return JSON.stringify(
    {
      terraform: { required_version: ">= 1.11", backend: { local: { path: statePath } } },
      resource: { terraform_data: { release: { input: { version, tenant: "tfreal" } } } },
      output: { deployed: { value: "${terraform_data.release.output.version}" } },
    },
    null,
    2,
  );
}

describeWithTerraform("deployer default apply with a real terraform", () => {
  let moto: Moto;
  let aws: Clients;
  let dir: string;

  beforeAll(async () => {
    ensureDeployerBundle();
    moto = await startMoto();
    aws = clients(moto);
    await createCentralBucket(aws.s3, moto.env.AWS_REGION ?? "eu-west-1");
    dir = tempDir("fleet-tf-test-");
  });

  afterAll(async () => {
    aws?.s3.destroy();
    aws?.ssm.destroy();
    await moto?.stop();
    removeDir(dir);
  });

  it("runs terraform init + apply in the workload stack and the resource lands in the state", async () => {
    // Prepare
    const env = "tfreal";
    const statePath = join(dir, "tfreal.tfstate");
    const zip = zipWithCli({ [stackFile(env)]: workloadStack(statePath, "2.3.0") });
    const sha256 = await publishArtifact(aws.s3, "2.3.0", zip);
    const p = await writeRelease(aws.s3, { env, version: "2.3.0", sha256 });
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { CHECKPOINT_DISABLE: "1", FLEET_WORK_DIR: join(dir, "work") }));
    // Assess
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("$ terraform init -input=false -no-color");
    expect(r.stdout).toContain("$ terraform apply -auto-approve -input=false -no-color -lock-timeout=5m");
    expect(r.stdout).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    const state = JSON.parse(readFileSync(statePath, "utf8")) as { outputs: { deployed: { value: string } }; resources: { type: string; name: string; instances: { attributes: { input: { value: { version: string } } } }[] }[] };
    expect(state.resources.map((x) => `${x.type}.${x.name}`)).toEqual(["terraform_data.release"]);
    expect(state.resources[0]?.instances[0]?.attributes.input.value.version).toBe("2.3.0");
    expect(state.outputs.deployed.value).toBe("2.3.0");
    expect(await deployedVersion(aws.ssm, env)).toBe("2.3.0");
    expect((await statusHistory(aws.s3, statusKey(env, "payments-api", p.release.releaseId))).pop()).toMatchObject({ phase: "finished", result: "succeeded" });
  });

  it("records terraform's own error line when the apply fails, and no deployed version", async () => {
    // Prepare: a reference to a variable that does not exist fails at plan time
    const env = "tfbroken";
    const stack = JSON.stringify({ terraform: { backend: { local: { path: join(dir, "tfbroken.tfstate") } } }, resource: { terraform_data: { x: { input: "${var.missing}" } } } });
    const zip = zipWithCli({ [stackFile(env)]: stack });
    const sha256 = await publishArtifact(aws.s3, "2.4.0", zip);
    const p = await writeRelease(aws.s3, { env, version: "2.4.0", sha256 });
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { CHECKPOINT_DISABLE: "1" }));
    // Assess
    expect(r.code).toBe(1);
    // init accepts the configuration; the plan inside apply rejects the reference.
    const reason = "terraform apply failed (exit 1): Error: Reference to undeclared input variable";
    expect(r.stderr.trim()).toBe(`✖ deploy tfbroken 2.4.0: ${reason}`);
    expect(existsSync(join(dir, "tfbroken.tfstate"))).toBe(false);
    expect(await deployedVersion(aws.ssm, env)).toBeUndefined();
    expect((await statusHistory(aws.s3, statusKey(env, "payments-api", p.release.releaseId))).pop()).toMatchObject({ result: "failed", error: reason });
  });
}, describeWithMoto);
