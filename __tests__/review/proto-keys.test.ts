/**
 * A plan may name an output or a map key `__proto__` (Terraform accepts both). Built by plain assignment,
 * such a key would replace an object's prototype instead of being added, and its change would vanish
 * from the review. Both parse paths (the fast one, and zod's when the plan has checks) must keep it.
 */
import { parsePlan } from "../../pipe/review/plan-schema";
import { renderMarkdown } from "../../pipe/review/render-markdown";
import { buildReview } from "../../pipe/review/review-model";
import { summarizePlan } from "../../pipe/review/summarize";

function review(plan: string): string {
  const parsed = parsePlan(JSON.parse(plan));
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  const summary = summarizePlan("workload-z", parsed.plan, parsed.secrets, { detail: true });
  return renderMarkdown(buildReview([summary], { mode: "plan" }), { budget: 1_000_000 });
}

const OUTPUT = '"output_changes":{"__proto__":{"actions":["create"],"before":null,"after":"v","after_unknown":false,"before_sensitive":false,"after_sensitive":false}}';
const CHECKS = '"checks":[{"address":{"kind":"check","name":"x","to_display":"check.x"},"status":"pass"}]';

describe("Function: parsePlan with keys named __proto__", () => {
  it.each([
    ["the fast path", `{"format_version":"1.2",${OUTPUT}}`],
    ["the schema path (a plan with checks)", `{"format_version":"1.2",${OUTPUT},${CHECKS}}`],
  ])("keeps an output named __proto__ in %s", (_path, plan) => {
    // Act
    const md = review(plan);
    // Assess
    expect(md).toContain("__proto__");
    expect(md).not.toContain("No changes");
  });

  it("shows a changed map entry named __proto__", () => {
    // Prepare
    const change = (before: string, after: string) =>
      `{"format_version":"1.2","resource_changes":[{"address":"terraform_data.x","type":"terraform_data","name":"x","change":{"actions":["update"],"before":{"input":{"__proto__":"${before}"}},"after":{"input":{"__proto__":"${after}"}},"after_unknown":{},"before_sensitive":{},"after_sensitive":{}}}]}`;
    // Act
    const md = review(change("old-value", "new-value"));
    // Assess
    expect(md).toContain("new-value");
  });
});
