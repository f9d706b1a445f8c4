/**
 * The release contract under hostile and unlucky input, with the bundled deployer against moto: failures
 * during extraction end in one line and one record with nothing left behind, a release of another app is
 * refused, ordering cannot be hijacked by garbage or a clock running ahead, and duplicate or overlapping
 * builds cannot spoil a success or move the deployed version down.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { releaseKey, statusKey } from "../../core/keys";
import { StatusSchema } from "../../core/records";
import { describeWithMoto, type Moto } from "../helpers/moto";
import {
  APP,
  BUCKET,
  BUNDLE,
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
  startDeployerWorld,
  stopDeployerWorld,
  type Clients,
  type RunResult,
} from "./fixtures";

/** What a user reads: exactly one closing line, no stack trace, no source of the bundle. */
function expectOneFailureLine(r: RunResult, env: string, version: string, reason: RegExp) {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^✖ deploy ${env} ${version.replace(/\./g, "\\.")}: `));
  expect(lines[0]).toMatch(reason);
  // The echoed apply command (`$ …`) names the node binary, which may itself live under node_modules.
  const shown = `${r.stdout}${r.stderr}`.split("\n").filter((l) => !l.trimStart().startsWith("$ ")).join("\n");
  expect(shown).not.toMatch(/\n\s+at |node_modules|dist\/deployer\/index\.js/);
  expect(r.stdout.length).toBeLessThan(4000);
}

/** A node program (argv), for apply commands that wait for each other. */
function nodeCommand(source: string, ...args: string[]): string {
  return JSON.stringify([process.execPath, "-e", source, ...args]);
}

const WAIT_FOR = "const fs=require('fs');const wait=(f)=>new Promise((r)=>{const t=setInterval(()=>{if(fs.existsSync(f)){clearInterval(t);r();}},50);});";

describeWithMoto("the release contract (bundled deployer, against moto)", () => {
  let moto: Moto;
  let aws: Clients;
  let work: string;

  beforeAll(async () => {
    ({ moto, aws, work } = await startDeployerWorld("fleet-contract-test-"));
  });
  afterAll(() => stopDeployerWorld({ moto, aws, work }));

  async function release(env: string, version: string, zip: Buffer, opts: { releaseId?: string; app?: string } = {}) {
    const sha256 = await publishArtifact(aws.s3, version, zip, opts.app);
    return writeRelease(aws.s3, { env, version, sha256, ...opts });
  }

  /** The record as `fleet status` reads it: the current object at the key. */
  async function lastRecord(env: string, releaseId: string, app = APP) {
    const res = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: statusKey(env, app, releaseId) }));
    return StatusSchema.parse(JSON.parse(await res.Body!.transformToString()));
  }

  describe("a failure during extraction ends in one line and one record, the work directory cleaned", () => {
    it("refuses a file `a` beside `a/b` while other entries stream", async () => {
      // Prepare
      const env = "filedir";
      const entries = [{ name: stackFile(env), data: "{}" }, ...Array.from({ length: 20 }, (_, i) => ({ name: `big/${i}.bin`, data: Buffer.alloc(40_000, i) })), { name: "a", data: "x" }, { name: "a/b", data: "y" }];
      const p = await release(env, "1.0.0", makeZip(entries));
      const workDir = join(work, `${env}-work`);
      // Act
      const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(join(work, `${env}.marker`)), FLEET_WORK_DIR: workDir }));
      // Assess
      expectOneFailureLine(r, env, "1.0.0", /unsafe archive: entry "a" is a file, but other entries need it to be a directory/);
      expect(readdirSync(workDir)).toEqual([]);
      expect(await lastRecord(env, p.release.releaseId)).toMatchObject({ phase: "finished", result: "refused" });
    });

    it("fails on a write error (the file size limit of the process), then a retry with a roomier FLEET_WORK_DIR succeeds", async () => {
      // Prepare: 3 MB of zeros compress to a few KB: the download fits under the limit, the extraction does not
      const env = "fsize";
      const p = await release(env, "1.0.0", makeZip([{ name: stackFile(env), data: "{}" }, { name: "zeros.bin", data: Buffer.alloc(3_000_000) }]));
      const marker = join(work, `${env}.marker`);
      const workDir = join(work, `${env}-work`);
      const limited = spawnSync("prlimit", ["--fsize=1000000", process.execPath, BUNDLE], { env: { PATH: process.env.PATH ?? "", ...deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_WORK_DIR: workDir }) }, encoding: "utf8" });
      if (limited.error) throw new Error(`prlimit (util-linux) is needed for this test: ${limited.error.message}`);
      // Assess
      expectOneFailureLine({ code: limited.status, stdout: limited.stdout, stderr: limited.stderr }, env, "1.0.0", /could not extract entry "zeros\.bin" into the work directory: EFBIG: file too large/);
      expect(readdirSync(workDir)).toEqual([]);
      expect(await lastRecord(env, p.release.releaseId)).toMatchObject({ phase: "finished", result: "failed" });
      // Act: the same release again, without the limit
      const retry = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_WORK_DIR: workDir }));
      // Assess
      expect(retry.stderr).toBe("");
      expect(retry.code).toBe(0);
      expect(existsSync(marker)).toBe(true);
      expect(await lastRecord(env, p.release.releaseId)).toMatchObject({ phase: "finished", result: "succeeded" });
    });

    it("starts clean when a build of the same release was killed and left its download and a partial tree", async () => {
      // Prepare
      const env = "leftover";
      const p = await release(env, "1.0.0", makeZip([{ name: stackFile(env), data: "{}" }]));
      const workDir = join(work, `${env}-work`);
      mkdirSync(join(workDir, `release-${p.release.releaseId}`, "half"), { recursive: true });
      writeFileSync(join(workDir, `${APP}-1.0.0-${p.release.releaseId}.zip`), "truncated");
      const marker = join(work, `${env}.marker`);
      // Act
      const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_WORK_DIR: workDir }));
      // Assess
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(existsSync(marker)).toBe(true);
      expect(existsSync(join(workDir, `release-${p.release.releaseId}`, "half"))).toBe(false);
    });

    it("fails on a full disk (ENOSPC on a small tmpfs), then a retry with a fixed FLEET_WORK_DIR succeeds", async () => {
      // Prepare: a 512 KiB file system holds the download but not the 3 MB it inflates to
      const env = "nospace";
      const small = join(work, "small-fs");
      mkdirSync(small);
      const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", small], { encoding: "utf8" });
      if (mounted.status !== 0) {
        process.stdout.write(`full-disk test not run: mounting a tmpfs needs root (${(mounted.stderr || mounted.error?.message || "").trim()}); the write-error test above covers the same path\n`);
        return;
      }
      try {
        const p = await release(env, "1.0.0", makeZip([{ name: stackFile(env), data: "{}" }, { name: "zeros.bin", data: Buffer.alloc(3_000_000) }]));
        const marker = join(work, `${env}.marker`);
        // Act
        const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_WORK_DIR: small }));
        // Assess
        expectOneFailureLine(r, env, "1.0.0", /could not extract entry "zeros\.bin" into the work directory: ENOSPC: no space left on device/);
        expect(readdirSync(small)).toEqual([]);
        expect(await lastRecord(env, p.release.releaseId)).toMatchObject({ result: "failed" });
        // Act
        const retry = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker), FLEET_WORK_DIR: join(work, `${env}-work`) }));
        // Assess
        expect(retry.code).toBe(0);
        expect(await lastRecord(env, p.release.releaseId)).toMatchObject({ result: "succeeded" });
      } finally {
        spawnSync("umount", [small]);
      }
    });
  });

  describe("the fleet's app is pinned", () => {
    it("refuses and records a release of another app; no deployed-version parameter moves", async () => {
      // Prepare
      const env = "pinned";
      await setDeployedVersion(aws.ssm, env, "1.0.0");
      const p = await release(env, "9.0.0", makeZip([{ name: stackFile(env), data: "{}" }]), { app: "intruder" });
      const marker = join(work, `${env}.marker`);
      // Act
      const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
      // Assess
      expectOneFailureLine(r, env, "9.0.0", /release is for app "intruder", this fleet deploys "payments-api" \(FLEET_APP_NAME\)$/);
      expect(existsSync(marker)).toBe(false);
      expect(await deployedVersion(aws.ssm, env)).toBe("1.0.0");
      expect(await deployedVersion(aws.ssm, env, "intruder")).toBeUndefined();
      expect(await lastRecord(env, p.release.releaseId, "intruder")).toMatchObject({ result: "refused" });
    });
  });

  describe("ordering cannot be hijacked", () => {
    it("ignores garbage and foreign bodies under later release keys", async () => {
      // Prepare
      const env = "garbage";
      const zip = makeZip([{ name: stackFile(env), data: "{}" }]);
      const genuine = await release(env, "1.0.0", zip, { releaseId: newReleaseId(new Date(Date.now() - 60_000)) });
      const later = newReleaseId();
      await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: releaseKey(env, APP, "9.9.9", later), Body: "not a release" }));
      // A valid release body filed under a key of another version.
      await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: releaseKey(env, APP, "8.0.0", newReleaseId()), Body: JSON.stringify({ ...genuine.release, releaseId: later }) }));
      const marker = join(work, `${env}.marker`);
      // Act
      const r = await runDeployer(deployerEnv(moto, env, genuine, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
      // Assess
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("✔ deploy garbage 1.0.0: applied release");
      expect(r.stdout).toMatch(/ignoring s3:\/\/\S+\/releases\/garbage\/payments-api\/9\.9\.9\/\S+: it cannot supersede this release \(s3:\/\/\S+ is not JSON\)/);
      expect(existsSync(marker)).toBe(true);
    });

    it("refuses a release id ahead of the storage's clock, and it supersedes nothing", async () => {
      // Prepare: a runner whose clock runs an hour ahead
      const env = "future";
      const zip = makeZip([{ name: stackFile(env), data: "{}" }]);
      const genuine = await release(env, "1.0.0", zip);
      const future = await release(env, "2.0.0", zip, { releaseId: newReleaseId(new Date(Date.now() + 3_600_000)) });
      const marker = join(work, `${env}.marker`);
      // Act
      const rFuture = await runDeployer(deployerEnv(moto, env, future, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
      const rGenuine = await runDeployer(deployerEnv(moto, env, genuine, { FLEET_APPLY_COMMAND: markerCommand(marker) }));
      // Assess
      expectOneFailureLine(rFuture, env, "2.0.0", /release id \S+ is 3[56]\d\d s ahead of the time the storage wrote it \(.*\); at most 300 s are allowed/);
      expect(await lastRecord(env, future.release.releaseId)).toMatchObject({ result: "refused" });
      expect(rGenuine.code).toBe(0);
      expect(rGenuine.stdout).toContain(`ignoring s3://${BUCKET}/${future.releaseKey}: it cannot supersede this release (release id`);
      expect(await deployedVersion(aws.ssm, env)).toBe("1.0.0");
    });
  });

  describe("duplicate and concurrent builds are harmless", () => {
    it("a duplicate of a succeeded release is a no-op that says so", async () => {
      // Prepare
      const env = "dupe";
      const p = await release(env, "1.0.0", makeZip([{ name: stackFile(env), data: "{}" }]));
      const first = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(join(work, `${env}.1`)), CODEBUILD_BUILD_ID: "fleet-deploy-dupe:1" }));
      expect(first.code).toBe(0);
      // Act
      const r = await runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: markerCommand(join(work, `${env}.2`)), CODEBUILD_BUILD_ID: "fleet-deploy-dupe:2" }));
      // Assess
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe("↷ deploy dupe 1.0.0: already succeeded (build fleet-deploy-dupe:1); this duplicate build changes nothing");
      expect(existsSync(join(work, `${env}.2`))).toBe(false);
      const history = await statusHistory(aws.s3, statusKey(env, APP, p.release.releaseId));
      expect(history.map((s) => `${s.phase}/${s.result}/${s.buildId}`)).toEqual(["started/in-progress/fleet-deploy-dupe:1", "applying/in-progress/fleet-deploy-dupe:1", "finished/succeeded/fleet-deploy-dupe:1"]);
    });

    it("a concurrent duplicate that fails late (a state lock) does not overwrite the success", async () => {
      // Prepare: A applies once B is applying; B fails (state lock) after A has recorded its success
      const env = "racing";
      const p = await release(env, "1.0.0", makeZip([{ name: stackFile(env), data: "{}" }]));
      const bApplying = join(work, `${env}.b-applying`);
      const aDone = join(work, `${env}.a-done`);
      const applyA = nodeCommand(`${WAIT_FOR} wait(process.argv[1]).then(()=>fs.writeFileSync(process.argv[2],'')).then(()=>process.exit(0))`, bApplying, aDone);
      const applyB = nodeCommand(`${WAIT_FOR} fs.writeFileSync(process.argv[1],''); wait(process.argv[2]).then(()=>setTimeout(()=>{console.error('Error: Error acquiring the state lock');process.exit(1);},3000))`, bApplying, aDone);
      // Act
      const a = startDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: applyA, FLEET_WORK_DIR: join(work, `${env}-a`), CODEBUILD_BUILD_ID: "fleet-deploy-racing:1" }));
      const b = startDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: applyB, FLEET_WORK_DIR: join(work, `${env}-b`), CODEBUILD_BUILD_ID: "fleet-deploy-racing:2" }));
      const [ra, rb] = await Promise.all([a.done, b.done]);
      // Assess
      expect(ra.code).toBe(0);
      expect(rb.code).toBe(0);
      expect(rb.stdout).toContain("↷ deploy racing 1.0.0: already succeeded (build fleet-deploy-racing:1); this duplicate build stopped (node -e failed (exit 1): Error: Error acquiring the state lock) and changes nothing");
      expect(await lastRecord(env, p.release.releaseId)).toMatchObject({ phase: "finished", result: "succeeded", buildId: "fleet-deploy-racing:1" });
      expect(await deployedVersion(aws.ssm, env)).toBe("1.0.0");
    });

    it("two overlapping releases finishing out of order never move the deployed version down", async () => {
      // Prepare: the older release (1.0.0) is applying when the newer one (2.0.0) is released and finishes first
      const env = "overlap";
      await setDeployedVersion(aws.ssm, env, "0.5.0");
      const zip = makeZip([{ name: stackFile(env), data: "{}" }]);
      const older = await release(env, "1.0.0", zip, { releaseId: newReleaseId(new Date(Date.now() - 30_000)) });
      const newerDone = join(work, `${env}.newer-done`);
      const slowApply = nodeCommand(`${WAIT_FOR} console.log('older applying'); wait(process.argv[1]).then(()=>process.exit(0))`, newerDone);
      let newer: Awaited<ReturnType<typeof release>> | undefined;
      let newerRun: Promise<RunResult> | undefined;
      // Act
      const olderRun = startDeployer(deployerEnv(moto, env, older, { FLEET_APPLY_COMMAND: slowApply }), (soFar) => {
        if (newerRun || !soFar.includes("\nolder applying\n")) return;
        newerRun = (async () => {
          newer = await release(env, "2.0.0", zip);
          const r = await runDeployer(deployerEnv(moto, env, newer, { FLEET_APPLY_COMMAND: markerCommand(join(work, `${env}.marker`)) }));
          writeFileSync(newerDone, "");
          return r;
        })();
      });
      const ro = await olderRun.done;
      const rn = await newerRun!;
      // Assess
      expect(rn.code).toBe(0);
      expectOneFailureLine(ro, env, "1.0.0", /applied 1\.0\.0, but 2\.0\.0 was recorded meanwhile by an overlapping release; \/fleet\/overlap\/payments-api\/deployed-version stays at 2\.0\.0/);
      expect(await deployedVersion(aws.ssm, env)).toBe("2.0.0");
      expect(await lastRecord(env, newer!.release.releaseId)).toMatchObject({ result: "succeeded" });
    });
  });
});
