import { readFileSync } from "node:fs";
import { writeDetail } from "../../pipe/review/detail";
import { buildAnnotations, buildReport } from "../../pipe/review/insights";
import { parsePlan } from "../../pipe/review/plan-schema";
import { renderMarkdown } from "../../pipe/review/render-markdown";
import { reviewJson } from "../../pipe/review/review-json";
import { buildReview } from "../../pipe/review/review-model";
import { summarizePlan } from "../../pipe/review/summarize";
import { removeDir, tempDir } from "../helpers/fs";
import { PLAN_FIXTURES, fixtureJson } from "./fixture-plans";
import { findSecret, secretStrings } from "./plan-secrets";

/** Every output a review produces, as text: comment, JSON summary, Code Insights bodies, detail files. */
function everyOutput(stack: string, json: Record<string, unknown>): Record<string, string> {
  const parsed = parsePlan(json);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  const review = buildReview([summarizePlan(stack, parsed.plan, parsed.secrets, { detail: true })], { mode: "plan" });
  const dir = tempDir("review-leak-");
  try {
    const files = writeDetail(dir, review);
    return {
      markdown: renderMarkdown(review),
      json: JSON.stringify(reviewJson(review)),
      report: JSON.stringify(buildReport(review)),
      annotations: JSON.stringify(buildAnnotations(review)),
      detailJson: readFileSync(files.json, "utf8"),
      detailMarkdown: readFileSync(files.markdown, "utf8"),
    };
  } finally {
    removeDir(dir);
  }
}

describe("Review outputs: sensitive values never leak", () => {
  it.each(PLAN_FIXTURES)("%s: no sensitive value in any output", (file) => {
    // Prepare
    const json = fixtureJson(file);
    const secrets = secretStrings(json);
    // Act
    const outputs = everyOutput(file.replace(/\.json$/, ""), json);
    // Assess
    const leaks = Object.entries(outputs).flatMap(([where, text]) => secrets.filter((s) => findSecret(text, s) >= 0).map((s) => `${where}: ${s}`));
    expect(leaks).toEqual([]);
  });

  it("the secret finder does find the fixture's sensitive values (the test above can fail)", () => {
    expect(secretStrings(fixtureJson("local-file-replace-sensitive-tf1.13.json"))).toEqual(expect.arrayContaining(["foo-42", "foobar-42", "42"]));
    expect(findSecret(JSON.stringify(fixtureJson("local-file-replace-sensitive-tf1.13.json")), "foobar-42")).toBeGreaterThan(0);
  });

  it("masks canaries planted in sensitive attributes, outputs, variables, prior_state, planned_values and configuration", () => {
    // Prepare: a real fixture with a canary in every place a secret can sit.
    const json = fixtureJson("local-file-replace-sensitive-tf1.13.json");
    const changes = json.resource_changes as { change: Record<string, unknown> }[];
    const first = changes[0]!;
    first.change.before = { ...(first.change.before as object), content: "CANARY-BEFORE-ATTR" };
    first.change.after = { ...(first.change.after as object), content: "CANARY-AFTER-ATTR" };
    json.output_changes = {
      token: { actions: ["update"], before: "CANARY-OUT-BEFORE", after: "CANARY-OUT-AFTER", after_unknown: false, before_sensitive: true, after_sensitive: true },
      nested: { actions: ["create"], before: null, after: { user: "u", password: "CANARY-OUT-NESTED" }, after_unknown: false, before_sensitive: false, after_sensitive: { password: true } },
    };
    json.variables = { test: { value: "CANARY-VARIABLE" } };
    json.prior_state = { values: { root_module: { resources: [{ values: { content: "CANARY-PRIOR" } }] } } };
    json.planned_values = { root_module: { resources: [{ values: { content: "CANARY-PLANNED" } }] } };
    json.configuration = { root_module: { variables: { test: { sensitive: true } }, resources: [{ expressions: { content: { constant_value: "CANARY-CONFIG" } } }] } };
    // Act
    const outputs = everyOutput("canary", json);
    // Assess
    for (const [where, text] of Object.entries(outputs)) expect({ where, found: text.match(/CANARY-[A-Z-]+/g) }).toEqual({ where, found: null });
    expect(outputs.markdown).toContain("`content`: _(sensitive value changed)_");
    expect(outputs.markdown).toContain("changed output `token`: _(sensitive)_");
    expect(outputs.json).toContain('"name":"nested","kind":"create","sensitive":true,"before":null,"after":"(sensitive value)"');
  });

  it("scrubs a secret that Terraform left unmarked in a derived attribute (terraform_data.output)", () => {
    // Prepare: the shape terraform 1.11.4 prints for terraform_data with a sensitive input.
    const json = {
      format_version: "1.2",
      resource_changes: [
        {
          address: "terraform_data.f",
          type: "terraform_data",
          change: {
            actions: ["update"],
            before: { id: "881f", input: "TOKEN-BEFORE-9f2", output: "TOKEN-BEFORE-9f2" },
            after: { id: "881f", input: "TOKEN-AFTER-77c" },
            after_unknown: { output: true },
            before_sensitive: { input: true },
            after_sensitive: { input: true },
          },
        },
      ],
      prior_state: { values: { root_module: { resources: [{ values: { note: "prefix TOKEN-OTHER-123 suffix" }, sensitive_values: { note: true } }] } } },
      variables: { token: { value: "TOKEN-AFTER-77c" } },
      configuration: { root_module: { variables: { token: { sensitive: true } } } },
    };
    // Act
    const outputs = everyOutput("derived", json);
    // Assess
    for (const text of Object.values(outputs)) expect(text).not.toContain("TOKEN-");
    expect(outputs.markdown).toContain("  - `input`: _(sensitive value changed)_\n  - `output`: _(sensitive value changed)_");
  });
});
