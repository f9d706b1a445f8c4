/**
 * `fleet status`: the pure fleet view (core/fleet-status.ts), and the command end to end over records the
 * BUNDLED deployer wrote to a moto bucket, called through cli/main.ts with a fake context.
 */
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import fc from "fast-check";
import { attributeStatus, buildFleetStatus, failingEnvironments, formatFleetStatusTable, type FleetStatus } from "../../core/fleet-status";
import { STATUS_SCHEMA, type Status } from "../../core/records";
import { main } from "../../cli/main";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";
import { removeDir, tempDir } from "../helpers/fs";
import {
  APP,
  BUCKET,
  ROOT,
  clients,
  createCentralBucket,
  deployerEnv,
  ensureDeployerBundle,
  markerCommand,
  newReleaseId,
  publishArtifact,
  runDeployer,
  stackFile,
  writeRelease,
  zipWithCli,
  type Clients,
} from "../deployer/fixtures";

function record(env: string, releaseId: string, version: string, result: Status["result"], error?: string): Status {
  return {
    schema: STATUS_SCHEMA,
    env,
    app: APP,
    releaseId,
    version,
    phase: result === "in-progress" ? "applying" : "finished",
    result,
    buildId: `fleet-deploy-${env}:1`,
    startedAt: `${releaseId.slice(0, 4)}-${releaseId.slice(4, 6)}-${releaseId.slice(6, 8)}T${releaseId.slice(9, 11)}:${releaseId.slice(11, 13)}:${releaseId.slice(13, 15)}Z`,
    ...(result === "in-progress" ? {} : { finishedAt: `${releaseId.slice(0, 4)}-${releaseId.slice(4, 6)}-${releaseId.slice(6, 8)}T${releaseId.slice(9, 11)}:${releaseId.slice(11, 13)}:59Z` }),
    ...(error ? { error } : {}),
  };
}

describe("buildFleetStatus", () => {
  const fleet = [
    { name: "charlie", wave: 2 },
    { name: "alpha", wave: 0 },
    { name: "bravo", wave: 1 },
  ];

  it("shows running = newest succeeded, last = newest record, lag = newer known versions, and never-deployed environments", () => {
    // Prepare
    const records = [
      record("alpha", "20261129T100000Z-00000001", "1.9.0", "succeeded"),
      record("alpha", "20261129T110000Z-00000002", "1.10.0", "succeeded"),
      record("bravo", "20261129T100000Z-00000003", "1.9.0", "succeeded"),
      record("bravo", "20261129T120000Z-00000004", "1.10.0", "failed", "terraform apply failed (exit 1): Error: boom"),
      record("gone", "20261128T100000Z-00000005", "1.0.0", "succeeded"),
    ];
    // Act
    const s = buildFleetStatus({ app: APP, fleet, records, knownVersions: ["1.9.0", "1.10.0", "1.10.0-rc.1", "junk"] });
    // Assess
    expect(s.newestVersion).toBe("1.10.0");
    expect(s.environments.map((e) => [e.env, e.wave, e.running?.version ?? null, e.last?.result ?? null, e.lag])).toEqual([
      ["alpha", 0, "1.10.0", "succeeded", 0],
      ["bravo", 1, "1.9.0", "failed", 2],
      ["charlie", 2, null, null, 4],
      ["gone", undefined, "1.0.0", "succeeded", 3],
    ]);
    expect(s.environments[1]?.last).toMatchObject({ releaseId: "20261129T120000Z-00000004", version: "1.10.0", at: "2026-11-29T12:00:59Z", error: "terraform apply failed (exit 1): Error: boom" });
  });

  it("formats an aligned table with a note per environment whose last release did not succeed", () => {
    // Prepare
    const s: FleetStatus = buildFleetStatus({
      app: APP,
      fleet,
      records: [record("alpha", "20261129T110000Z-00000002", "1.10.0", "succeeded"), record("bravo", "20261129T120000Z-00000004", "1.10.0", "refused", "checksum mismatch: x")],
      knownVersions: ["1.10.0"],
    });
    // Act
    const table = formatFleetStatusTable(s, "s3://acme-fleet-artifacts");
    // Assess
    expect(table).toBe(
      [
        "payments-api: newest version 1.10.0 (s3://acme-fleet-artifacts)",
        "",
        "ENVIRONMENT  WAVE  RUNNING  LAST RELEASE               VERSION  RESULT     WHEN                  LAG",
        "alpha        0     1.10.0   20261129T110000Z-00000002  1.10.0   succeeded  2026-11-29 11:00:59Z  0",
        "bravo        1     -        20261129T120000Z-00000004  1.10.0   refused    2026-11-29 12:00:59Z  1",
        "charlie      2     -        never deployed             -        -          -                     1",
        "",
        "bravo: refused: checksum mismatch: x",
        "",
      ].join("\n"),
    );
  });
});

