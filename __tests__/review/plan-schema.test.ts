import { fastPlan } from "../../pipe/review/plan-schema";
import { PlanSchema } from "../../pipe/review/plan-zod";
import { PLAN_FIXTURES, fixtureJson } from "./fixture-plans";

function zodPlan(json: unknown) {
  const r = PlanSchema.safeParse(json);
  return r.success ? r.data : undefined;
}

describe("Function: fastPlan (the hand-checked fast path of parsePlan)", () => {
  it.each(PLAN_FIXTURES)("%s: builds exactly what the zod schema outputs", (file) => {
    const json = fixtureJson(file);
    const fast = fastPlan(json);
    expect(fast).toBeDefined();
    expect(fast).toStrictEqual(zodPlan(json));
  });

  it.each([
    ["format_version 2", (j: Record<string, unknown>) => (j.format_version = "2.0")],
    ["format_version missing", (j: Record<string, unknown>) => delete j.format_version],
    ["resource_changes not a list", (j: Record<string, unknown>) => (j.resource_changes = {})],
    ["empty actions", (j: Record<string, unknown>) => ((j.resource_changes as { change: { actions: unknown } }[])[0]!.change.actions = [])],
    ["numeric address", (j: Record<string, unknown>) => ((j.resource_changes as Record<string, unknown>[])[0]!.address = 7)],
    ["boolean index", (j: Record<string, unknown>) => ((j.resource_changes as Record<string, unknown>[])[0]!.index = true)],
    ["replace_paths of objects", (j: Record<string, unknown>) => ((j.resource_changes as { change: Record<string, unknown> }[])[0]!.change.replace_paths = [[{}]])],
    ["errored as a string", (j: Record<string, unknown>) => (j.errored = "false")],
    ["output change without actions", (j: Record<string, unknown>) => (j.output_changes = { x: { after: 1 } })],
  ])("never accepts what the schema rejects: %s", (_name, breakIt) => {
    const json = fixtureJson("local-file-replace-sensitive-tf1.13.json");
    breakIt(json);
    expect(zodPlan(json)).toBeUndefined();
    expect(fastPlan(json)).toBeUndefined();
  });

  it("leaves plans with checks or imports to the schema", () => {
    const json = { format_version: "1.2", checks: [], resource_changes: [{ address: "a.b", change: { actions: ["no-op"], importing: { id: "x" } } }] };
    expect(fastPlan(json)).toBeUndefined();
    expect(zodPlan(json)).toBeDefined();
  });
});
