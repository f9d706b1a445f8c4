/**
 * `fleet status --format html [--out FILE]` through cli/main.ts over status records in a moto bucket: the
 * page an operator opens, with the fleet config's environments (one never deployed).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeRolloutStatusPage } from "../../cli/commands/status-html";
import { main } from "../../cli/main";
import { loadFleet } from "../../core/config/loader";
import { planRollout, resolvePolicy } from "../../core/rollout";
import { S3RolloutStore } from "../../core/rollout/s3-store";
import { statusKey } from "../../core/keys";
import { STATUS_SCHEMA, type Status } from "../../core/records";
import { APP, BUCKET, ROOT, clients, createCentralBucket, type Clients } from "../deployer/fixtures";
import { removeDir, tempDir } from "../helpers/fs";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";

describeWithMoto("fleet status --format html", () => {
  let moto: Moto;
  let aws: Clients;
  let work: string;

  const record = (env: string, releaseId: string, version: string, result: Status["result"], error?: string): Status => ({
    schema: STATUS_SCHEMA,
    env,
    app: APP,
    releaseId,
    version,
    phase: "finished",
    result,
    buildId: `fleet-deploy-${env}:3`,
    startedAt: "2026-11-30T10:00:00Z",
    finishedAt: "2026-11-30T10:02:00Z",
    ...(error !== undefined ? { error } : {}),
  });

  beforeAll(async () => {
    moto = await startMoto();
    aws = clients(moto);
    await createCentralBucket(aws.s3, moto.env.AWS_REGION ?? "eu-west-1");
    work = tempDir("fleet-status-page-");
    const records = [
      record("alpha", "20261130T100000Z-00000001", "1.1.0", "succeeded"),
      record("bravo", "20261130T100000Z-00000002", "1.0.0", "succeeded"),
      record("bravo", "20261130T110000Z-00000003", "1.1.0", "failed", "terraform apply failed (exit 1): Error: <AccessDenied> on iam:CreateRole"),
    ];
    for (const r of records) await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: statusKey(r.env, r.app, r.releaseId), Body: JSON.stringify(r) }));
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

  it("writes the page to --out and prints its path; the page shows the failure, its error and the tenant never deployed", async () => {
    // Act
    const out = join(work, "site", "status.html");
    const r = await fleet("--format", "html", "--out", out);
    // Assert: the page is written, and the exit code gates on bravo's failure as the table's does
    expect(r.stderr).toBe("✖ fleet status: the newest release failed or was refused in bravo\n");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`status page written to ${out}\n`);
    const html = readFileSync(out, "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`${APP} <small>newest version</small> <code>1.1.0</code>`);
    expect(html).toContain("from s3://acme-fleet-artifacts");
    const failedSection = html.slice(html.indexOf('id="h-failed"'), html.indexOf('id="h-t"'));
    expect(failedSection).toContain("<th scope=\"row\">bravo");
    expect(failedSection).toContain("Error: &lt;AccessDenied&gt; on iam:CreateRole");
    expect(html).toMatch(/<th scope="row">charlie<\/th><td><span class="st s-not-started">/);
    expect(html).not.toContain('id="rollout"'); // no rollout in the bucket yet
  });

  it("prints the page to stdout without --out", async () => {
    const r = await fleet("--format", "html");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
  });

  it("refuses --out with another format, before reading anything", async () => {
    const out = join(work, "nope.html");
    const r = await fleet("--format", "table", "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--out writes the status page: use it with --format html");
    expect(existsSync(out)).toBe(false);
  });

  it("the rollout's page: the tenants from the records and the rollout's state with its halt reason", async () => {
    // Prepare
    const fleet = loadFleet(join(ROOT, "environments"));
    const state = {
      rolloutId: "20261130T110000Z-0a0b0c0d",
      version: "1.1.0",
      createdAt: "2026-11-30T11:00:00.000Z",
      phase: "halted" as const,
      haltReason: "wave 1: bravo failed (tolerance 0)",
      policy: { maxConcurrent: 10, failureTolerance: 0, failureBudget: null, bakeMinutes: 0, tenantTimeoutMinutes: 90, onFailure: "halt" as const },
      waves: [{ wave: 0, doneAt: "2026-11-30T11:03:00.000Z" }, { wave: 1 }, { wave: 2 }],
      tenants: [
        { wave: 0, state: "succeeded" as const },
        { wave: 1, state: "failed" as const },
        { wave: 2, state: "pending" as const },
      ],
    };
    const out = join(work, "rollout.html");
    let stdout = "";
    // Act
    const file = await writeRolloutStatusPage({ cwd: ROOT, env: moto.env, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } }, { fleet, bucket: BUCKET, app: APP, state, out });
    // Assert
    expect(file).toBe(out);
    expect(stdout).toBe(`status page written to ${out}\n`);
    const html = readFileSync(out, "utf8");
    expect(html).toContain('<p class="halt"><strong>Halted:</strong> wave 1: bravo failed (tolerance 0)</p>');
    expect(html).toContain("Error: &lt;AccessDenied&gt; on iam:CreateRole");
  });

  it("shows the app's current rollout (running or halted) on fleet status --format html", async () => {
    // Prepare: a rollout of 1.1.0 that halted in wave 1, stored where the controller keeps it.
    const planned = planRollout({
      rolloutId: "20261130T120000Z-0000abcd",
      app: APP,
      version: "1.1.0",
      artifactSha256: "c".repeat(64),
      requestedBy: "ops",
      reason: "",
      policy: resolvePolicy({ failureTolerance: 0 }, 60),
      targets: [
        { name: "alpha", wave: 0 },
        { name: "bravo", wave: 1 },
        { name: "charlie", wave: 2 },
      ],
      now: Date.parse("2026-11-30T12:00:00Z"),
    });
    const halted = { ...planned, phase: "halted" as const, haltReason: "wave 1: 1 failure, more than its tolerance of 0" };
    expect(await new S3RolloutStore(aws.s3, BUCKET).writeState(halted, undefined)).toBeDefined();
    const out = join(work, "with-rollout.html");
    // Act
    const r = await fleet("--format", "html", "--out", out);
    // Assert
    expect([r.code, r.stderr]).toEqual([1, "✖ fleet status: the newest release failed or was refused in bravo\n"]);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("Rollout <code>20261130T120000Z-0000abcd</code> of 1.1.0");
    expect(html).toContain('<p class="halt"><strong>Halted:</strong> wave 1: 1 failure, more than its tolerance of 0</p>');
  });
});
