/**
 * The shipped controller: dist/lambdas/rollout_controller/index.js, required in a child process as the
 * Lambda runtime would, with only the environment the central stack gives it, against moto.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { loadFleet } from "../../core/config/loader";
import { startRollout } from "../../core/rollout";
import { S3RolloutStore } from "../../core/rollout/s3-store";
import { createS3 } from "../../pipe/aws";
import { ensureBuilt } from "../helpers/bundles";
import { removeDir, tempDir } from "../helpers/fs";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";
import { APP, BUCKET, centralBucket, deployers, listKeys } from "./moto-setup";

const ROOT = join(__dirname, "..", "..");
const BUNDLE = join(ROOT, "dist", "lambdas", "rollout_controller", "index.js");
const RUNNER = join(__dirname, "..", "lambda", "run-handler.cjs");

function invoke(events: unknown[], env: Record<string, string>): Promise<{ code: number | null; results: unknown[]; logs: Record<string, unknown>[]; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, BUNDLE], { env: { PATH: process.env.PATH ?? "", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => {
      const lines = `${out}\n${err}`.split("\n").filter((l) => l.trim() !== "");
      resolve({
        code,
        results: lines.filter((l) => l.startsWith("result: ")).map((l) => JSON.parse(l.slice(8)) as unknown),
        logs: lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>),
        errors: lines.filter((l) => l.startsWith("error: ")),
      });
    });
    child.stdin.end(JSON.stringify(events));
  });
}

const statusEvent = (key: string) => ({ version: "0", id: "e1", "detail-type": "Object Created", source: "aws.s3", account: "210987654321", region: "eu-west-1", detail: { bucket: { name: BUCKET }, object: { key, size: 10, etag: "x" }, reason: "PutObject" } });
const scheduleEvent = { version: "0", id: "e2", "detail-type": "Scheduled Event", source: "aws.events", account: "210987654321", region: "eu-west-1", detail: {} };

describeWithMoto("The rollout controller bundle against moto", () => {
  let moto: Moto;
  let s3: S3Client;
  let dir: string;

  beforeAll(async () => {
    ensureBuilt(["dist/lambdas/rollout_controller/index.js"], ["lambdas"]);
    moto = await startMoto();
    s3 = createS3(moto.env);
    dir = tempDir("fleet-rollout-bundle-");
    await centralBucket(s3, dir, ["2.0.0"]);
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
    removeDir(dir);
  });

  it("moves the rollout on a status event, and a duplicate or the schedule change nothing more", async () => {
    // Prepare: the sample fleet's three waves, wave 0 (alpha) released and succeeded.
    const fleet = loadFleet(join(ROOT, "environments"));
    const started = await startRollout(new S3RolloutStore(s3, BUCKET), { fleet, app: APP, version: "2.0.0", requestedBy: "test" });
    const [alpha] = await deployers(s3, () => "succeeded");
    const key = `status/alpha/${APP}/${alpha?.releaseId ?? ""}.json`;
    // Act
    const run = await invoke([statusEvent(key), statusEvent(key), scheduleEvent], { ...moto.env, FLEET_ARTIFACT_BUCKET: BUCKET, FLEET_APP_NAME: APP });
    // Assess
    expect(run.errors).toEqual([]);
    expect(run.results).toEqual([
      { rolloutId: started.state.rolloutId, phase: "running", written: 1 },
      { rolloutId: started.state.rolloutId, phase: "running", written: 0 },
      { rolloutId: started.state.rolloutId, phase: "running", written: 0 },
    ]);
    expect(run.logs[0]).toMatchObject({ level: "info", message: "rollout_controller", trigger: key, written: 1, events: ["alpha: succeeded", expect.stringMatching(/^bravo: released 2\.0\.0 \(wave 1, attempt 1, /) as unknown] });
    expect(run.logs[2]).toMatchObject({ trigger: "schedule", written: 0 });
    expect((await listKeys(s3, "releases/")).map((k) => k.split("/")[1])).toEqual(["alpha", "bravo"]);
  });

  it("fails the invocation, naming every bad variable, when its configuration is wrong", async () => {
    const run = await invoke([scheduleEvent], { ...moto.env, FLEET_APP_NAME: "Not_An_App" });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      'error: ControllerConfigError: rollout_controller configuration: FLEET_ARTIFACT_BUCKET is not set (expected an S3 bucket name); FLEET_APP_NAME="Not_An_App" is not an app name (^[a-z][a-z0-9-]{0,38}[a-z0-9]$). The central stack sets these variables.',
    ]);
  });
});
