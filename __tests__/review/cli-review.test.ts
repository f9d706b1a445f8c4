import { join } from "node:path";
import { main } from "../../cli/main";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { PLAN_FIXTURES_DIR } from "./fixture-plans";

async function run(argv: string[], cwd = process.cwd()) {
  let stdout = "";
  let stderr = "";
  const code = await main({ argv: ["review", ...argv], env: {}, cwd, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

describe("Command: fleet review", () => {
  it("prints the markdown for a directory of plans and exits 0 despite destroys", async () => {
    const r = await run(["--plans", PLAN_FIXTURES_DIR]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toContain("**8 stacks** · 7 with changes · 1 unchanged · 0 failed");
    expect(r.stdout).toContain("- **destroy** `aws_s3_bucket.delete_bucket` — reason: no resource config — in `aws-s3-create-update-delete-noop-tf1.2`");
  });

  it("prints the JSON summary with --format json; a file named plan.json takes its directory's name", async () => {
    const dir = tempDir("review-cli-");
    try {
      writeTree(dir, { "tenant-alpha/plan.json": JSON.stringify({ format_version: "1.2" }) });
      const r = await run(["--plans", join(dir, "tenant-alpha", "plan.json"), "--format", "json"]);
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout) as { verdict: string; stacks: { stack: string; status: string }[] };
      expect(json.verdict).toBe("✔ No changes in 1 stack");
      expect(json.stacks).toEqual([expect.objectContaining({ stack: "tenant-alpha", status: "no-changes", planSha256: "9d311ee0d964f7f7fa9c48cfb19dc75737f08372b9a3c7ba53c1ffd5336a5ef7" })]);
    } finally {
      removeDir(dir);
    }
  });

  it("exits 1 naming every unreadable or invalid plan file", async () => {
    const dir = tempDir("review-cli-");
    try {
      writeTree(dir, { "a.json": "{not json", "b.json": JSON.stringify({ format_version: "2.0" }), "c.json": JSON.stringify({ format_version: "1.2" }) });
      const r = await run(["--plans", dir, "missing.json"], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("3 plan files could not be read");
      expect(r.stderr).toContain(`${join(dir, "a.json")}: not valid JSON`);
      expect(r.stderr).toContain(`${join(dir, "b.json")}: format_version: format_version major 2 or later is not supported`);
      expect(r.stderr).toContain("missing.json: no such file or directory");
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      removeDir(dir);
    }
  });

  it("exits 2 without --plans or with an unknown format", async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(["--plans", PLAN_FIXTURES_DIR, "--format", "html"])).stderr).toContain("--format must be markdown or json");
  });
});
