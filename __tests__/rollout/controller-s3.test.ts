/** The controller on a real S3 (moto): conditional writes, and racing controllers that never double-release. */
import type { S3Client } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { loadFleet } from "../../core/config/loader";
import type { FleetConfig } from "../../core/config/schema";
import { STATUS_SCHEMA } from "../../core/records";
import { planRollout, resolvePolicy, startRollout, step, type RolloutState } from "../../core/rollout";
import { formatReleaseId } from "../../core/version";
import { S3RolloutStore } from "../../core/rollout/s3-store";
import { createS3 } from "../../pipe/aws";
import { removeDir, tempDir } from "../helpers/fs";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";
import { APP, BUCKET, centralBucket, deployers, listKeys, readRelease } from "./moto-setup";

describeWithMoto("S3RolloutStore and the controller against moto", () => {
  let moto: Moto;
  let s3: S3Client;
  let dir: string;
  let fleet: FleetConfig;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = createS3(moto.env);
    dir = tempDir("fleet-rollout-s3-");
    await centralBucket(s3, dir, ["1.0.0", "2.0.0"]);
    const sample = loadFleet(join(__dirname, "../../environments"));
    // Ten tenants over three waves, so that racing controllers have something to race for.
    const environments = Array.from({ length: 10 }, (_, i) => ({ ...sample.environments.at(0)!, name: `t${String(i).padStart(2, "0")}`, accountId: String(100000000000 + i), wave: i < 2 ? 0 : i < 5 ? 1 : 2 }));
    fleet = { ...sample, environments, rollout: { maxConcurrent: 3, failureTolerance: 2 } };
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
    removeDir(dir);
  });

  function state(now: number): RolloutState {
    // Another app: this state must not look like a running rollout of the app the last test rolls out.
    return planRollout({ rolloutId: formatReleaseId(new Date(now), "abcde"), app: "other-app", version: "2.0.0", artifactSha256: "e".repeat(64), requestedBy: "test", reason: "", policy: resolvePolicy({}, 60), targets: [{ name: "t00", wave: 0 }], now });
  }

  it("creates the state once, replaces it only under its current ETag, and writes a release only once", async () => {
    // Prepare
    const store = new S3RolloutStore(s3, BUCKET);
    const s = state(Date.now());
    // Act
    const created = await store.writeState(s, undefined);
    const again = await store.writeState(s, undefined);
    const next = { ...s, revision: 1 };
    const swapped = await store.writeState(next, created);
    const stale = await store.writeState({ ...s, revision: 2 }, created);
    // Assess
    expect(created).toMatch(/^"[0-9a-f]{32}"$/);
    expect(again).toBeUndefined();
    expect(swapped).toMatch(/^"/);
    expect(stale).toBeUndefined();
    expect((await store.readState("other-app", s.rolloutId))?.state.revision).toBe(1);
    const release = { schema: "cdktf-fleet/release@1" as const, env: "t00", app: APP, version: "2.0.0", artifactKey: `artifacts/${APP}/2.0.0/${APP}-2.0.0.zip`, artifactSha256: "e".repeat(64), releaseId: formatReleaseId(new Date(), "12345"), requestedBy: "test", reason: "", allowDowngrade: false, createdAt: new Date().toISOString() };
    expect(await store.putRelease(release)).toBe("written");
    expect(await store.putRelease({ ...release, reason: "a second writer" })).toBe("exists");
    expect((await readRelease(s3, `releases/t00/${APP}/2.0.0/${release.releaseId}.json`)).reason).toBe("");
  });

  it("follows the bucket's clock, not a local clock that is an hour off", async () => {
    const store = new S3RolloutStore(s3, BUCKET, () => Date.now() - 3_600_000);
    const now = await store.now();
    expect(Math.abs(now - Date.now())).toBeLessThan(2_000);
  });

  it("ignores a status record whose body names another environment than its key", async () => {
    const store = new S3RolloutStore(s3, BUCKET);
    const id = formatReleaseId(new Date(), "54321");
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `status/t01/${APP}/${id}.json`, Body: JSON.stringify({ schema: STATUS_SCHEMA, env: "t02", app: APP, releaseId: id, version: "2.0.0", phase: "finished", result: "succeeded", buildId: "b", startedAt: new Date().toISOString() }) }));
    expect(await store.readStatus("t01", APP, id)).toBeUndefined();
    expect(await store.readStatus("t01", APP, formatReleaseId(new Date(), "99999"))).toBeUndefined();
  });

  it("two controllers stepping at once through a whole rollout write each tenant's release exactly once", async () => {
    // Prepare: two controllers with their own clients, as two Lambda containers would have.
    const clientA = createS3(moto.env);
    const clientB = createS3(moto.env);
    const a = new S3RolloutStore(clientA, BUCKET);
    const b = new S3RolloutStore(clientB, BUCKET);
    const before = new Set(await listKeys(s3, "releases/"));
    const started = await startRollout(a, { fleet, app: APP, version: "2.0.0", requestedBy: "test" });
    const id = started.state.rolloutId;
    const answered = new Set<string>(before);
    let s = started.state;
    // Act: each round, the deployers answer (t04 fails once), then both controllers step twice at the same time.
    const failedOnce = new Set<string>();
    let racesLost = 0;
    for (let round = 0; round < 40 && s.phase === "running"; round++) {
      await deployers(s3, (env) => (env === "t04" && !failedOnce.has(env) ? (failedOnce.add(env), "failed") : "succeeded"), answered);
      const results = await Promise.all([step(a, APP, id), step(b, APP, id), step(a, APP, id), step(b, APP, id)]);
      s = (await a.readState(APP, id))!.state;
      racesLost += results.reduce((n, r) => n + r.conflicts, 0);
    }
    clientA.destroy();
    clientB.destroy();
    // Assess
    expect(s.phase).toBe("completed");
    // The controllers did race (and lost compare-and-swaps), yet:
    expect(racesLost).toBeGreaterThan(0);
    const releases = (await listKeys(s3, "releases/")).filter((k) => !before.has(k));
    const bodies = await Promise.all(releases.map((k) => readRelease(s3, k)));
    const perTenant = new Map<string, number>();
    for (const r of bodies) perTenant.set(r.env, (perTenant.get(r.env) ?? 0) + 1);
    expect(Object.fromEntries(perTenant)).toEqual(Object.fromEntries(fleet.environments.map((e) => [e.name, 1])));
    expect(s.tenants.map((t) => [t.env, t.state])).toEqual(fleet.environments.map((e) => [e.name, e.name === "t04" ? "failed" : "succeeded"]));
    expect(bodies.every((r) => r.requestedBy === `rollout:${id}` && r.version === "2.0.0" && !r.allowDowngrade)).toBe(true);
    expect(s.outbox).toEqual([]);
  });
});