describe("attributeStatus: a record counts only for what its key names", () => {
  const ID = "20261129T120000Z-0a1b2c3d";

  it("ignores a body that names another environment, app or release than its key", () => {
    // Prepare
    const body = record("alpha", ID, "9.9.9", "succeeded");
    // Act + Assess
    expect(attributeStatus(`status/alpha/${APP}/${ID}.json`, body)).toEqual({ ok: true, status: body });
    expect(attributeStatus(`status/charlie/${APP}/${ID}.json`, body)).toEqual({ ok: false, reason: 'the record\'s env "alpha" disagrees with its key ("charlie")' });
    expect(attributeStatus(`status/alpha/other-app/${ID}.json`, body)).toEqual({ ok: false, reason: 'the record\'s app "payments-api" disagrees with its key ("other-app")' });
    expect(attributeStatus(`releases/alpha/${APP}/1.0.0/${ID}.json`, body)).toEqual({ ok: false, reason: "not a status key (a release key)" });
  });

  it("accepts a record exactly when its env, app and release id are those of its key (property)", () => {
    const name = fc.constantFrom("alpha", "bravo", "charlie");
    const app = fc.constantFrom(APP, "other-app");
    const id = fc.constantFrom(ID, "20261129T130000Z-00000000");
    fc.assert(
      fc.property(name, app, id, name, app, id, (kEnv, kApp, kId, bEnv, bApp, bId) => {
        // Act
        const r = attributeStatus(`status/${kEnv}/${kApp}/${kId}.json`, { ...record(bEnv, bId, "1.0.0", "succeeded"), app: bApp });
        // Assess
        expect(r.ok).toBe(kEnv === bEnv && kApp === bApp && kId === bId);
      }),
    );
  });

  it("names the environments whose newest release failed or was refused; in-fleet ones only when the fleet is known", () => {
    // Prepare
    const fleet = [{ name: "alpha", wave: 0 }, { name: "bravo", wave: 1 }];
    const records = [record("alpha", ID, "1.0.0", "refused", "x"), record("bravo", ID, "1.0.0", "in-progress"), record("gone", ID, "1.0.0", "failed", "y")];
    // Act + Assess
    expect(failingEnvironments(buildFleetStatus({ app: APP, fleet, records, knownVersions: [] }))).toEqual(["alpha"]);
    expect(failingEnvironments(buildFleetStatus({ app: APP, fleet: [], records, knownVersions: [] }))).toEqual(["alpha", "gone"]);
    expect(failingEnvironments(buildFleetStatus({ app: APP, fleet, records: [record("alpha", ID, "1.0.0", "skipped")], knownVersions: [] }))).toEqual([]);
  });
});

