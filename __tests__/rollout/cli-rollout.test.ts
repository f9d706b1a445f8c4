/** `fleet rollout …` and `fleet rollback` end to end against moto, with stand-in deployers writing status records. */
import type { S3Client } from "@aws-sdk/client-s3";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../cli/main";
import type { Status } from "../../core/records";
import { formatReleaseId } from "../../core/version";
import { createS3 } from "../../pipe/aws";
import { removeDir, tempDir } from "../helpers/fs";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";
import { APP, centralBucket, deployers, listKeys, putStatus, readRelease } from "./moto-setup";

describeWithMoto("fleet rollout and fleet rollback against moto", () => {
  let moto: Moto;
  let s3: S3Client;
  let dir: string;
  let envDir: string;
  const answered = new Set<string>();

  async function fleet(...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main({ argv, cwd: dir, env: { ...moto.env, FLEET_REQUESTED_BY: "tester" }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  }

  /** Stand-in deployers answering every new release while `fn` runs. */
  async function whileDeploying<T>(outcome: (env: string) => Status["result"] | undefined, fn: () => Promise<T>): Promise<T> {
    let running = true;
    const loop = (async () => {
      while (running) {
        await deployers(s3, (env) => outcome(env), answered);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      return await fn();
    } finally {
      running = false;
      await loop;
    }
  }

  beforeAll(async () => {
    moto = await startMoto();
    s3 = createS3(moto.env);
    dir = tempDir("fleet-rollout-cli-");
    envDir = join(dir, "environments");
    cpSync(join(__dirname, "../../environments"), envDir, { recursive: true });
    writeFileSync(join(envDir, "fleet.yaml"), `${readFileSync(join(envDir, "fleet.yaml"), "utf8")}rollout:\n  maxConcurrent: 2\n  failureTolerance: 0\n  tenantTimeoutMinutes: 5\n`);
    await centralBucket(s3, dir, ["1.0.0", "2.0.0"]);
    // Every tenant ran 1.0.0 before (what a rollback goes back to).
    for (const env of ["alpha", "bravo", "charlie"]) await putStatus(s3, { env, app: APP, releaseId: formatReleaseId(new Date(Date.now() - 60_000), "00001"), version: "1.0.0", result: "succeeded" });
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
    removeDir(dir);
  });

  it("starts, halts on a failure, rolls back, resumes and completes, with exit codes a script can gate on", async () => {
    // start: wave 0 (alpha) released.
    const start = await fleet("rollout", "start", "--app", APP, "--version", "2.0.0", "--reason", "ship it");
    expect(start.stderr).toBe("");
    expect(start.code).toBe(0);
    const id = /started rollout (\S+)/.exec(start.stdout)?.[1] ?? "";
    expect((await listKeys(s3, "releases/")).filter((k) => k.includes("/2.0.0/"))).toEqual([expect.stringMatching(new RegExp(`^releases/alpha/${APP}/2\\.0\\.0/`))]);
    const inFlight = await fleet("rollout", "status", "--format", "json");
    expect(inFlight.code).toBe(0);
    expect(JSON.parse(inFlight.stdout)).toMatchObject({ rolloutId: id, phase: "running", counts: { "in-flight": 1, "not-started": 2 } });

    // run: alpha succeeds, bravo (wave 1) fails → halted, exit 1; charlie never starts.
    const halted = await whileDeploying((env) => (env === "bravo" ? "failed" : "succeeded"), () => fleet("rollout", "run", "--app", APP, "--version", "2.0.0", "--interval", "0.05", "--timeout", "1"));
    expect(halted.code).toBe(1);
    expect(halted.stdout).toContain(`▶ continuing rollout ${id}`);
    expect(halted.stdout).toContain("halted: wave 1: 1 failure, more than its tolerance of 0");
    const status = await fleet("rollout", "status", "--rollout", id);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/HALTED \(wave 1: 1 failure, more than its tolerance of 0\)/);
    expect(status.stdout).toMatch(/2\s+charlie\s+not-started/);
    // The same as the status page: the halt reason, the failed tenant on top, same exit code.
    const page = join(dir, "rollout.html");
    const html = await fleet("rollout", "status", "--rollout", id, "--format", "html", "--out", page);
    expect([html.code, html.stdout]).toEqual([1, `status page written to ${page}\n`]);
    const pageText = readFileSync(page, "utf8");
    expect(pageText).toContain('<p class="halt"><strong>Halted:</strong> wave 1: 1 failure, more than its tolerance of 0</p>');
    expect(pageText).toMatch(/<h2 id="h-failed">.*<th scope="row">bravo <small>wave 1<\/small><\/th><td><span class="st s-failed">/s);

    // rollback --to failed: bravo gets 1.0.0 again, allowed to downgrade.
    const rb = await fleet("rollback", "--app", APP, "--to", "failed", "--reason", "bad deploy");
    expect(rb.code).toBe(0);
    const back = (await listKeys(s3, "releases/bravo/")).filter((k) => k.includes("/1.0.0/"));
    expect(back).toHaveLength(1);
    expect(await readRelease(s3, back.at(0) ?? "")).toMatchObject({ version: "1.0.0", allowDowngrade: true, requestedBy: "tester", reason: "rollback: bad deploy" });

    // resume: bravo retried under a new release id, then charlie; the rollout completes, exit 0.
    const resume = await fleet("rollout", "resume", "--rollout", id, "--reason", "fixed");
    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain("resumed by tester: fixed; retrying bravo");
    const done = await whileDeploying(() => "succeeded", () => fleet("rollout", "run", "--app", APP, "--version", "2.0.0", "--interval", "0.05", "--timeout", "1"));
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("COMPLETED");
    expect((await listKeys(s3, "releases/bravo/")).filter((k) => k.includes("/2.0.0/"))).toHaveLength(2);
    expect((await fleet("rollout", "status")).code).toBe(0);

    // halt of a finished rollout: refused, exit 1, no stack trace.
    const lateHalt = await fleet("rollout", "halt", "--rollout", id);
    expect([lateHalt.code, lateHalt.stderr]).toEqual([1, `✖ rollout ${id} is completed, not running: nothing to halt\n`]);
  });

  it("rejects bad usage with exit 2 and names what is allowed", async () => {
    const cases: [string[], number, string][] = [
      [["rollout", "status", "--format", "yaml"], 2, 'fleet rollout status: --format must be table, json or html, got "yaml"'],
      [["rollout", "status", "--out", "x.html"], 2, "--out writes the status page: use it with --format html"],
      [["rollout", "halt"], 2, "--rollout ID is required"],
      [["rollout", "start", "--app", APP, "--version", "2.0"], 2, '--version "2.0" is not a SemVer version'],
      [["rollout", "launch"], 2, 'unknown subcommand "launch"'],
      [["rollback", "--app", APP], 2, "--to <env|wave:N|failed> is required"],
      [["rollout", "start", "--app", APP, "--version", "9.9.9"], 1, "9.9.9 is not published"],
    ];
    for (const [argv, code, text] of cases) {
      const r = await fleet(...argv);
      expect([argv.join(" "), r.code, r.stderr.startsWith("✖ ") && r.stderr.includes(text)]).toEqual([argv.join(" "), code, true]);
    }
  });
});
