/** The pipe entry (pipe/run.ts, the pipe engineer's) in review mode, end to end against the local API. */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../pipe/run";
import { startBitbucketServer, type BitbucketServer } from "../helpers/bitbucket-server";
import { removeDir, tempDir } from "../helpers/fs";
import { writeTenantPlans } from "./tenant-plans";

describe("Pipe: review mode through pipe/run.ts", () => {
  let server: BitbucketServer;
  let dir: string;

  beforeEach(async () => {
    server = await startBitbucketServer({ tokens: { "pr-token-XYZ987": { uuid: "{bot}", display_name: "bot" } } });
    dir = tempDir("review-pipe-");
  });
  afterEach(async () => {
    await server.stop();
    removeDir(dir);
  });

  it("posts the comment and the report, writes the detail file, ends with one ✔ line, never prints the token", async () => {
    // Prepare
    const plans = join(dir, "plans");
    const storage = join(dir, "storage");
    mkdirSync(plans);
    writeTenantPlans(plans, 4, (i) => ({ destroys: i === 0 ? 1 : 0 }));
    let out = "";
    // Act
    const code = await run({
      cwd: dir,
      stdout: { write: (t: string) => (out += t) },
      env: {
        BITBUCKET_PR_ID: "12",
        BITBUCKET_WORKSPACE: "acme",
        BITBUCKET_REPO_SLUG: "fleet",
        BITBUCKET_COMMIT: "abcdef0123456789abcdef0123456789abcdef01",
        BITBUCKET_PIPE_STORAGE_DIR: storage,
        BITBUCKET_ACCESS_TOKEN: "pr-token-XYZ987",
        BITBUCKET_API_URL: server.apiUrl,
        REVIEW_PLANS_COUNT: "1",
        REVIEW_PLANS_0: plans,
      },
    });
    // Assess
    expect(code).toBe(0);
    expect(server.comments.get("acme/fleet/12")).toHaveLength(1);
    expect(server.reports.size).toBe(1);
    expect(readFileSync(join(storage, "plan-review.json"), "utf8")).toContain('"verdict": "⚠ 1 stack destroy or replace resources"');
    expect(out).toContain("pull-request comment created");
    expect(out.trimEnd().split("\n").pop()).toMatch(/✔ .*1 stack destroy or replace resources/);
    expect(out).not.toContain("pr-token-XYZ987");
  });
});
