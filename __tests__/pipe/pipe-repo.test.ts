/**
 * The pipe as a product: its metadata agrees with the one list of variables (pipe/catalog.ts), every
 * variable the pipe reads is in that list, and scripts/pipe-repo.mjs assembles a pipe repository whose root
 * holds what Bitbucket and `docker build` need, with a program that runs without this repository.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { PIPE_VARIABLES, USER_VARIABLES } from "../../pipe/catalog";
import { withGenerated } from "../../pipe/catalog-render";
import { readSettings as readReviewSettings } from "../../pipe/review/settings";
import { readSettings } from "../../pipe/settings";
import { Variables, type Env } from "../../pipe/variables";
import { ROOT, ensureBuilt } from "../helpers/bundles";
import { removeDir, tempDir } from "../helpers/fs";

const script = join(ROOT, "scripts", "pipe-repo.mjs");
const pipeFile = (name: string) => readFileSync(join(ROOT, "pipe", name), "utf8");
const runScript = (args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: ROOT, encoding: "utf8" });

/** An environment that records every name read from it; `X_COUNT` and `X_3` count as `X`. */
function recordingEnv(values: Record<string, string>): { env: Env; names: Set<string> } {
  const names = new Set<string>();
  const env = new Proxy(values, {
    get(target, prop) {
      if (typeof prop === "string") names.add(prop.replace(/_(COUNT|\d+)$/, ""));
      return typeof prop === "string" ? target[prop] : undefined;
    },
  });
  return { env, names };
}

describe("pipe variables: one list", () => {
  it("pipe.yml's variables and the README table are generated from pipe/catalog.ts and up to date", () => {
    for (const name of ["pipe.yml", "README.md"] as const) expect(withGenerated(name, pipeFile(name))).toBe(pipeFile(name));
  });

  it("every variable the pipe reads, in every mode, is in the list", () => {
    const read = new Set<string>();
    const cases: Record<string, string>[] = [
      { MODE: "publish", SONAR_SKIP: "false" },
      { MODE: "release", RELEASE_TO_COUNT: "1", RELEASE_TO_0: "wave:1", VERSION: "1.0.0" },
      { MODE: "review", BITBUCKET_PR_ID: "7", REVIEW_PLAN: "true" },
    ];
    for (const values of cases) {
      const { env, names } = recordingEnv(values);
      readSettings(env, new Variables(env), tempDir("fleet-vars-"));
      names.forEach((n) => read.add(n));
    }
    const review = recordingEnv({ BITBUCKET_WORKSPACE: "acme", BITBUCKET_REPO_SLUG: "app", REVIEW_PLAN: "true" });
    readReviewSettings(review.env);
    review.names.forEach((n) => read.add(n));
    const listed = new Set(PIPE_VARIABLES.map((v) => v.name));
    expect([...read].filter((n) => !listed.has(n)).sort()).toEqual([]);
    // The list is not padded with names nothing reads. AWS_ACCESS_KEY_ID is read where the S3 client is made
    // (pipe/aws.ts), not by the settings.
    expect(USER_VARIABLES.map((v) => v.name).filter((n) => !read.has(n))).toEqual(["AWS_ACCESS_KEY_ID"]);
  });

  it("pipe.yml is valid YAML: every user variable with a description, required and, for secrets, secret: true", () => {
    const yml = parseYaml(pipeFile("pipe.yml")) as { image: string; repository: string; variables: { name: string; description: string; required: boolean; default?: string; secret?: boolean }[] };
    expect(yml.variables.map((v) => v.name)).toEqual(USER_VARIABLES.map((v) => v.name));
    for (const v of yml.variables) {
      expect(v.description.length).toBeGreaterThan(20);
      expect(typeof v.required).toBe("boolean");
    }
    expect(yml.variables.filter((v) => v.secret).map((v) => v.name)).toEqual(["SONAR_TOKEN", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "BITBUCKET_ACCESS_TOKEN"]);
    expect(yml.variables.find((v) => v.name === "SONAR_TIMEOUT")?.default).toBe("300");
    expect(yml.image).toMatch(/^acme\/cdktf-fleet-pipe:\d+\.\d+\.\d+$/);
  });

  it("the README table names the review-mode variables", () => {
    const table = pipeFile("README.md");
    for (const name of ["BITBUCKET_ACCESS_TOKEN", "PLAN_ROLE_ARN", "REVIEW_PLANS", "REVIEW_COMMENT_BUDGET", "REVIEW_BASE_REF"]) expect(table).toMatch(new RegExp(`\\| \`${name}\`.*\\| .*review`));
  });
});

