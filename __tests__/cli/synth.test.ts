import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { envYaml, validFleet } from "../config/fixtures";
import { runCli, type CliResult } from "./run-cli";

const REPO = join(__dirname, "../..");

interface StackJson {
  resource?: Record<string, Record<string, unknown>>;
  provider?: { aws?: { region?: string; allowed_account_ids?: string[] }[] };
  terraform?: { backend?: { s3?: { key?: string; use_lockfile?: boolean } } };
}

function stackJson(out: string, id: string): StackJson {
  return JSON.parse(readFileSync(join(out, "stacks", id, "cdk.tf.json"), "utf8")) as StackJson;
}

/** Table rows as [stack, account, region, resources]. */
function tableRows(stdout: string): string[][] {
  return stdout
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("✔"))
    .map((l) => l.trim().split(/\s+/));
}

describe("Command: fleet synth", () => {
  let root: string;
  beforeAll(() => {
    root = tempDir("fleet-synth-");
  });
  afterAll(() => removeDir(root));

  describe("on the committed sample fleet, into a nested --out whose parent does not exist", () => {
    let result: CliResult;
    let out: string;
    beforeAll(async () => {
      // Prepare
      copyFileSync(join(REPO, "environments/fleet.yaml"), join(writeTree(root, { "samples/.keep": "" }), "samples/fleet.yaml"));
      for (const env of ["alpha", "bravo", "charlie"]) copyFileSync(join(REPO, `environments/${env}.yaml`), join(root, `samples/${env}.yaml`));
      out = join(root, "deep/nested/out");

      // Act
      result = await runCli(["synth", "--dir", "samples", "--out", "deep/nested/out"], root);
    });

    it("exits 0 without warnings", () => {
      // Assess
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    });

    it("prints one row per stack with the account and region of its provider, central first", () => {
      // Assess
      expect(tableRows(result.stdout).map((r) => r.slice(0, 3))).toEqual([
        ["STACK", "ACCOUNT", "REGION"],
        ["central", "210987654321", "eu-west-1"],
        ["tenant-alpha", "012345678901", "eu-west-1"],
        ["workload-alpha", "012345678901", "eu-west-1"],
        ["tenant-bravo", "123456789013", "eu-central-1"],
        ["workload-bravo", "123456789013", "eu-central-1"],
        ["tenant-charlie", "234567890124", "eu-west-1"],
        ["workload-charlie", "234567890124", "eu-west-1"],
      ]);
    });

    it("counts the resources written to each stack's cdk.tf.json", () => {
      // Prepare
      const rows = tableRows(result.stdout).slice(1);

      // Act
      const counted = rows.map(([id]) => Object.values(stackJson(out, String(id)).resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0));

      // Assess
      expect(rows.map((r) => Number(r[3]))).toEqual(counted);
      expect(counted.every((n) => n > 0)).toBe(true);
      const total = counted.reduce((a, b) => a + b, 0);
      expect(result.stdout).toMatch(new RegExp(`\\n✔ 7 stacks, ${total} resources → deep/nested/out \\(\\d+\\.\\d s\\)\\n$`));
    });

    it("writes stacks with the S3 backend (use_lockfile) and providers pinned to their account", () => {
      // Act
      const tenant = stackJson(out, "tenant-bravo");

      // Assess
      expect(tenant.terraform?.backend?.s3).toMatchObject({ key: "tenant-bravo/terraform.tfstate", use_lockfile: true });
      expect(tenant.provider?.aws?.[0]).toMatchObject({ region: "eu-central-1", allowed_account_ids: ["123456789013"] });
      expect(existsSync(join(out, "manifest.json"))).toBe(true);
    });
  });

  it("--only synthesizes central plus the named environments' stacks", async () => {
    // Prepare
    writeTree(root, validFleet("only"));

    // Act
    const result = await runCli(["synth", "--dir", "only", "--out", "only-out", "--only", "bravo"], root);

    // Assess
    expect(result.code).toBe(0);
    expect(tableRows(result.stdout).slice(1).map((r) => r[0])).toEqual(["central", "tenant-bravo", "workload-bravo"]);
  });

  it("exits 2 on an unknown --only name, listing the valid ones, before writing anything", async () => {
    // Prepare
    writeTree(root, validFleet("unknown"));

    // Act
    const result = await runCli(["synth", "--dir", "unknown", "--out", "unknown-out", "--only", "bravo,zulu"], root);

    // Assess
    expect(result).toEqual({ code: 2, stdout: "", stderr: "✖ --only names unknown environment zulu; valid: alpha, bravo\n" });
    expect(existsSync(join(root, "unknown-out"))).toBe(false);
  });

  it("exits 1 on config errors with file:line:col and no stack trace, before writing anything", async () => {
    // Prepare
    writeTree(root, { ...validFleet("broken"), "broken/bravo.yaml": "name: bravo\naccountId: 123456789013\nwave: 1\n" });

    // Act
    const result = await runCli(["synth", "--dir", "broken", "--out", "broken-out"], root);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^✖ 1 configuration error:\n {2}broken\/bravo\.yaml:2:12: accountId: 123456789013 is not quoted/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(root, "broken-out"))).toBe(false);
  });

  it("prints the stacks' warnings (here: the bucket policy quota) after the table", async () => {
    // Prepare: enough tenants for per-environment bucket policy statements to pass 80 % of 20 KB.
    // Organization mode (organizationId) keeps the policy small and warns; without it the quota is an error.
    const tree = validFleet("many");
    tree["many/fleet.yaml"] = String(tree["many/fleet.yaml"]).replace("  bitbucket:", "  organizationId: o-a1b2c3d4e5\n  bitbucket:");
    for (let i = 0; i < 30; i++) tree[`many/t${String(i).padStart(2, "0")}.yaml`] = envYaml(`t${String(i).padStart(2, "0")}`, String(400000000000 + i), i % 3);
    writeTree(root, tree);

    // Act
    const result = await runCli(["synth", "--dir", "many", "--out", "many-out", "--only", "alpha"], root);

    // Assess
    expect(result.stderr).toMatch(/^⚠ central: .*bucket policy.* \(central\)\n$/);
    expect(result.code).toBe(0);
  });
});