describeWithMoto("fleet status (over records written by the bundled deployer)", () => {
  let moto: Moto;
  let aws: Clients;
  let work: string;
  const ids = { alpha1: newReleaseId(new Date(Date.now() - 300_000)), alpha2: newReleaseId(new Date(Date.now() - 100_000)), bravo1: newReleaseId(new Date(Date.now() - 200_000)), bravo2: newReleaseId() };

  beforeAll(async () => {
    ensureDeployerBundle();
    moto = await startMoto();
    aws = clients(moto);
    await createCentralBucket(aws.s3, moto.env.AWS_REGION ?? "eu-west-1");
    work = tempDir("fleet-status-test-");
    const sha: Record<string, string> = {};
    for (const v of ["1.0.0", "1.1.0", "1.2.0"]) sha[v] = await publishArtifact(aws.s3, v, zipWithCli({ [stackFile("alpha")]: "{}", [stackFile("bravo")]: "{}", [stackFile("charlie")]: "{}" }));
    const deployTo = async (env: string, version: string, releaseId: string, apply: string) => {
      const p = await writeRelease(aws.s3, { env, version, sha256: sha[version] ?? "", releaseId });
      return runDeployer(deployerEnv(moto, env, p, { FLEET_APPLY_COMMAND: apply, CODEBUILD_BUILD_ID: `fleet-deploy-${env}:7` }));
    };
    const ok = markerCommand(join(work, "marker"));
    const failing = JSON.stringify([process.execPath, "-e", "console.error('Error: AccessDenied on iam:CreateRole'); process.exit(1)"]);
    const results = [
      await deployTo("alpha", "1.0.0", ids.alpha1, ok),
      await deployTo("bravo", "1.0.0", ids.bravo1, ok),
      await deployTo("alpha", "1.2.0", ids.alpha2, ok),
      await deployTo("bravo", "1.1.0", ids.bravo2, failing),
    ];
    const codes = results.map((r) => r.code).join(",");
    if (codes !== "0,0,0,1") throw new Error(`seeding deploys exited ${codes}, expected 0,0,0,1:\n${results.map((r) => r.stderr).join("\n")}`);
  });

  afterAll(async () => {
    aws?.s3.destroy();
    aws?.ssm.destroy();
    await moto?.stop();
    removeDir(work);
  });

  async function fleet(...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main({ argv: ["status", ...argv], env: moto.env, cwd: ROOT, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  }

  it("prints JSON for machines: running, last release and lag per environment", async () => {
    // Act
    const r = await fleet("--format", "json");
    // Assess
    expect(r.stderr).toBe("✖ fleet status: the newest release failed or was refused in bravo\n");
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout) as FleetStatus & { bucket: string };
    expect(s.bucket).toBe("acme-fleet-artifacts");
    expect(s.newestVersion).toBe("1.2.0");
    expect(s.environments.map((e) => ({ env: e.env, running: e.running?.version, last: e.last && [e.last.releaseId, e.last.version, e.last.result], lag: e.lag }))).toEqual([
      { env: "alpha", running: "1.2.0", last: [ids.alpha2, "1.2.0", "succeeded"], lag: 0 },
      { env: "bravo", running: "1.0.0", last: [ids.bravo2, "1.1.0", "failed"], lag: 2 },
      { env: "charlie", running: undefined, last: null, lag: 3 },
    ]);
    expect(s.environments[1]?.last).toMatchObject({ buildId: "fleet-deploy-bravo:7", error: "node -e failed (exit 1): Error: AccessDenied on iam:CreateRole" });
  });

  it("prints the table, exits 1 because bravo's newest release failed, and names the failure", async () => {
    // Prepare
    const json = JSON.parse((await fleet("--format", "json")).stdout) as FleetStatus;
    const when = (env: string) => json.environments.find((e) => e.env === env)!.last!.at.replace("T", " ").replace(/\.\d+Z$/, "Z");
    // Act
    const r = await fleet("--app", "payments-api", "--dir", "environments");
    // Assess
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        "payments-api: newest version 1.2.0 (s3://acme-fleet-artifacts)",
        "",
        "ENVIRONMENT  WAVE  RUNNING  LAST RELEASE               VERSION  RESULT     WHEN                  LAG",
        `alpha        0     1.2.0    ${ids.alpha2}  1.2.0    succeeded  ${when("alpha")}  0`,
        `bravo        1     1.0.0    ${ids.bravo2}  1.1.0    failed     ${when("bravo")}  2`,
        "charlie      2     -        never deployed             -        -          -                     3",
        "",
        "bravo: failed: node -e failed (exit 1): Error: AccessDenied on iam:CreateRole",
        "",
      ].join("\n"),
    );
  });

  it("exits 1 with one line when the bucket cannot be read", async () => {
    // Act
    const r = await fleet("--bucket", "no-such-bucket");
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^✖ fleet status: could not read s3:\/\/no-such-bucket: NoSuchBucket: .*\n$/);
    expect(r.stdout).toBe("");
  });

  it("rejects a bad --format as usage (exit 2)", async () => {
    // Act
    const r = await fleet("--format", "yaml");
    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('✖ fleet status: --format must be table, json or html, got "yaml"\n');
  });

  it("works from the records alone with --bucket and --app when there is no fleet config", async () => {
    // Act
    const r = await fleet("--bucket", "acme-fleet-artifacts", "--app", "payments-api", "--dir", "no-such-dir", "--format", "json");
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^⚠ fleet config not loaded/);
    expect((JSON.parse(r.stdout) as FleetStatus).environments.map((e) => [e.env, e.inFleet])).toEqual([
      ["alpha", false],
      ["bravo", false],
    ]);
  });

  it("ignores, with a warning, a record whose body names another environment than its key (one tenant cannot paint another)", async () => {
    // Prepare: a record under charlie's key claims alpha ran 9.9.9 successfully, later than everything else
    const id = newReleaseId();
    const forged = { ...record("alpha", id, "9.9.9", "succeeded"), startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() };
    const key = `status/charlie/${APP}/${id}.json`;
    await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(forged) }));
    // Act
    const r = await fleet("--format", "json");
    // Assess
    expect(r.stderr).toContain(`⚠ s3://${BUCKET}/${key}: the record's env "alpha" disagrees with its key ("charlie"); ignored\n`);
    const s = JSON.parse(r.stdout) as FleetStatus;
    expect(s.environments.map((e) => [e.env, e.running?.version ?? null, e.last?.releaseId ?? null])).toEqual([
      ["alpha", "1.2.0", ids.alpha2],
      ["bravo", "1.0.0", ids.bravo2],
      ["charlie", null, null],
    ]);
  });

  it("documents its exit codes in its usage text", async () => {
    // Act
    const r = await fleet("--help");
    // Assess
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  1  an environment's newest release failed or was refused (named on stderr), or the bucket could not be read\n");
  });
});
