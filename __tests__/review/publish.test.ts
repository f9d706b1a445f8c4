import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runReview } from "../../pipe/review/run";
import { COMMENT_MARKER } from "../../pipe/review/render-markdown";
import { startBitbucketServer, type BitbucketServer, type BbUser } from "../helpers/bitbucket-server";
import { removeDir, tempDir } from "../helpers/fs";
import { writeTenantPlans } from "./tenant-plans";

const BOT: BbUser = { uuid: "{11111111-2222-3333-4444-555555555555}", display_name: "fleet-review token" };
const TOKEN = "repo-access-token-ABC123";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const PR_KEY = "acme/payments-fleet/7";

describe("Function: runReview publishing to Bitbucket", () => {
  let server: BitbucketServer;
  let plans: string;
  let storage: string;
  let lines: string[];

  beforeEach(async () => {
    server = await startBitbucketServer({ tokens: { [TOKEN]: BOT }, maxCommentLength: 32_768 });
    plans = tempDir("review-plans-");
    storage = tempDir("review-storage-");
    lines = [];
  });
  afterEach(async () => {
    await server.stop();
    removeDir(plans);
    removeDir(storage);
  });

  const env = (extra: Record<string, string> = {}) => ({
    BITBUCKET_WORKSPACE: "acme",
    BITBUCKET_REPO_SLUG: "payments-fleet",
    BITBUCKET_PR_ID: "7",
    BITBUCKET_COMMIT: COMMIT,
    BITBUCKET_BUILD_NUMBER: "42",
    REVIEW_PLANS_COUNT: "1",
    REVIEW_PLANS_0: plans,
    ...extra,
  });
  const review = (extra: Record<string, string> = {}) => runReview({ cwd: plans, env: env(extra), storageDir: storage, log: (l) => lines.push(l) });
  const withToken = { BITBUCKET_ACCESS_TOKEN: TOKEN, BITBUCKET_API_URL: "" };

  it("creates the comment on the first run and edits the same one on the second, across pages", async () => {
    // Prepare: 230 comments by a human (3 pages of 100), one of them quoting our marker, and a deleted one of ours.
    writeTenantPlans(plans, 5, (i) => ({ destroys: i === 4 ? 1 : 0 }));
    for (let i = 0; i < 230; i++) server.seedComment(PR_KEY, i === 3 ? `quoting the bot:\n${COMMENT_MARKER}` : `looks good ${i}`);
    server.seedComment(PR_KEY, `old\n${COMMENT_MARKER}`, BOT, true);
    const opts = { ...withToken, BITBUCKET_API_URL: server.apiUrl };
    // Act
    const first = await review(opts);
    const afterFirst = server.comments.get(PR_KEY)!.filter((c) => c.user.uuid === BOT.uuid && !c.deleted);
    writeTenantPlans(plans, 5, (i) => ({ destroys: i >= 3 ? 1 : 0 }));
    const second = await review(opts);
    // Assess
    expect(first).toEqual({ ok: true, summary: "⚠ 1 stack destroy or replace resources" });
    expect(second.ok).toBe(true);
    const ours = server.comments.get(PR_KEY)!.filter((c) => c.user.uuid === BOT.uuid && !c.deleted);
    expect(afterFirst).toHaveLength(1);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.id).toBe(afterFirst[0]!.id);
    expect(ours[0]!.content.raw).toContain("⚠ 2 stacks destroy or replace resources");
    expect(ours[0]!.content.raw).toContain(COMMENT_MARKER);
    const listing = server.requests.filter((r) => r.method === "GET" && r.path.endsWith("/comments"));
    expect(listing.map((r) => r.query.get("page") ?? "1")).toEqual(["1", "2", "3", "1", "2", "3"]);
    expect(listing.every((r) => r.query.get("pagelen") === "100")).toBe(true);
    const writes = server.requests.filter((r) => r.path.includes("/comments") && r.method !== "GET").map((r) => `${r.method} ${r.status}`);
    expect(writes).toEqual(["POST 201", `PUT 200`]);
    expect(server.requests.every((r) => r.authorization === `Bearer ${TOKEN}` && !r.viaProxy)).toBe(true);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });

  it("publishes the report and annotation batches of at most 100 with the documented shapes", async () => {
    // Prepare: 250 destroys in one stack, and one errored plan.
    writeTenantPlans(plans, 3, (i) => ({ destroys: i === 0 ? 250 : 0, errored: i === 2 }));
    // Act
    const result = await review({ ...withToken, BITBUCKET_API_URL: server.apiUrl });
    // Assess
    expect(result.ok).toBe(false);
    expect(result.summary).toContain("✖ 1 stack failed to plan");
    const report = server.reports.get(`acme/payments-fleet/${COMMIT}/cdktf-fleet-plan-review`)!;
    expect(report.body).toMatchObject({
      title: "Terraform plan review",
      report_type: "TEST",
      result: "FAILED",
      link: "https://bitbucket.org/acme/payments-fleet/pipelines/results/42",
      data: [
        { title: "Stacks changed", type: "NUMBER", value: 2 },
        { title: "To add", type: "NUMBER", value: 2 },
        { title: "To change", type: "NUMBER", value: 2 },
        { title: "To replace", type: "NUMBER", value: 0 },
        { title: "To destroy", type: "NUMBER", value: 250 },
        { title: "Failed stacks", type: "NUMBER", value: 1 },
      ],
    });
    const batches = server.requests.filter((r) => r.method === "POST" && r.path.endsWith("/annotations"));
    expect(batches.map((b) => (b.body as unknown[]).length)).toEqual([100, 100, 51]);
    expect(report.annotations).toHaveLength(251);
    for (const a of report.annotations) {
      expect(typeof a.summary === "string" && a.summary.length > 0 && a.summary.length <= 450).toBe(true);
    }
    expect(new Set(report.annotations.map((a) => a.external_id)).size).toBe(251);
    expect(report.annotations[0]).toMatchObject({ title: "Plan failed: tenant-t002", severity: "CRITICAL" });
    expect(report.annotations[1]).toMatchObject({ summary: "tenant-t000: aws_s3_bucket.old[0] will be destroyed — reason: count index", severity: "CRITICAL", annotation_type: "BUG" });
  });

  it("replaces the report on a re-run of the same commit, so stale annotations go", async () => {
    writeTenantPlans(plans, 2, (i) => ({ destroys: i === 0 ? 3 : 0 }));
    await review({ ...withToken, BITBUCKET_API_URL: server.apiUrl });
    writeTenantPlans(plans, 2, () => ({ destroys: 0 }));
    await review({ ...withToken, BITBUCKET_API_URL: server.apiUrl });
    expect(server.reports.get(`acme/payments-fleet/${COMMIT}/cdktf-fleet-plan-review`)!.annotations).toEqual([]);
  });

  it("trims an oversized review to the budget instead of having it refused", async () => {
    // Prepare: 300 tenants, each with its own value, each destroying a bucket.
    writeTenantPlans(plans, 300, (i) => ({ destroys: 1, unique: `v-${i}` }));
    // Act
    const result = await review({ ...withToken, BITBUCKET_API_URL: server.apiUrl });
    // Assess
    expect(result.ok).toBe(true);
    const ours = server.comments.get(PR_KEY)!.filter((c) => c.user.uuid === BOT.uuid);
    expect(ours).toHaveLength(1);
    const raw = ours[0]!.content.raw;
    expect(raw.length).toBeLessThanOrEqual(30_000);
    expect(raw).toContain("- **destroy** `aws_s3_bucket.old[0]` — reason: count index — in 300 stacks:");
    expect(raw).toContain("_… the rest of the detail is trimmed to fit the comment (30000 characters); it is in the Code Insights report");
    const full = readFileSync(join(storage, "plan-review.md"), "utf8");
    expect(full.length).toBeGreaterThan(30_000);
    expect(full).toContain("**`tenant-t299`**");
  });

  it("without a token: no comment, the report goes through the pipelines proxy unauthenticated", async () => {
    writeTenantPlans(plans, 2, (i) => ({ destroys: i }));
    const result = await review({ BITBUCKET_PROXY_URL: server.url });
    expect(result.ok).toBe(true);
    expect(server.comments.get(PR_KEY)).toBeUndefined();
    expect(server.requests.map((r) => `${r.method} ${r.target} ${r.status}`)).toEqual([
      `DELETE http://api.bitbucket.org/2.0/repositories/acme/payments-fleet/commit/${COMMIT}/reports/cdktf-fleet-plan-review 404`,
      `PUT http://api.bitbucket.org/2.0/repositories/acme/payments-fleet/commit/${COMMIT}/reports/cdktf-fleet-plan-review 200`,
      `POST http://api.bitbucket.org/2.0/repositories/acme/payments-fleet/commit/${COMMIT}/reports/cdktf-fleet-plan-review/annotations 200`,
    ]);
    expect(server.requests.every((r) => r.viaProxy && r.authorization === undefined)).toBe(true);
    expect(lines.join("\n")).toContain("no BITBUCKET_ACCESS_TOKEN: no pull-request comment");
    expect(String(server.reports.values().next().value!.body.details)).toContain("No pull-request comment: set BITBUCKET_ACCESS_TOKEN");
  });

  it("reports a refused API call as a failure naming the call, without the token", async () => {
    writeTenantPlans(plans, 1);
    const result = await review({ BITBUCKET_ACCESS_TOKEN: "wrong-token", BITBUCKET_API_URL: server.apiUrl });
    expect(result.ok).toBe(false);
    expect(result.summary).toMatch(/Code Insights report not published: Bitbucket API DELETE http:\/\/127\.0\.0\.1:\d+\/2\.0\/repositories\/acme\/payments-fleet\/commit\/\w+\/reports\/cdktf-fleet-plan-review answered HTTP 401/);
    expect(result.summary).toContain("pull-request comment not posted");
    expect(result.summary + lines.join("\n")).not.toContain("wrong-token");
  });

  it("reports every invalid variable at once", async () => {
    await expect(review({ REVIEW_PLAN: "yes", BITBUCKET_PR_ID: "seven", REVIEW_COMMENT_BUDGET: "10", BITBUCKET_ACCESS_TOKEN: "secret-token-1" })).rejects.toThrow(
      /^3 problems with the pipe variables:\n {2}- BITBUCKET_PR_ID is "seven", which does not match a pull-request number\n {2}- REVIEW_PLAN must be 'true' or 'false', got "yes"\n {2}- REVIEW_COMMENT_BUDGET must be between 1000 and 100000, got 10$/,
    );
  });

  it("falls back to the marker alone when the token cannot read /user, and still edits in place", async () => {
    // Prepare
    await server.stop();
    server = await startBitbucketServer({ tokens: { [TOKEN]: BOT }, refuseUserEndpoint: true });
    writeTenantPlans(plans, 2);
    const opts = { ...withToken, BITBUCKET_API_URL: server.apiUrl };
    // Act
    await review(opts);
    await review(opts);
    // Assess
    expect(server.comments.get(PR_KEY)!.filter((c) => c.user.uuid === BOT.uuid)).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("pull-request comment"))).toEqual([
      expect.stringMatching(/^pull-request comment created \(#\d+\); found by marker only;/),
      expect.stringMatching(/^pull-request comment updated \(#\d+\); found by marker only;/),
    ]);
  });
});
