import { parsePlan, type Plan } from "../../pipe/review/plan-schema";
import { summarizePlan, type Counts } from "../../pipe/review/summarize";
import { fixtureJson } from "./fixture-plans";

function plan(json: unknown): Plan {
  const parsed = parsePlan(json);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.plan;
}

const zero: Counts = { create: 0, update: 0, replace: 0, delete: 0, read: 0, import: 0, move: 0, forget: 0 };

describe("Function: summarizePlan on the real fixtures (counts from SOURCES.md)", () => {
  it.each([
    ["aws-iam-data-read-and-create-tf1.5.json", { create: 5, read: 4 }, 0, 0],
    ["aws-lambda-events-mixed-with-drift-tf1.0.json", { create: 5, update: 1, delete: 2 }, 1, 15],
    ["aws-s3-create-update-delete-noop-tf1.2.json", { create: 1, update: 1, delete: 1 }, 0, 1],
    ["empty-no-changes-tf1.13.json", {}, 0, 0],
    ["local-file-forget-tf1.13.json", { forget: 1 }, 0, 0],
    ["local-file-replace-sensitive-tf1.13.json", { replace: 2 }, 0, 0],
    ["null-outputs-sensitive-unknown-tf1.2.json", { create: 7 }, 8, 0],
    ["null-replace-tainted-tf1.15.json", { replace: 1 }, 0, 0],
  ] as const)("%s: counts, output changes and drift", (file, counts, outputs, drift) => {
    // Act
    const s = summarizePlan("stack", plan(fixtureJson(file)));
    // Assess
    expect(s.counts).toEqual({ ...zero, ...counts });
    expect(s.outputs).toHaveLength(outputs);
    expect(s.drift).toHaveLength(drift);
  });

  it("keeps the delete reason and the replace reasons and paths beside each change", () => {
    const s3 = summarizePlan("s3", plan(fixtureJson("aws-s3-create-update-delete-noop-tf1.2.json")));
    expect(s3.resources.find((r) => r.kind === "delete")).toMatchObject({ address: "aws_s3_bucket.delete_bucket", actionReason: "delete_because_no_resource_config" });
    const local = summarizePlan("local", plan(fixtureJson("local-file-replace-sensitive-tf1.13.json")));
    expect(local.resources.map((r) => [r.address, r.kind, r.replaceOrder, r.actionReason, r.replacePaths])).toEqual([
      ["local_file.test", "replace", "delete-before-create", "replace_because_cannot_update", ["content"]],
      ["local_file.test3", "replace", "delete-before-create", "replace_because_cannot_update", ["content"]],
    ]);
    const tainted = summarizePlan("null", plan(fixtureJson("null-replace-tainted-tf1.15.json")));
    expect(tainted.resources[0]).toMatchObject({ kind: "replace", actionReason: "replace_because_tainted", replacePaths: [] });
  });

  it("shows forget as forget, never as a destroy", () => {
    const s = summarizePlan("f", plan(fixtureJson("local-file-forget-tf1.13.json")));
    expect(s.resources).toEqual([expect.objectContaining({ address: "local_file.test2", kind: "forget" })]);
    expect(s.counts.delete).toBe(0);
  });

  it("marks an empty plan (no resource_changes key) as no changes", () => {
    const s = summarizePlan("e", plan(fixtureJson("empty-no-changes-tf1.13.json")));
    expect(s.status).toBe("no-changes");
    expect(s.resources).toEqual([]);
  });

  it("rebuilds drift addresses that Terraform 1.0.0 left out", () => {
    const s = summarizePlan("l", plan(fixtureJson("aws-lambda-events-mixed-with-drift-tf1.0.json")));
    expect(s.drift.map((d) => d.address)).toContain("aws_cloudwatch_event_rule.metrics_schedule");
    expect(s.drift.every((d) => !d.address.includes("unknown"))).toBe(true);
  });

  it("renders unknown values as known after apply", () => {
    const s = summarizePlan("l", plan(fixtureJson("aws-lambda-events-mixed-with-drift-tf1.0.json")));
    const target = s.resources.find((r) => r.address === "aws_cloudwatch_event_target.metric_event_target")!;
    expect(target.attributes).toEqual([{ path: "arn", before: "", after: "(known after apply)", unknown: true }]);
    expect(s.outputs).toEqual([{ name: "lambda_function_arn", kind: "update", sensitive: false, before: "", after: "(known after apply)" }]);
  });
});