describe("scripts/pipe-repo.mjs", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir("fleet-pipe-repo-");
  });
  afterAll(() => removeDir(dir));

  it("assembles the pipe repository: pipe.yml, README, Dockerfile, changelog, licence, .dockerignore and the program at its root", () => {
    const out = join(dir, "tree");
    // Built here only when stale, so that this test does not rebuild dist/ under other test files' feet.
    ensureBuilt(["dist/pipe/index.js"], ["pipe"]);
    const r = runScript(["--out", out, "--no-build"]);
    expect(r.stderr).not.toContain("✖");
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([".dockerignore", "CHANGELOG.md", "Dockerfile", "LICENSE", "README.md", "RELEASING.md", "VERSION", "dist", "pipe.yml"]);
    const version = readFileSync(join(out, "VERSION"), "utf8").trim();
    expect(readFileSync(join(out, "pipe.yml"), "utf8")).toContain(`image: acme/cdktf-fleet-pipe:${version}\n`);
    expect(readFileSync(join(out, "CHANGELOG.md"), "utf8")).toMatch(new RegExp(`^## ${version.replace(/\./g, "\\.")} - \\d{4}-\\d{2}-\\d{2}$`, "m"));
    expect(readFileSync(join(out, "LICENSE"), "utf8")).toMatch(/^MIT License/);
    // Everything the Dockerfile copies from the context is in the tree and let through by .dockerignore.
    const dockerfile = readFileSync(join(out, "Dockerfile"), "utf8");
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? "").split(" "));
    expect(copied.sort()).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "dist", "pipe.yml"]);
    for (const c of copied) expect(existsSync(join(out, c))).toBe(true);
    const ignore = readFileSync(join(out, ".dockerignore"), "utf8");
    for (const c of copied) expect(ignore).toContain(`!${c}`);
    // The user's lint and test commands inherit the image's environment: the image sets no NODE_ENV.
    expect(dockerfile).not.toMatch(/^\s*(ENV\b.*)?NODE_ENV=/m);
  });

  it("the assembled program runs from the tree alone (no node_modules) and reports bad variables together", () => {
    const cwd = tempDir("fleet-pipe-run-");
    const r = spawnSync(process.execPath, [join(dir, "tree", "dist", "index.js")], { cwd, encoding: "utf8", env: { PATH: process.env.PATH, MODE: "bogus", BITBUCKET_PIPE_STORAGE_DIR: join(cwd, "storage") } });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('MODE is "bogus"; allowed: publish, review, release');
    expect(readFileSync(join(cwd, "storage", "outputs.env"), "utf8")).toBe("FLEET_RESULT=failed\nFLEET_MODE=publish\n");
    removeDir(cwd);
  });

  it("refuses versions that disagree with the changelog, and --set-version puts the changelog's version everywhere", () => {
    const copy = join(dir, "meta");
    spawnSync("mkdir", ["-p", copy]);
    for (const name of ["pipe.yml", "README.md", "CHANGELOG.md"]) copyFileSync(join(ROOT, "pipe", name), join(copy, name));
    writeFileSync(join(copy, "CHANGELOG.md"), pipeFile("CHANGELOG.md").replace("## Unreleased\n", "## Unreleased\n\n## 0.2.0 - 2026-12-01\n\n### Fixed\n\n- Something.\n"));
    const stale = runScript(["--check", "--pipe-dir", copy]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("name acme/cdktf-fleet-pipe:0.1.0 but the newest version in pipe/CHANGELOG.md is 0.2.0");
    const wrong = runScript(["--set-version", "0.3.0", "--pipe-dir", copy]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('must describe 0.3.0 first: add a heading "## 0.3.0 - <date>"');
    const set = runScript(["--set-version", "0.2.0", "--pipe-dir", copy]);
    expect(set.stderr).toBe("");
    expect(set.status).toBe(0);
    expect(readFileSync(join(copy, "pipe.yml"), "utf8")).toContain("image: acme/cdktf-fleet-pipe:0.2.0\n");
    expect(readFileSync(join(copy, "README.md"), "utf8")).not.toContain("acme/cdktf-fleet-pipe:0.1.0");
  });
});
