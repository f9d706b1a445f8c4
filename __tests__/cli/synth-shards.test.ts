import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { autoJobs, planShards, stableStringify } from "../../cli/synth-shards";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { envYaml, validFleet } from "../config/fixtures";
import { runCli } from "./run-cli";

/** Every file under `dir` with its bytes, for comparing two output trees. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

describe("Function: planShards", () => {
  it("splits sorted names into contiguous, nearly equal, non-empty groups", () => {
    // Act & Assess
    expect(planShards(["a", "b", "c", "d", "e"], 2)).toEqual([
      ["a", "b", "c"],
      ["d", "e"],
    ]);
    expect(planShards(["a", "b"], 4)).toEqual([["a"], ["b"]]);
    expect(planShards([], 3)).toEqual([[]]);
  });
});

describe("Function: autoJobs", () => {
  it("uses one process per 100 environments, at most one per CPU and at most 4", () => {
    // Act & Assess
    expect([3, 99, 199, 200, 1000].map((n) => autoJobs(n, 2))).toEqual([1, 1, 1, 2, 2]);
    expect(autoJobs(1000, 16)).toBe(4);
  });
});

describe("Function: stableStringify", () => {
  it("writes sorted keys and empty arrays the way cdktf's manifest.json does", () => {
    // Act
    const text = stableStringify({ b: [], a: { d: 1, c: ["x"] } });

    // Assess
    expect(text).toBe('{\n  "a": {\n    "c": [\n      "x"\n    ],\n    "d": 1\n  },\n  "b": [\n  ]\n}');
  });
});

describe("Command: fleet synth --jobs", () => {
  let root: string;
  beforeAll(() => {
    root = tempDir("fleet-shards-");
    const files = validFleet("fleet");
    files["fleet/charlie.yaml"] = envYaml("charlie", "234567890124", 2);
    files["fleet/delta.yaml"] = envYaml("delta", "345678901234", 2);
    writeTree(root, files);
  });
  afterAll(() => removeDir(root));

  it("writes the same files, byte for byte, with 3 processes as with 1", async () => {
    // Act
    const serial = await runCli(["synth", "--dir", "fleet", "--out", "serial", "--jobs", "1"], root);
    const sharded = await runCli(["synth", "--dir", "fleet", "--out", "sharded", "--jobs", "3"], root);

    // Assess
    expect(serial.code).toBe(0);
    expect(sharded.code).toBe(0);
    expect(sharded.stdout).toMatch(/, 3 processes\)\n$/);
    const table = (s: string) => s.split("\n✔")[0];
    expect(table(sharded.stdout)).toBe(table(serial.stdout));
    expect(tree(join(root, "sharded"))).toEqual(tree(join(root, "serial")));
  });

  it("rejects a --jobs value that is not a whole number ≥ 1", async () => {
    // Act
    const result = await runCli(["synth", "--dir", "fleet", "--out", "x", "--jobs", "0"], root);

    // Assess
    expect(result).toEqual({ code: 2, stdout: "", stderr: '✖ --jobs takes a whole number ≥ 1, got "0"\n' });
  });
});