describe("Function: summarizePlan on actions the fixtures lack", () => {
  const base = { format_version: "1.2", terraform_version: "1.11.4" };
  const rc = (address: string, actions: string[], extra: Record<string, unknown> = {}) => ({
    address,
    type: "terraform_data",
    name: address.split(".")[1],
    mode: "managed",
    change: { actions, before: { input: "a" }, after: { input: "b" }, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
    ...extra,
  });

  it("tells the two replace orders apart, keeps imports and moves, hides plain no-ops", () => {
    // Prepare
    const json = {
      ...base,
      resource_changes: [
        rc("terraform_data.cbd", ["create", "delete"], { action_reason: "replace_by_triggers" }),
        rc("terraform_data.dbc", ["delete", "create"], { action_reason: "replace_by_request" }),
        { ...rc("terraform_data.imp", ["no-op"]), change: { actions: ["no-op"], before: {}, after: {}, importing: { id: "i-123" } } },
        { ...rc("terraform_data.moved", ["no-op"]), previous_address: "terraform_data.old", change: { actions: ["no-op"], before: {}, after: {} } },
        { ...rc("terraform_data.same", ["no-op"]), change: { actions: ["no-op"], before: {}, after: {} } },
        rc("terraform_data.gone", ["delete"], { deposed: "00000001" }),
      ],
    };
    // Act
    const s = summarizePlan("x", plan(json));
    // Assess
    expect(s.resources.map((r) => [r.address, r.kind, r.replaceOrder ?? null])).toEqual([
      ["terraform_data.cbd", "replace", "create-before-destroy"],
      ["terraform_data.dbc", "replace", "delete-before-create"],
      ["terraform_data.imp", "import", null],
      ["terraform_data.moved", "move", null],
      ["terraform_data.gone", "delete", null],
    ]);
    expect(s.counts).toEqual({ ...zero, replace: 2, import: 1, move: 1, delete: 1 });
    expect(s.resources[4]).toMatchObject({ deposed: "00000001" });
  });

  it("treats an errored plan as a failure whatever it lists", () => {
    const s = summarizePlan("x", plan({ ...base, errored: true, resource_changes: [rc("terraform_data.a", ["create"])] }));
    expect(s.status).toBe("errored");
    expect(s.error).toMatch(/errored/);
  });

  it("reports failed checks and incomplete plans as warnings", () => {
    const s = summarizePlan("x", plan({ ...base, complete: false, checks: [{ address: { to_display: "check.health" }, status: "fail", instances: [{ problems: [{ message: "endpoint down" }] }] }] }));
    expect(s.warnings).toEqual(["check check.health failed: endpoint down", expect.stringMatching(/incomplete/)]);
  });
});

describe("Function: parsePlan", () => {
  it("rejects format_version 2.x with a message that says what is supported", () => {
    const r = parsePlan({ format_version: "2.0" });
    expect(r).toEqual({ ok: false, problems: [expect.stringMatching(/format_version: .*major 2 .*not supported/)] });
  });

  it("ignores unknown keys and drops variables, prior_state, planned_values and configuration", () => {
    const r = parsePlan({ format_version: "1.9", future_key: 1, variables: { a: { value: "x" } }, prior_state: {}, planned_values: {}, configuration: {} });
    expect(r.ok && Object.keys(r.plan)).toEqual(["format_version"]);
  });

  it("says what the file is not when format_version is missing", () => {
    expect(parsePlan({ version: 4, resources: [] })).toEqual({ ok: false, problems: [expect.stringMatching(/no format_version.*terraform show -json/)] });
  });
});
