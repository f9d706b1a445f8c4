/**
 * The pipe entry end to end, as Bitbucket runs it: a git clone as working directory, variables as
 * strings (lists as NAME_COUNT + NAME_n), real lint/test/scanner/synth commands (node scripts), SonarQube
 * on a local web-API server, S3 on moto.
 */
import { CreateBucketCommand, PutBucketVersioningCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { ManifestSchema } from "../../core/records";
import { createS3 } from "../../pipe/aws";
import type { PipeResult } from "../../pipe/result";
import { run } from "../../pipe/run";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { describeWithMoto, startMoto, type Moto } from "../helpers/moto";
import { startSonarServer, type SonarServer } from "../helpers/sonar-server";

const BUCKET = "acme-fleet-artifacts";
const ESC = String.fromCharCode(27);
const stripColors = (t: string) => t.split(new RegExp(`${ESC}\\[\\d+m`)).join("");
const ROOT = join(__dirname, "../..");

/** `NAME_COUNT` + `NAME_0..n`, as Bitbucket passes a YAML list. */
function list(name: string, items: string[]): Record<string, string> {
  const out: Record<string, string> = { [`${name}_COUNT`]: String(items.length) };
  items.forEach((v, i) => (out[`${name}_${i}`] = v));
  return out;
}

const SCANNER = `
const fs = require("node:fs");
fs.mkdirSync(".scannerwork", { recursive: true });
const url = process.env.SONAR_HOST_URL;
if (!process.env.SONAR_TOKEN) { console.error("no token"); process.exit(3); }
fs.writeFileSync(".scannerwork/report-task.txt", ["projectKey=acme_app", "serverUrl=" + url, "dashboardUrl=" + url + "/dashboard?id=acme_app", "ceTaskId=" + process.env.TASK_ID, "ceTaskUrl=" + url + "/api/ce/task?id=" + process.env.TASK_ID, ""].join("\\n"));
console.log("INFO: Analysis report uploaded; token is " + process.env.SONAR_TOKEN);
`;

describeWithMoto("pipe entry (run) end to end", () => {
  let moto: Moto;
  let sonar: SonarServer;
  let s3: S3Client;
  let work: string;

  beforeAll(async () => {
    [moto, sonar] = await Promise.all([startMoto(), startSonarServer()]);
    s3 = createS3(moto.env);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })); await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: "Enabled" } }));
  });
  afterAll(async () => {
    s3?.destroy();
    await Promise.all([moto?.stop(), sonar?.stop()]);
  });
  beforeEach(() => {
    work = tempDir("fleet-pipe-e2e-");
  });
  afterEach(() => removeDir(work));

  /** A repository clone like Bitbucket's: git history, package.json, the fleet config, lint/test/scanner scripts. */
  function repo(options: { testFails?: boolean } = {}): string {
    const dir = join(work, "clone");
    writeTree(dir, {
      "package.json": JSON.stringify({ name: "payments", version: "3.1.0" }),
      "src/handler.ts": "export const handler = async () => ({ statusCode: 200 });\n",
      "scripts/lint.js": "require('node:fs').writeFileSync('lint.ran', 'yes'); console.log('lint: 0 problems');\n",
      "scripts/test.js": options.testFails ? "console.error('1 failing: handler returns 500'); process.exit(1);\n" : "console.log('2 passing');\n",
      "scripts/scanner.js": SCANNER,
      "scripts/synth.js": "const fs = require('node:fs'); fs.mkdirSync('cdktf.out/stacks/workload-alpha', { recursive: true }); fs.writeFileSync('cdktf.out/stacks/workload-alpha/cdk.tf.json', '{}');\n",
      "node_modules/left-pad/index.js": "module.exports = 1;\n",
    });
    cpSync(join(ROOT, "environments"), join(dir, "environments"), { recursive: true });
    for (const args of [["init", "-q", "-b", "main"], ["add", "."], ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init"]]) {
      expect(spawnSync("git", args, { cwd: dir }).status).toBe(0);
    }
    return dir;
  }

  function bitbucketEnv(clone: string, extra: Record<string, string>): Record<string, string> {
    return {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
      CI: "true",
      BITBUCKET_CLONE_DIR: clone,
      BITBUCKET_PIPE_STORAGE_DIR: join(work, "storage"),
      BITBUCKET_PIPE_SHARED_STORAGE_DIR: join(work, "shared"),
      BITBUCKET_BRANCH: "main",
      BITBUCKET_BUILD_NUMBER: "7",
      BITBUCKET_COMMIT: "0123456789abcdef0123456789abcdef01234567",
      BITBUCKET_REPO_FULL_NAME: "acme/payments",
      BITBUCKET_REPO_SLUG: "payments",
      BITBUCKET_WORKSPACE: "acme",
      BITBUCKET_STEP_TRIGGERER_UUID: "{11111111-2222-3333-4444-555555555555}",
      ...moto.env,
      ...list("LINT_COMMAND", ["node", "scripts/lint.js"]),
      ...list("TEST_COMMAND", ["node", "scripts/test.js"]),
      ...list("SONAR_SCANNER_COMMAND", ["node", "scripts/scanner.js"]),
      ...list("SYNTH_COMMAND", ["node", "scripts/synth.js"]),
      SONAR_HOST_URL: sonar.url,
      SONAR_TOKEN: sonar.token,
      SONAR_POLL_INTERVAL: "0.05",
      ...extra,
    };
  }

  async function runPipe(env: Record<string, string>): Promise<{ code: number; out: string; lines: string[]; result: PipeResult }> {
    let out = "";
    // Colours are on under CI=true, as in Bitbucket; the assertions read plain text.
    const code = await run({ env, stdout: { write: (t: string) => (out += stripColors(t)) } });
    const result = JSON.parse(readFileSync(join(env.BITBUCKET_PIPE_STORAGE_DIR ?? "", "result.json"), "utf8")) as PipeResult;
    return { code, out, lines: out.trimEnd().split("\n"), result };
  }

  const keys = async (prefix: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);

  it("gates, packages, publishes and releases wave 0 on a branch build, ending with ✔ and a result file", async () => {
    // Prepare
    const clone = repo();
    sonar.set("t-ok", { taskStatuses: ["PENDING", "SUCCESS"], analysisId: "a-ok", gate: { status: "OK" } });
    const env = bitbucketEnv(clone, { TASK_ID: "t-ok", ...list("RELEASE_TO", ["wave:0"]), DEBUG: "true" });
    // Act
    const { code, out, lines, result } = await runPipe(env);
    // Assess
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatch(/^✔ payments-api 3\.1\.0-build\.7 published \(sha256 [0-9a-f]{12}…\), released to alpha$/);
    expect(out).toContain("lint: 0 problems");
    expect(out).toContain("2 passing");
    expect(out).not.toContain(sonar.token); // not even the scanner's own output, not with DEBUG
    expect(result).toMatchObject({ ok: true, mode: "publish", app: "payments-api", version: "3.1.0-build.7", artifactKey: "artifacts/payments-api/3.1.0-build.7/payments-api-3.1.0-build.7.zip", gate: { lint: "passed", test: "passed", sonar: "passed", sonarAnalysisId: "a-ok" } });
    expect(result.releases.map((r) => r.env)).toEqual(["alpha"]);
    // The next commands of the step read version, key and SHA-256 from outputs.env.
    const outputs = readFileSync(join(env.BITBUCKET_PIPE_STORAGE_DIR ?? "", "outputs.env"), "utf8");
    expect(outputs).toContain(`FLEET_VERSION=3.1.0-build.7\nFLEET_BUCKET=${BUCKET}\nFLEET_ARTIFACT_KEY=${result.artifactKey}\n`);
    expect(outputs).toContain(`FLEET_SHA256=${result.sha256}\n`);
    const manifest = ManifestSchema.parse(JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: result.manifestKey! }))).Body!.transformToString()));
    expect(manifest).toMatchObject({ commit: env.BITBUCKET_COMMIT, buildNumber: "7", branch: "main", sha256: result.sha256, gate: { sonar: "passed", sonarProjectKey: "acme_app" } });
    expect(await keys("releases/alpha/payments-api/3.1.0-build.7/")).toHaveLength(1);
    // The artifact holds the app and the synthesized stacks, not .git, node_modules or the scanner's work dir.
    const zip = join(work, "storage", "payments-api-3.1.0-build.7.zip");
    const listing = spawnSync("unzip", ["-Z1", zip], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
    expect(listing).toEqual(expect.arrayContaining(["src/handler.ts", "cdktf.out/stacks/workload-alpha/cdk.tf.json", "environments/fleet.yaml", "package.json"]));
    expect(listing.filter((n) => /^(\.git|node_modules|\.scannerwork)\//.test(n))).toEqual([]);
  });

  it("stops at a failing test command with ✖, publishing nothing", async () => {
    // Prepare
    const clone = repo({ testFails: true });
    const env = bitbucketEnv(clone, { TASK_ID: "unused", VERSION: "3.2.0", ...list("RELEASE_TO", ["wave:0"]) });
    // Act
    const { code, out, lines, result } = await runPipe(env);
    // Assess
    expect(code).toBe(1);
    expect(out).toContain("1 failing: handler returns 500");
    expect(lines.at(-1)).toBe("✖ test failed: `node scripts/test.js` exited with code 1 after " + /after (\S+) s/.exec(lines.at(-1)!)![1] + " s");
    expect(result).toMatchObject({ ok: false, gate: { lint: "passed", test: "failed", sonar: "not-run" } });
    expect(await keys("artifacts/payments-api/3.2.0/")).toEqual([]);
    expect(await keys("releases/alpha/payments-api/3.2.0/")).toEqual([]);
  });

  it("stops at a red quality gate after the scan, listing the failed condition", async () => {
    // Prepare
    const clone = repo();
    sonar.set("t-red", { taskStatuses: ["SUCCESS"], analysisId: "a-red", gate: { status: "ERROR", conditions: [{ status: "ERROR", metricKey: "new_coverage", comparator: "LT", errorThreshold: "80", actualValue: "12.0" }] } });
    const env = bitbucketEnv(clone, { TASK_ID: "t-red", VERSION: "3.3.0" });
    // Act
    const { code, out, lines, result } = await runPipe(env);
    // Assess
    expect(code).toBe(1);
    expect(out).toContain("- new_coverage: actual 12.0, comparator LT, threshold 80");
    expect(lines.at(-1)).toBe("✖ SonarQube quality gate failed (ERROR) for acme_app: 1 condition not met:");
    expect(result.gate.sonar).toBe("failed");
    expect(await keys("artifacts/payments-api/3.3.0/")).toEqual([]);
  });

  it("reports every variable problem at once, before running anything, without printing secrets", async () => {
    // Prepare
    const clone = repo();
    const env = bitbucketEnv(clone, { SONAR_SKIP: "yes", DEBUG: "1", VERSION: "v3", LINT_COMMAND_COUNT: "", LINT_COMMAND: "npm run lint", SONAR_TIMEOUT: "5m", AWS_OIDC_ROLE_ARN: "arn:aws:iam::210987654321:role/fleet-uploader" });
    delete env.LINT_COMMAND_0;
    delete env.LINT_COMMAND_1;
    // Act
    const { code, out, lines } = await runPipe(env);
    // Assess
    expect(code).toBe(1);
    expect(lines.at(-1)).toBe("✖ 6 problems with the pipe variables:");
    for (const problem of [
      "DEBUG must be 'true' or 'false', got \"1\"",
      "LINT_COMMAND must be a YAML list",
      "SONAR_SKIP must be 'true' or 'false', got \"yes\"",
      "SONAR_TIMEOUT must be a whole number, got \"5m\"",
      "VERSION is \"v3\", which does not match SemVer",
      "add `oidc: true` to this step",
    ]) expect(out).toContain(problem);
    expect(existsSync(join(clone, "lint.ran"))).toBe(false);
    expect(out).not.toContain(sonar.token);
  });

  it("publishes with SONAR_SKIP: 'true' only with a loud warning, and records the skip in the manifest", async () => {
    // Prepare
    const clone = repo();
    const env = bitbucketEnv(clone, { SONAR_SKIP: "true", VERSION: "3.4.0", BITBUCKET_TAG: "v3.4.0" });
    delete env.BITBUCKET_BRANCH;
    // Act
    const { code, out, result } = await runPipe(env);
    // Assess
    expect(code).toBe(0);
    expect(out).toContain("WARNING: SONAR_SKIP is 'true': NO SonarQube scan and NO quality gate for this build.");
    const manifest = ManifestSchema.parse(JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: result.manifestKey! }))).Body!.transformToString()));
    expect(manifest).toMatchObject({ tag: "v3.4.0", gate: { sonar: "skipped" } });
    expect(manifest.branch).toBeUndefined();
  });

  it("in release mode writes release objects for a published version, and refuses one on hold", async () => {
    // Prepare
    const clone = repo();
    await runPipe(bitbucketEnv(clone, { SONAR_SKIP: "true", VERSION: "3.5.0" }));
    writeFileSync(join(clone, "environments/charlie.yaml"), readFileSync(join(clone, "environments/charlie.yaml"), "utf8") + "hold: true\n");
    // Act
    const ok = await runPipe(bitbucketEnv(clone, { MODE: "release", VERSION: "3.5.0", ...list("RELEASE_TO", ["bravo"]), RELEASE_REASON: "promote" }));
    const held = await runPipe(bitbucketEnv(clone, { MODE: "release", VERSION: "3.5.0", ...list("RELEASE_TO", ["wave:2"]) }));
    // Assess
    expect(ok.code).toBe(0);
    expect(ok.lines.at(-1)).toBe("✔ released payments-api 3.5.0 to bravo");
    expect(ok.result.releases).toHaveLength(1);
    expect(held.code).toBe(1);
    expect(held.out).toMatch(/charlie is on hold/);
    expect(await keys("releases/charlie/payments-api/3.5.0/")).toEqual([]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: ok.result.releases[0]?.key }));
    expect(head.ContentType).toBe("application/json");
  });

  it("runs from its esbuild bundle as the image's entrypoint does", async () => {
    // Prepare
    const clone = repo();
    const bundle = join(work, "dist/pipe/index.js");
    // The two entries of the image's build: the pipe and its compression worker, side by side.
    const entryPoints = { index: join(ROOT, "pipe/index.ts"), "zip-worker": join(ROOT, "pipe/zip/worker.ts") };
    await build({ entryPoints, outdir: dirname(bundle), bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "silent", mainFields: ["module", "main"], external: ["cdktf", "constructs", "@cdktf/*", "esbuild"] });
    const env = bitbucketEnv(clone, { SONAR_SKIP: "true", VERSION: "3.6.0", NODE_PATH: join(ROOT, "node_modules") });
    // Act
    const child = spawnSync(process.execPath, [bundle], { cwd: clone, env, encoding: "utf8" });
    // Assess
    expect(stripColors(child.stdout).trimEnd().split("\n").at(-1)).toMatch(/^✔ payments-api 3\.6\.0 published/);
    expect(child.status).toBe(0);
  });
});
