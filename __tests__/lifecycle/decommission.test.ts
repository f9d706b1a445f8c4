/**
 * Decommissioning an environment end to end on the local chain: the sample fleet deploys 1.0.0 everywhere,
 * then charlie is held and a destroy release makes its own deployer run a real `terraform destroy` of the
 * stand-in workload; its status records stay. Run on an environment not on hold, the command holds it first.
 */
import { appendFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { runLocal } from "../../cli/local/run";
import { checkHeld, nextSteps, waitForStatus, writeDestroyRelease } from "../../cli/lifecycle/decommission";
import { main } from "../../cli/main";
import { loadFleet } from "../../core/config/loader";
import { describeWithMoto } from "../helpers/moto";
import { removeDir, tempDir } from "../helpers/fs";
import { ROOT, capture, ensureBundles } from "../local/helpers";

describe("fleet decommission (before anything is written)", () => {
  it("first holds an environment that is not on hold (its file keeps its comments), and says what comes next", async () => {
    // Prepare
    const dir = tempDir("fleet-hold-");
    cpSync(join(ROOT, "environments"), join(dir, "environments"), { recursive: true });
    writeFileSync(join(dir, "environments", "charlie.yaml"), `# charlie: the last wave\n${readFileSync(join(dir, "environments", "charlie.yaml"), "utf8")}`);
    const out = capture();
    const err = capture();

    // Act
    const code = await main({ argv: ["decommission", "--env", "charlie"], env: {}, cwd: dir, stdout: out, stderr: err });

    // Assess
    expect(err.text()).toBe("");
    expect(code).toBe(0);
    expect(out.text()).toBe(
      "✔ 1. hold: true written to environments/charlie.yaml\n" +
        "  next: deploy it, so that charlie's deployer refuses new releases: npx cdktf deploy tenant-charlie\n" +
        "  then: fleet decommission --env charlie again, to destroy its workload\n",
    );
    const text = readFileSync(join(dir, "environments", "charlie.yaml"), "utf8");
    expect(text).toMatch(/^# charlie: the last wave\n/);
    expect(loadFleet("environments", { cwd: dir }).environments.find((e) => e.name === "charlie")?.hold).toBe(true);
    removeDir(dir);
  });

  it("refuses, in the library, to write a destroy release for an environment that is not on hold", () => {
    // Prepare
    const config = loadFleet("environments", { cwd: ROOT });

    // Act
    const act = () => checkHeld(config.environments.find((e) => e.name === "charlie")!);

    // Assess
    expect(act).toThrow(
      "charlie is not on hold: write hold: true in environments/charlie.yaml and deploy tenant-charlie (npx cdktf deploy tenant-charlie), so that no new release reaches it; then run fleet decommission --env charlie again",
    );
  });

  it("names the remaining steps in order, ending with the doctor", () => {
    // Prepare
    const config = loadFleet("environments", { cwd: ROOT });

    // Act
    const steps = nextSteps(config, config.environments.find((e) => e.name === "charlie")!);

    // Assess
    expect(steps).toEqual([
      "destroy the tenant plumbing: npx cdktf destroy tenant-charlie",
      "remove environments/charlie.yaml, then deploy central (its forwarding rule, DLQ, state role and bucket-policy entries go): npx cdktf deploy central",
      "keep s3://acme-fleet-tfstate/workload-charlie/terraform.tfstate and s3://acme-fleet-artifacts/status/charlie/ for the record",
      "check the rest of the fleet: fleet doctor",
    ]);
  });
});

describeWithMoto("fleet decommission on the local chain", () => {
  let dir: string;
  beforeAll(() => {
    ensureBundles();
    dir = tempDir("fleet-decommission-");
    cpSync(join(ROOT, "environments"), dir, { recursive: true });
  });
  afterAll(() => removeDir(dir));

  it("holds charlie, destroys its workload through its own deployer, and keeps its records", async () => {
    // Prepare
    const out = capture();
    const seen: { status?: string | undefined; error?: string | undefined; log?: string; records?: number | undefined; untouched?: string[] } = {};

    // Act
    const result = await runLocal({
      dir,
      out,
      afterScenario: async (world) => {
        // Step 1 as an operator does it: hold: true in the file, and the tenant stack deployed with it.
        appendFileSync(join(dir, "charlie.yaml"), "hold: true\n");
        world.codebuild.setProjectVariable("fleet-deploy-charlie", "FLEET_HOLD", "true");
        const config = loadFleet(dir);
        const charlie = config.environments.find((e) => e.name === "charlie")!;
        // Step 2.
        const { release } = await writeDestroyRelease({ s3: world.centralS3, config, env: charlie, requestedBy: "test", reason: "decommission" });
        const status = await waitForStatus(world.centralS3, world.bucket, release, 150_000, (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 200))));
        seen.status = status?.result;
        seen.error = status?.error;
        const build = world.codebuild.builds.find((b) => b.overrides.some((v) => v.value === release.releaseId));
        seen.log = build ? readFileSync(build.logFile, "utf8") : "no build";
        const records = await world.centralS3.send(new ListObjectsV2Command({ Bucket: world.bucket, Prefix: "status/charlie/" }));
        seen.records = records.KeyCount;
        seen.untouched = [await world.deployedVersion("alpha"), await world.deployedVersion("bravo"), await world.deployedVersion("charlie")].map(String);
        return [];
      },
    });

    // Assess
    if (seen.status !== "succeeded") console.log(out.text(), seen.log);
    expect(result.tenants.map((t) => [t.env, t.deployedVersion])).toEqual([
      ["alpha", "1.0.0"],
      ["bravo", "1.0.0"],
      ["charlie", "0.0.0"],
    ]);
    expect(seen.status).toBe("succeeded");
    expect(seen.log).toContain("→ destroy cdktf.out/stacks/workload-charlie");
    expect(seen.log).toMatch(/terraform_data\.workload: Destruction complete/);
    expect(seen.log).toContain("Destroy complete! Resources: 1 destroyed.");
    expect(seen.log).toContain("destroyed the workload of 1.0.0");
    // The deploy's and the destroy's records both stay.
    expect(seen.records).toBe(2);
    expect(seen.untouched).toEqual(["1.0.0", "1.0.0", "0.0.0"]);
  }, 240_000);
});
