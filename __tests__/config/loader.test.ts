import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { loadFleet, readFleet } from "../../core/config/loader";
import { ConfigError, formatIssue } from "../../core/errors";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { envYaml, validFleet } from "./fixtures";

describe("Function: loadFleet", () => {
  let root: string;
  beforeEach(() => {
    root = tempDir("fleet-config-");
  });
  afterEach(() => removeDir(root));

  it("loads the committed sample fleet", () => {
    // Act
    const config = loadFleet(join(__dirname, "../../environments"));

    // Assess
    expect(config.environments.map((e) => [e.name, e.wave, e.region])).toEqual([
      ["alpha", 0, "eu-west-1"],
      ["bravo", 1, "eu-central-1"],
      ["charlie", 2, "eu-west-1"],
    ]);
    expect(config.central.accountId).toBe("210987654321");
  });

  it("names files relative to the working directory", () => {
    // Prepare
    writeTree(root, { ...validFleet(), "environments/alpha.yaml": "name: alpha\n" });

    // Act
    const result = readFleet("environments", { cwd: root });

    // Assess
    expect(result.issues.map(formatIssue)).toEqual([
      'environments/alpha.yaml:1:1: accountId: required key "accountId" is missing (12-digit AWS account id, quoted: \'012345678901\'); add it',
      'environments/alpha.yaml:1:1: wave: required key "wave" is missing (Release wave: 0 is released first); add it',
    ]);
  });

  it("throws a ConfigError listing every issue", () => {
    // Prepare
    writeTree(root, { ...validFleet(), "environments/alpha.yaml": "name: alpha\n", "environments/bravo.yaml": "" });

    // Act
    let error: unknown;
    try {
      loadFleet("environments", { cwd: root });
    } catch (err) {
      error = err;
    }

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toHaveLength(3);
    expect((error as ConfigError).message).toMatch(/^3 configuration errors:\n {2}environments\/alpha\.yaml:1:1: /);
  });

  it("reports a missing directory", () => {
    // Act
    const result = readFleet("nowhere", { cwd: root });

    // Assess
    expect(result.issues.map(formatIssue)).toEqual(["nowhere: directory not found; run from the repository root or pass the environments directory with --dir"]);
  });

  it("reports a file given instead of a directory", () => {
    // Prepare
    writeTree(root, validFleet());

    // Act
    const result = readFleet("environments/fleet.yaml", { cwd: root });

    // Assess
    expect(result.issues.map(formatIssue)).toEqual(["environments/fleet.yaml: is not a directory; pass the environments directory with --dir"]);
  });

  it("reports an empty directory, saying which files count", () => {
    // Prepare
    mkdirSync(join(root, "environments"));
    writeTree(root, { "environments/schema.json": "{}", "environments/notes.txt": "x" });

    // Act
    const result = readFleet("environments", { cwd: root });

    // Assess
    expect(result.issues.map(formatIssue)).toEqual([
      "environments: no configuration files: expected fleet.yaml and one <env>.yaml per environment (only .yaml and .yml files count; schema.json and others are ignored)",
    ]);
  });

  it("ignores hidden files and subdirectories", () => {
    // Prepare
    writeTree(root, { ...validFleet(), "environments/.draft.yaml": "broken: [", "environments/old/zulu.yaml": "broken: [" });

    // Act
    const result = readFleet("environments", { cwd: root });

    // Assess
    expect(result.issues).toEqual([]);
    expect(result.config!.environments.map((e) => e.name)).toEqual(["alpha", "bravo"]);
  });

  it("follows a symlinked environment file", () => {
    // Prepare
    writeTree(root, { ...validFleet(), "shared/charlie.yaml": envYaml("charlie", "234567890124", 2) });
    symlinkSync(join(root, "shared/charlie.yaml"), join(root, "environments/charlie.yaml"));

    // Act
    const config = loadFleet("environments", { cwd: root });

    // Assess
    expect(config.environments.map((e) => e.name)).toEqual(["alpha", "bravo", "charlie"]);
  });
});
