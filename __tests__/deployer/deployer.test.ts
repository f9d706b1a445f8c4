/**
 * The bundled deployer (`node dist/deployer/index.js`) against a moto server: S3 with version-ids for the
 * central bucket, SSM for the deployed version. The apply is a command that writes a marker file, so each
 * test can tell whether anything was applied.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { artifactKey, statusKey } from "../../core/keys";
import { describeWithMoto, type Moto } from "../helpers/moto";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { main } from "../../cli/main";
import {
  BUCKET,
  ROOT,
  deployedVersion,
  deployerEnv,
  makeZip,
  markerCommand,
  newReleaseId,
  publishArtifact,
  runDeployer,
  setDeployedVersion,
  stackFile,
  startDeployer,
  statusHistory,
  writeRelease,
  zipWithCli,
  startDeployerWorld,
  stopDeployerWorld,
  type Clients,
  type ZipEntrySpec,
} from "./fixtures";

describeWithMoto("deployer (bundled, against moto)", () => {
  let moto: Moto;
  let aws: Clients;
  let work: string;

  beforeAll(async () => {
    ({ moto, aws, work } = await startDeployerWorld("fleet-deployer-test-"));
  });
  afterAll(() => stopDeployerWorld({ moto, aws, work }));

  /** Publishes `version` with the given archive and releases it to `env`; returns what the deployer needs. */
  async function release(env: string, version: string, zip: Buffer, opts: { allowDowngrade?: boolean; releaseId?: string } = {}) {
    const sha256 = await publishArtifact(aws.s3, version, zip);
    return writeRelease(aws.s3, { env, version, sha256, ...opts });
  }

  function paths(name: string) {
    return { marker: join(work, `${name}.marker`), workDir: join(work, `${name}-work`) };
  }

  it("applies a verified release, records started → applying → succeeded and the deployed version", async () => {
    // Prepare
    const env = "happy";
    const zip = zipWithCli({ [stackFile(env)]: '{"resource":{}}\n', "app/handler.js": "exports.handler = 1;\n" });
    const p = await release(env, "1.0.0", zip);
    const { marker, workDir } = paths(env);
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_WORK_DIR: workDir, CODEBUILD_BUILD_ID: "fleet-deploy-happy:42" }));
    // Assess
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✔ deploy happy 1.0.0: applied release");
    expect(readFileSync(marker, "utf8")).toBe(`${join(workDir, `release-${p.release.releaseId}`, "cdktf.out/stacks/workload-happy")}\n1.0.0`);
    expect(readFileSync(join(workDir, `release-${p.release.releaseId}`, "app/handler.js"), "utf8")).toBe("exports.handler = 1;\n");
    expect(await deployedVersion(aws.ssm, env)).toBe("1.0.0");
    const history = await statusHistory(aws.s3, statusKey(env, "payments-api", p.release.releaseId));
    expect(history.map((s) => `${s.phase}/${s.result}`)).toEqual(["started/in-progress", "applying/in-progress", "finished/succeeded"]);
    const last = history[2];
    expect(last).toMatchObject({ env, app: "payments-api", version: "1.0.0", releaseId: p.release.releaseId, buildId: "fleet-deploy-happy:42" });
    expect(last?.error).toBeUndefined();
    expect(Date.parse(last?.finishedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(last?.startedAt ?? ""));
  });

  it("deploys an artifact made by `fleet package` (the pipe's packager), executable bits kept", async () => {
    // Prepare
    const env = "packaged";
    const src = writeTree(tempDir("fleet-package-src-"), { [stackFile(env)]: '{"resource":{}}\n', "app/run.sh": "#!/bin/sh\necho hi\n" });
    chmodSync(join(src, "app/run.sh"), 0o755);
    const out = join(work, "packaged.zip");
    const ctx = { argv: ["package", src, "--out", out], env: {}, cwd: ROOT, stdout: { write: () => true }, stderr: { write: (t: string) => process.stderr.write(t) } };
    expect(await main(ctx)).toBe(0);
    const p = await release(env, "1.0.0", readFileSync(out));
    const { marker, workDir } = paths(env);
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_WORK_DIR: workDir }));
    // Assess
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(statSync(join(workDir, `release-${p.release.releaseId}`, "app/run.sh")).mode & 0o777).toBe(0o755);
    removeDir(src);
  });

  it("redeploys the version already deployed (same version is allowed)", async () => {
    // Prepare
    const env = "same";
    await setDeployedVersion(aws.ssm, env, "1.0.0");
    const p = await release(env, "1.0.0", zipWithCli({ [stackFile(env)]: "{}\n" }));
    const { marker } = paths(env);
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
    // Assess
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it("refuses a tampered artifact with 'checksum mismatch' and applies nothing", async () => {
    // Prepare
    const env = "tamper";
    await setDeployedVersion(aws.ssm, env, "0.0.0");
    const p = await release(env, "1.1.0", zipWithCli({ [stackFile(env)]: "{}\n" }));
    // The artifact is replaced after release (the bucket's write-once rule is what prevents this for real).
    await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: artifactKey("payments-api", "1.1.0"), Body: zipWithCli({ [stackFile(env)]: '{"evil":true}\n' }) }));
    const { marker, workDir } = paths(env);
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_WORK_DIR: workDir }));
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^✖ deploy tamper 1\.1\.0: checksum mismatch: artifact sha256 [0-9a-f]{12}…, release says/);
    expect(existsSync(marker)).toBe(false);
    expect(readdirSync(workDir)).toEqual([]);
    expect(await deployedVersion(aws.ssm, env)).toBe("0.0.0");
    const last = (await statusHistory(aws.s3, statusKey(env, "payments-api", p.release.releaseId))).pop()!;
    expect(last).toMatchObject({ phase: "finished", result: "refused" });
    expect(last.error).toMatch(/^checksum mismatch/);
  });

  it("refuses a release of another environment without reading it", async () => {
    // Prepare: the key is bravo's, the deployer serves "wrongenv"
    const p = await release("bravo", "1.0.0", zipWithCli({ [stackFile("bravo")]: "{}\n" }));
    const { marker } = paths("wrongenv");
    // Act
    const r = await runDeployer(deployerEnv(moto, "wrongenv", p, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('✖ deploy wrongenv 1.0.0: release is for environment "bravo", this deployer serves "wrongenv"');
    expect(existsSync(marker)).toBe(false);
    const last = (await statusHistory(aws.s3, statusKey("wrongenv", "payments-api", p.release.releaseId))).pop()!;
    expect(last).toMatchObject({ result: "refused", error: 'release is for environment "bravo", this deployer serves "wrongenv"' });
  });

  it("refuses a release object whose body names another environment than its key", async () => {
    // Prepare
    const env = "bodyenv";
    const zip = zipWithCli({ [stackFile(env)]: "{}\n" });
    const sha256 = await publishArtifact(aws.s3, "1.0.0", zip);
    const p = await writeRelease(aws.s3, { env, version: "1.0.0", sha256, overrides: { env: "charlie" } });
    const { marker } = paths(env);
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('release is for environment "charlie", this deployer serves "bodyenv"');
    expect(existsSync(marker)).toBe(false);
  });

  it("reads the release by its exact version-id, not the latest object at the key", async () => {
    // Prepare: a second, different body at the same key must not be the one used
    const env = "exactver";
    const p = await release(env, "1.0.0", zipWithCli({ [stackFile(env)]: "{}\n" }));
    await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: p.releaseKey, Body: "not json" }));
    const { marker } = paths(env);
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
    // Assess
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it("refuses a downgrade, and applies it when the release allows it", async () => {
    // Prepare
    const env = "downgrade";
    await setDeployedVersion(aws.ssm, env, "2.0.0");
    const zip = zipWithCli({ [stackFile(env)]: "{}\n" });
    const refused = await release(env, "1.5.0", zip, { releaseId: newReleaseId(new Date(Date.now() - 60_000)) });
    const { marker } = paths(env);
    // Act
    const r1 = await runDeployer(deployerEnv(moto, env, refused, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
    // Assess
    expect(r1.code).toBe(1);
    expect(r1.stderr.trim()).toBe("✖ deploy downgrade 1.5.0: downgrade from 2.0.0 to 1.5.0 refused: the release does not allow a downgrade (fleet release --allow-downgrade)");
    expect(existsSync(marker)).toBe(false);
    expect(await deployedVersion(aws.ssm, env)).toBe("2.0.0");

    // Prepare: the rollback is a new, later release of the old version that allows it
    const allowed = await release(env, "1.5.0", zip, { allowDowngrade: true });
    // Act
    const r2 = await runDeployer(deployerEnv(moto, env, allowed, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
    // Assess
    expect(r2.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(await deployedVersion(aws.ssm, env)).toBe("1.5.0");
  });

  it("skips a release superseded by a later one (a rollback counts as later) and exits 0", async () => {
    // Prepare
    const env = "superseded";
    const zip = zipWithCli({ [stackFile(env)]: "{}\n" });
    const older = await release(env, "3.0.0", zip, { releaseId: newReleaseId(new Date(Date.now() - 120_000)) });
    const rollback = await release(env, "1.0.0", zip, { allowDowngrade: true });
    const { marker } = paths(env);
    // Act
    const r = await runDeployer(deployerEnv(moto, env, older, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
    // Assess
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`↷ deploy superseded 3.0.0: skipped: superseded by ${rollback.release.releaseId}`);
    expect(existsSync(marker)).toBe(false);
    const last = (await statusHistory(aws.s3, statusKey(env, "payments-api", older.release.releaseId))).pop()!;
    expect(last).toMatchObject({ phase: "finished", result: "skipped", error: `superseded by ${rollback.release.releaseId}` });
  });

  it("skips every release while the environment is on hold", async () => {
    // Prepare
    const env = "onhold";
    const p = await release(env, "1.0.0", zipWithCli({ [stackFile(env)]: "{}\n" }));
    const { marker } = paths(env);
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_HOLD: "true" }));
    // Assess
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    const last = (await statusHistory(aws.s3, statusKey(env, "payments-api", p.release.releaseId))).pop()!;
    expect(last).toMatchObject({ result: "skipped", error: "environment on hold (FLEET_HOLD=true)" });
  });

  it("records 'failed' with the apply's last meaningful line and leaves the deployed version alone", async () => {
    // Prepare
    const env = "applyfail";
    await setDeployedVersion(aws.ssm, env, "0.9.0");
    const p = await release(env, "1.0.0", zipWithCli({ [stackFile(env)]: "{}\n" }));
    const failing = JSON.stringify([process.execPath, "-e", "console.log('Planning...'); console.error('│ Error: creating Lambda function: AccessDenied'); console.error('│'); process.exit(3)"]);
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: failing }));
    // Assess
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Planning...");
    const reason = /failed \(exit 3\): Error: creating Lambda function: AccessDenied$/;
    expect(r.stderr.trim()).toMatch(/^✖ deploy applyfail 1\.0\.0: /);
    expect(r.stderr.trim()).toMatch(reason);
    expect(await deployedVersion(aws.ssm, env)).toBe("0.9.0");
    const history = await statusHistory(aws.s3, statusKey(env, "payments-api", p.release.releaseId));
    expect(history.map((s) => s.phase)).toEqual(["started", "applying", "finished"]);
    expect(history[2]?.result).toBe("failed");
    expect(history[2]?.error).toMatch(reason);
  });

  it("when the build is stopped mid-apply, sends the apply SIGINT (terraform releases its lock) and records 'failed'", async () => {
    // Prepare: an apply that announces itself, then waits; on SIGINT it leaves a file and exits 130 like terraform
    const env = "stopped";
    await setDeployedVersion(aws.ssm, env, "0.1.0");
    const p = await release(env, "1.0.0", zipWithCli({ [stackFile(env)]: "{}\n" }));
    const gotSigint = join(work, "stopped.sigint");
    const slow = JSON.stringify([
      process.execPath,
      "-e",
      "process.on('SIGINT', () => { require('fs').writeFileSync(process.argv[1], 'SIGINT'); console.log('Interrupt received. Gracefully shutting down...'); process.exit(130); }); console.log('apply running'); setTimeout(() => {}, 30000);",
      gotSigint,
    ]);
    let signalled = false;
    // Act
    const run = startDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: slow }), (soFar, child) => {
      // The line the apply prints, not the echoed command line that contains the same words.
      if (!signalled && soFar.includes("\napply running\n")) {
        signalled = true;
        child.kill("SIGTERM");
      }
    });
    const r = await run.done;
    // Assess
    expect(r.code).toBe(1);
    expect(readFileSync(gotSigint, "utf8")).toBe("SIGINT");
    expect(r.stderr).toContain("… SIGTERM received: stopping the deploy");
    const reason = "node -e interrupted: the build is being stopped (sent SIGINT so terraform releases its lock); last line: Interrupt received. Gracefully shutting down...";
    expect(r.stderr).toContain(`✖ deploy stopped 1.0.0: ${reason}`);
    expect(await deployedVersion(aws.ssm, env)).toBe("0.1.0");
    expect((await statusHistory(aws.s3, statusKey(env, "payments-api", p.release.releaseId))).pop()).toMatchObject({ phase: "finished", result: "failed", error: reason });
  });

  it("refuses an artifact that has no workload stack for this environment", async () => {
    // Prepare
    const env = "nostack";
    const p = await release(env, "1.0.0", zipWithCli({ [stackFile("other")]: "{}\n" }));
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(paths(env).marker) }));
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the artifact has no cdktf.out/stacks/workload-nostack");
  });

  it("applies nothing when it cannot record the start (no status, no deploy)", async () => {
    // Prepare: the deployer is pointed at a bucket that does not exist
    const env = "nostatus";
    const p = await release(env, "1.0.0", zipWithCli({ [stackFile(env)]: "{}\n" }));
    const { marker } = paths(env);
    // Act
    const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_ARTIFACT_BUCKET: "no-such-bucket" }));
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^✖ deploy nostatus 1\.0\.0: could not record the start, nothing applied: could not write status s3:\/\/no-such-bucket\/status\/nostatus\/payments-api\/\S+\.json: NoSuchBucket: /);
    expect(existsSync(marker)).toBe(false);
  });

  it("names every missing variable in one line and exits 1", async () => {
    // Act
    const r = await runDeployer({ ...moto.env, FLEET_APP: "payments-api" });
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "✖ deploy: deployer configuration: missing required variables FLEET_RELEASE_KEY, FLEET_RELEASE_VERSION_ID, FLEET_VERSION, FLEET_RELEASE_ID, FLEET_ENVIRONMENT, FLEET_ARTIFACT_BUCKET, FLEET_APP_NAME",
    );
  });

  describe("unsafe archives are refused before anything is written", () => {
    const cases: { name: string; env: string; entries: (env: string) => ZipEntrySpec[]; extra?: Record<string, string>; reason: RegExp }[] = [
      { name: "zip-slip (../evil)", env: "zipslip", entries: (e) => [{ name: stackFile(e), data: "{}" }, { name: "../evil", data: "pwned" }], reason: /unsafe archive: entry "\.\.\/evil": '\.\.' segment/ },
      { name: "an absolute path", env: "abspath", entries: (e) => [{ name: stackFile(e), data: "{}" }, { name: "/tmp/evil", data: "pwned" }], reason: /entry "\/tmp\/evil": absolute path/ },
      { name: "a backslash path", env: "backslash", entries: (e) => [{ name: stackFile(e), data: "{}" }, { name: "..\\evil", data: "pwned" }], reason: /backslash in name/ },
      {
        name: "a symbolic link leading out of the target",
        env: "symlink",
        entries: (e) => [{ name: `cdktf.out/stacks/workload-${e}/escape`, data: "../../../../../../etc", mode: 0o120777, method: 0 }, { name: stackFile(e), data: "{}" }],
        reason: /entry "cdktf\.out\/stacks\/workload-symlink\/escape": symbolic link/,
      },
      {
        name: "more entries than the file-count limit",
        env: "toomany",
        entries: (e) => [{ name: stackFile(e), data: "{}" }, ...[1, 2, 3, 4].map((i) => ({ name: `f${i}.txt`, data: "x" }))],
        extra: { FLEET_MAX_ARCHIVE_FILES: "3" },
        reason: /archive has 5 entries, the limit is 3/,
      },
      {
        name: "more bytes than the size limit",
        env: "toobig",
        entries: (e) => [{ name: stackFile(e), data: "{}" }, { name: "zeros.bin", data: Buffer.alloc(200_000) }],
        extra: { FLEET_MAX_ARCHIVE_BYTES: "100000" },
        reason: /more than 100000 uncompressed bytes/,
      },
      {
        name: "an entry that inflates to more than it declares (a zip bomb hiding its size)",
        env: "liar",
        entries: (e) => [{ name: stackFile(e), data: "{}" }, { name: "bomb.bin", data: Buffer.alloc(300_000), declaredSize: 10 }],
        extra: { FLEET_MAX_ARCHIVE_BYTES: "100000" },
        reason: /unsafe archive: entry "bomb\.bin" inflates to more than its declared 10 bytes/,
      },
      {
        name: "a corrupt entry after good ones (the partial tree is removed)",
        env: "corrupt",
        entries: (e) => [{ name: stackFile(e), data: "{}" }, { name: "app/a.js", data: "a" }, { name: "app/b.js", data: "b".repeat(1000), crc: 1234 }],
        reason: /unsafe archive: entry "app\/b\.js" fails its CRC-32 check/,
      },
    ];

    it.each(cases)("refuses $name", async ({ env, entries, extra, reason }) => {
      // Prepare
      const p = await release(env, "1.0.0", makeZip(entries(env)));
      const { marker, workDir } = paths(env);
      // Act
      const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_WORK_DIR: workDir, ...extra }));
      // Assess
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toMatch(new RegExp(`^✖ deploy ${env} 1\\.0\\.0: `));
      expect(r.stderr).toMatch(reason);
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(join(work, "evil"))).toBe(false);
      // Nothing is left: no download, no extracted tree, no partial staging directory.
      expect(readdirSync(workDir)).toEqual([]);
      const last = (await statusHistory(aws.s3, statusKey(env, "payments-api", p.release.releaseId))).pop()!;
      expect(last.result).toBe("refused");
      expect(last.error).toMatch(reason);
    });
  });
});
