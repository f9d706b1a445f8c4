import { join } from "node:path";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { FLEET_YAML, envYaml, validFleet } from "../config/fixtures";
import { runCli } from "./run-cli";

describe("Command: fleet validate", () => {
  let root: string;
  beforeEach(() => {
    root = tempDir("fleet-validate-");
  });
  afterEach(() => removeDir(root));

  it("exits 0 with a one-line summary on the committed samples", async () => {
    // Act
    const result = await runCli(["validate"], join(__dirname, "../.."));

    // Assess
    expect(result).toEqual({ code: 0, stdout: "✔ 3 environments valid (waves 0-2, regions eu-west-1, eu-central-1)\n", stderr: "" });
  });

  it("resolves --dir against the working directory", async () => {
    // Prepare
    writeTree(root, validFleet("fleet-a"));

    // Act
    const result = await runCli(["validate", "--dir", "fleet-a"], root);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("✔ 2 environments valid (waves 0-1, regions eu-west-1, eu-central-1)\n");
  });

  it("exits 1 printing every error of two broken files, without a stack trace", async () => {
    // Prepare
    writeTree(root, {
      ...validFleet(),
      "environments/alpha.yaml": "name: alpha\naccountId: 012345678901\nwave: 0\n",
      "environments/bravo.yaml": 'name: bravo\naccountId: "123456789013"\nwave: 1\nwave: 2\n',
    });

    // Act
    const result = await runCli(["validate"], root);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toEqual([
      "✖ 2 configuration errors:",
      '  environments/alpha.yaml:2:12: accountId: 012345678901 is not quoted, so YAML reads it as the number 12345678901 (the leading zero is lost); account ids are 12-digit strings: write accountId: "012345678901"',
      '  environments/bravo.yaml:4:1: duplicate key "wave" (first written at line 3): YAML would silently keep only one of them; remove or merge the duplicate',
      "",
    ]);
    expect(result.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  });

  it("exits 1 on a missing directory", async () => {
    // Act
    const result = await runCli(["validate", "--dir", "missing"], root);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("✖ 1 configuration error:\n  missing: directory not found; run from the repository root or pass the environments directory with --dir\n");
  });

  it("prints warnings and still exits 0", async () => {
    // Prepare
    writeTree(root, { "environments/fleet.yaml": FLEET_YAML });

    // Act
    const result = await runCli(["validate"], root);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("✔ fleet.yaml valid, no environments yet\n");
    expect(result.stderr).toBe("⚠ environments: no environment files (<env>.yaml) beside fleet.yaml: only the central stack can be synthesized\n");
  });

  it("says wave and region in the singular for one environment", async () => {
    // Prepare
    writeTree(root, { "environments/fleet.yaml": FLEET_YAML, "environments/alpha.yaml": envYaml("alpha", "012345678901", 3) });

    // Act
    const result = await runCli(["validate"], root);

    // Assess
    expect(result.stdout).toBe("✔ 1 environment valid (wave 3, region eu-west-1)\n");
  });

  it("exits 2 on an unknown flag", async () => {
    // Act
    const result = await runCli(["validate", "--dri", "x"], root);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^✖ fleet validate: Unknown option '--dri'/);
  });
});
