import { parsePlan, type Plan } from "../../pipe/review/plan-schema";
import { COMMENT_MARKER, renderMarkdown } from "../../pipe/review/render-markdown";
import { buildReview } from "../../pipe/review/review-model";
import { summarizePlan, type StackSummary } from "../../pipe/review/summarize";
import { fixtureJson } from "./fixture-plans";

function plan(json: unknown): Plan {
  const parsed = parsePlan(json);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.plan;
}

/** A tenant stack that updates a tag carrying its own name and account, and creates one queue. */
function tenantPlan(tenant: string, account: string, extra: unknown[] = []): unknown {
  return {
    format_version: "1.2",
    resource_changes: [
      {
        address: "aws_sqs_queue.inbound",
        type: "aws_sqs_queue",
        change: {
          actions: ["update"],
          before: { name: `fleet-${tenant}`, tags: { owner: `${tenant}@${account}`, version: "1.0" } },
          after: { name: `fleet-${tenant}`, tags: { owner: `${tenant}@${account}`, version: "1.1" } },
          after_unknown: {},
          before_sensitive: {},
          after_sensitive: {},
        },
      },
      { address: "aws_sqs_queue.dlq", type: "aws_sqs_queue", change: { actions: ["create"], before: null, after: { name: `fleet-${tenant}-dlq` }, after_unknown: { arn: true } } },
      ...extra,
    ],
  };
}

const destroyBucket = (tenant: string) => ({
  address: `aws_s3_bucket.data`,
  type: "aws_s3_bucket",
  action_reason: "delete_because_no_resource_config",
  change: { actions: ["delete"], before: { bucket: `data-${tenant}` }, after: null },
});

function fleet(n: number, differ: (i: number) => unknown[] = () => []): StackSummary[] {
  return Array.from({ length: n }, (_, i) => {
    const tenant = `tenant${String(i).padStart(3, "0")}`;
    return summarizePlan(`tenant-${tenant}`, plan(tenantPlan(tenant, String(100000000000 + i), differ(i))));
  });
}

describe("Function: renderMarkdown", () => {
  it("reads 'No changes' for an empty plan, with the marker line", () => {
    const review = buildReview([summarizePlan("tenant-alpha", plan(fixtureJson("empty-no-changes-tf1.13.json")))], { mode: "plan" });
    const md = renderMarkdown(review);
    expect(md).toMatch(/^### Terraform plan review: ✔ No changes in 1 stack$/m);
    expect(md).toContain("Unchanged (1): `tenant-alpha`");
    expect(md.trimEnd().endsWith(COMMENT_MARKER)).toBe(true);
  });

  it("groups tenants with the same changes once their name and account are factored out", () => {
    // Prepare: 27 identical tenants, 3 that also destroy a bucket.
    const stacks = fleet(30, (i) => (i >= 27 ? [destroyBucket(`t${i}`)] : []));
    // Act
    const md = renderMarkdown(buildReview(stacks, { mode: "plan" }));
    // Assess
    expect(md).toContain("**27 stacks: the same 2 changes** — `tenant-tenant000`");
    expect(md).toContain("**3 stacks: the same 3 changes**");
    expect(md).toContain("- update in place `aws_sqs_queue.inbound`\n  - `tags.version`: `\"1.0\"` → `\"1.1\"`");
    expect(md).toContain("### Terraform plan review: ⚠ 3 stacks destroy or replace resources");
    expect(md).toContain("- **destroy** `aws_s3_bucket.data` — reason: no resource config — in 3 stacks: `tenant-tenant027`, `tenant-tenant028`, `tenant-tenant029`");
  });

  it("lists a tenant that differs with its own values", () => {
    const stacks = fleet(3);
    stacks.push(summarizePlan("tenant-odd", plan(tenantPlan("odd", "999999999999", [{ address: "aws_sqs_queue.extra", type: "aws_sqs_queue", change: { actions: ["create"], before: null, after: {} } }]))));
    const md = renderMarkdown(buildReview(stacks, { mode: "plan" }));
    expect(md).toContain("**3 stacks: the same 2 changes**");
    expect(md).toContain("**1 stack differs:**\n\n**`tenant-odd`**");
    expect(md).toContain("create `aws_sqs_queue.extra`");
  });

  it("trims the per-cluster detail first and never the destructive list", () => {
    // Prepare: 300 tenants that all differ (a unique value each) and each destroy a bucket.
    const stacks = fleet(300, (i) => [
      destroyBucket(`t${i}`),
      { address: "aws_ssm_parameter.p", type: "aws_ssm_parameter", change: { actions: ["update"], before: { value: "x" }, after: { value: `v-${i * 7919}` }, after_unknown: {} } },
    ]);
    // Act
    const md = renderMarkdown(buildReview(stacks, { mode: "plan" }), { detailPointer: "plan-review.md in the pipe's storage dir" });
    // Assess
    expect(md.length).toBeLessThanOrEqual(30_000);
    expect(md).toContain("in 300 stacks:");
    for (let i = 0; i < 300; i++) expect(md).toContain(`\`tenant-tenant${String(i).padStart(3, "0")}\``);
    expect(md).toMatch(/_… the rest of the detail is trimmed to fit the comment \(30000 characters\); it is in plan-review\.md in the pipe's storage dir\._/);
    expect(md).toContain("tenant-tenant000`**");
    expect(md).not.toContain("tenant-tenant299`**");
    expect(md.trimEnd().split("\n").pop()).toContain(COMMENT_MARKER);
  });

  it("stays within the budget even when the destructive list alone is larger", () => {
    const stacks = fleet(50, (i) => Array.from({ length: 20 }, (_, j) => ({ ...destroyBucket(`t${i}`), address: `aws_s3_bucket.b${i}_${j}` })));
    const md = renderMarkdown(buildReview(stacks, { mode: "plan" }), { budget: 5000 });
    expect(md.length).toBeLessThanOrEqual(5000);
    expect(md).toContain("cut at the comment size limit");
    expect(md.trimEnd().endsWith(COMMENT_MARKER)).toBe(true);
  });
});
