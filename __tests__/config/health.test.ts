/**
 * The `health:` block of an environment file: accepted with its defaults, and every mistake reported with
 * file, line and column, the value found and what is allowed, all in one run.
 */
import { parseFleet, type SourceFile } from "../../core/config/parse";
import { formatIssue } from "../../core/errors";
import { envYaml, validFleet } from "./fixtures";

function run(tree: Record<string, string>) {
  const files: SourceFile[] = Object.entries(tree).map(([path, text]) => ({ path, text }));
  const result = parseFleet(files, { dir: "environments" });
  return { ...result, lines: result.issues.map(formatIssue) };
}

const withAlpha = (extra: string) => ({ ...validFleet(), "environments/alpha.yaml": envYaml("alpha", "012345678901", 0, extra) });

describe("Environment health settings", () => {
  it("accepts alarms and a fractional bake, and leaves health out where it is not written", () => {
    // Act
    const result = run(withAlpha('health:\n  alarms: ["api 5xx (prod)", latency-p99]\n  bakeMinutes: 2.5\n'));

    // Assess
    expect(result.lines).toEqual([]);
    const env = (name: string) => result.config?.environments.find((e) => e.name === name);
    expect(env("alpha")?.health).toEqual({ alarms: ["api 5xx (prod)", "latency-p99"], bakeMinutes: 2.5 });
    expect(env("bravo")).toBeDefined();
    expect(env("bravo")?.health).toBeUndefined();
  });

  it("defaults to no alarms and no bake inside an empty health block", () => {
    // Act
    const result = run(withAlpha("health: {}\n"));

    // Assess
    expect(result.config?.environments.find((e) => e.name === "alpha")?.health).toEqual({ alarms: [], bakeMinutes: 0 });
  });

  it("reports every mistake at once, each at its line and column", () => {
    // Prepare: line 4 is `health:`
    const tree = withAlpha('health:\n  alarms: ["ok", "bad*name", "ok", " lead"]\n  bakeMinutes: -1\n  bake: 3\n');

    // Act
    const result = run(tree);

    // Assess
    expect(result.config).toBeUndefined();
    const name = "a CloudWatch alarm name: 1-255 letters, digits, spaces and punctuation, no * ? $ % quotes or backslash, no space at either end";
    expect(result.lines).toEqual([
      `environments/alpha.yaml:5:18: health.alarms[1]: ${name}; found the text "bad*name"`,
      'environments/alpha.yaml:5:30: health.alarms[2]: alarm "ok" is already listed at position 1; list each alarm once',
      `environments/alpha.yaml:5:36: health.alarms[3]: ${name}; found the text " lead"`,
      "environments/alpha.yaml:6:16: health.bakeMinutes: bakeMinutes is ≥ 0; found the number -1",
      'environments/alpha.yaml:7:3: unknown key "bake" in health; remove or rename it. Allowed keys: alarms, bakeMinutes',
    ]);
  });

  it("names a duplicated alarm at its second place", () => {
    // Act
    const result = run(withAlpha("health:\n  alarms: [a, b, a]\n"));

    // Assess
    expect(result.lines).toEqual(['environments/alpha.yaml:5:18: health.alarms[2]: alarm "a" is already listed at position 1; list each alarm once']);
  });

  it("refuses more than 100 alarms (one DescribeAlarms call per look)", () => {
    // Act
    const names = Array.from({ length: 101 }, (_, i) => `a${i}`).join(", ");
    const result = run(withAlpha(`health:\n  alarms: [${names}]\n`));

    // Assess
    expect(result.lines).toEqual([expect.stringMatching(/^environments\/alpha\.yaml:5:11: health\.alarms: at most 100 alarms per environment/)]);
  });

  it("refuses a bake that cannot end before the deploy build times out", () => {
    // Act: the default build timeout is 60 minutes
    const result = run(withAlpha("health:\n  alarms: [a]\n  bakeMinutes: 60\n"));

    // Assess
    expect(result.lines).toEqual([
      "environments/alpha.yaml:6:16: health.bakeMinutes 60 does not fit in the deploy build's 60-minute timeout (fleet.yaml defaults.codebuild.timeoutMinutes); shorten the bake or raise the timeout",
    ]);
  });
});
