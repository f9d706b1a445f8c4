/**
 * Real plans: terraform (1.11.4 here) applies a base configuration of builtin `terraform_data` resources
 * with a local backend, the configuration changes, and the review's plan runner makes and summarizes the
 * plan (init, plan -out, show -json). Skipped with the reason printed when terraform is not on PATH (a
 * failure in CI).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeDetail } from "../../pipe/review/detail";
import { buildAnnotations, buildReport } from "../../pipe/review/insights";
import { planStacks } from "../../pipe/review/plan-runner";
import { renderMarkdown } from "../../pipe/review/render-markdown";
import { reviewJson } from "../../pipe/review/review-json";
import { buildReview } from "../../pipe/review/review-model";
import type { StackSummary } from "../../pipe/review/summarize";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { describeWithTerraform } from "../helpers/terraform";

const TF_ENV = { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };

const BASE = {
  variable: { token: { type: "string", sensitive: true } },
  resource: {
    terraform_data: {
      a: { input: "one" },
      b: { input: "x", triggers_replace: ["v1"] },
      c: { input: "gone" },
      e: { input: "cbd", triggers_replace: ["v1"], lifecycle: [{ create_before_destroy: true }] },
      f: { input: "${var.token}" },
      g: { input: "keep" },
      h: { input: "moving" },
    },
  },
  output: { secret: { value: "${var.token}", sensitive: true }, plain: { value: "visible-1" } },
};

const HEAD = {
  variable: BASE.variable,
  resource: {
    terraform_data: {
      a: { input: "two" },
      b: { input: "x", triggers_replace: ["v2"] },
      e: { input: "cbd", triggers_replace: ["v2"], lifecycle: [{ create_before_destroy: true }] },
      f: { input: "${var.token}" },
      d: { input: "new" },
      h2: { input: "moving" },
    },
  },
  removed: [{ from: "terraform_data.g", lifecycle: [{ destroy: false }] }],
  moved: [{ from: "terraform_data.h", to: "terraform_data.h2" }],
  output: { secret: { value: "${var.token}", sensitive: true }, plain: { value: "visible-2" } },
};

function tf(dir: string, args: string[], env: NodeJS.ProcessEnv = TF_ENV): void {
  const r = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`terraform ${args.join(" ")}: ${r.stderr}`);
}

describeWithTerraform("Function: planStacks with real terraform", () => {
  let root: string;
  let summaries: StackSummary[];

  beforeAll(async () => {
    // Prepare: stack "tenant-alpha" applied with the base config, then changed; "tenant-broken" invalid.
    root = tempDir("review-tf-");
    const alpha = join(root, "stacks", "tenant-alpha");
    writeTree(alpha, { "main.tf.json": JSON.stringify(BASE) });
    tf(alpha, ["init", "-input=false", "-no-color"]);
    tf(alpha, ["apply", "-auto-approve", "-input=false", "-no-color"], { ...TF_ENV, TF_VAR_token: "TOKEN-BEFORE-9f2a" });
    writeFileSync(join(alpha, "main.tf.json"), JSON.stringify(HEAD));
    writeTree(join(root, "stacks", "tenant-broken"), { "main.tf.json": JSON.stringify({ output: { x: { value: "${terraform_data.missing.id}" } } }) });
    // Act
    summaries = await planStacks({ stacksDir: join(root, "stacks"), stacks: ["tenant-alpha", "tenant-broken"], terraform: "terraform", env: { ...TF_ENV, TF_VAR_token: "TOKEN-AFTER-77c1" }, log: () => undefined });
  }, 60_000);
  afterAll(() => removeDir(root));

  it("summarizes create, update, both replace orders, delete, forget and move from a real plan", () => {
    const alpha = summaries[0]!;
    expect(alpha.status).toBe("changes");
    expect(alpha.resources.map((r) => [r.address, r.kind, r.replaceOrder ?? null, r.actionReason ?? null, r.replacePaths])).toEqual([
      ["terraform_data.a", "update", null, null, []],
      ["terraform_data.b", "replace", "delete-before-create", "replace_because_cannot_update", ["triggers_replace"]],
      ["terraform_data.c", "delete", null, "delete_because_no_resource_config", []],
      ["terraform_data.d", "create", null, null, []],
      ["terraform_data.e", "replace", "create-before-destroy", "replace_because_cannot_update", ["triggers_replace"]],
      ["terraform_data.f", "update", null, null, []],
      ["terraform_data.g", "forget", null, "delete_because_no_resource_config", []],
      ["terraform_data.h2", "move", null, null, []],
    ]);
    expect(alpha.counts).toEqual({ create: 1, update: 2, replace: 2, delete: 1, read: 0, import: 0, move: 1, forget: 1 });
    expect(alpha.resources[0]!.attributes).toEqual(expect.arrayContaining([{ path: "input", before: "one", after: "two" }]));
    expect(alpha.outputs).toEqual([
      { name: "plain", kind: "update", sensitive: false, before: "visible-1", after: "visible-2" },
      { name: "secret", kind: "update", sensitive: true, before: "(sensitive value)", after: "(sensitive value changed)" },
    ]);
  });

  it("turns a failing plan into an errored stack with Terraform's Error: line", () => {
    expect(summaries[1]).toMatchObject({ stack: "tenant-broken", status: "errored" });
    expect(summaries[1]!.error).toMatch(/^terraform plan failed: Error: Reference to undeclared resource/);
  });

  it("never shows the sensitive variable or output values in any output", () => {
    const review = buildReview(summaries, { mode: "plan" });
    const dir = tempDir("review-tf-detail-");
    try {
      const files = writeDetail(dir, review);
      const texts = [renderMarkdown(review), JSON.stringify(reviewJson(review)), JSON.stringify(buildReport(review)), JSON.stringify(buildAnnotations(review)), readFileSync(files.json, "utf8"), readFileSync(files.markdown, "utf8")];
      for (const t of texts) expect(t).not.toMatch(/TOKEN-(BEFORE|AFTER)/);
      const md = texts[0];
      expect(md).toContain("- update in place `terraform_data.f`\n  - `input`: _(sensitive value changed)_");
      expect(md).toContain("- forget (removed from state, NOT destroyed) `terraform_data.g`");
      expect(md).toContain("- move from `terraform_data.h` `terraform_data.h2`");
      expect(md).toContain("- **replace** (create, then destroy) `terraform_data.e` — forces replacement: `triggers_replace`; reason: cannot update — in `tenant-alpha`");
      expect(md).toContain("✖ 1 stack failed to plan; ⚠ 1 stack destroy or replace resources");
    } finally {
      removeDir(dir);
    }
  });
});
