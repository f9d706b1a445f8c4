/**
 * `fleet validate` is complete and bounded: it refuses what synth refuses (the workload's settings) and
 * what AWS refuses (tags), says what it does not read, refuses invalid UTF-8 and over-large files, and
 * takes time linear in the number of keys.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFleet } from "../../core/config/parse";
import { MAX_CONFIG_FILE_BYTES, firstInvalidUtf8 } from "../../core/config/file-text";
import fc from "fast-check";
import { removeDir, tempDir, writeTree } from "../helpers/fs";
import { FLEET_YAML, envYaml, validFleet } from "../config/fixtures";
import { runCli } from "./run-cli";

describe("Command: fleet validate, complete", () => {
  let root: string;
  beforeEach(() => {
    root = tempDir("fleet-validate-complete-");
  });
  afterEach(() => removeDir(root));

  it("refuses the workload settings synth refuses, each at its line", async () => {
    writeTree(root, { ...validFleet(), "environments/alpha.yaml": envYaml("alpha", "012345678901", 0, "config:\n  memoryMb: 64\n  logLevel: loud\n  memroyMb: 512\n") });
    const r = await runCli(["validate"], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("environments/alpha.yaml:5:13: config.memoryMb: memoryMb must be at least 128");
    expect(r.stderr).toMatch(/environments\/alpha\.yaml:6:\d+: config\.logLevel: .*debug, info, warn, error/);
    expect(r.stderr).toMatch(/environments\/alpha\.yaml:7:3: unknown key "memroyMb" in config.*memoryMb/);
  });

  it("refuses tags AWS refuses: aws: keys, the fleet's own keys, and more than 50 per resource once merged", async () => {
    const many = Array.from({ length: 47 }, (_, i) => `  t${i}: v`).join("\n");
    writeTree(root, {
      ...validFleet(),
      "environments/alpha.yaml": envYaml("alpha", "012345678901", 0, "tags:\n  aws:cost: x\n  fleet: mine\n  bad: 'a<b'\n"),
      "environments/bravo.yaml": envYaml("bravo", "123456789012", 1, `tags:\n${many}\n`),
    });
    const r = await runCli(["validate"], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/alpha\.yaml:5:3: .*tag keys starting with aws: are reserved/);
    expect(r.stderr).toMatch(/alpha\.yaml:6:3: .*the fleet sets the tags fleet, environment, managed-by itself/);
    expect(r.stderr).toMatch(/alpha\.yaml:7:\d+: .*a tag value of letters/);
    // 47 here + owner from fleet.yaml + the fleet's 3 = 51.
    expect(r.stderr).toMatch(/bravo\.yaml:4:1: tags: every resource of this environment would carry 51 tags .*at most 50 per resource: remove 1/);
  });

  it("names what it does not read: a directory or FIFO named *.yaml is an error, a hidden one a warning", async () => {
    writeTree(root, validFleet());
    mkdirSync(join(root, "environments", "delta.yaml"));
    execFileSync("mkfifo", [join(root, "environments", "echo.yaml")]);
    writeFileSync(join(root, "environments", ".old.yaml"), "x: 1\n");
    const r = await runCli(["validate"], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("environments/delta.yaml: is a directory, but every *.yaml here is read as configuration");
    expect(r.stderr).toContain("environments/echo.yaml: is not a regular file (a FIFO, socket or device)");
    expect(r.stderr).toContain("⚠ environments/.old.yaml: skipped: a hidden file is not part of the fleet");
  });

  it("requires the deployment environments that may release, naming where they go", async () => {
    writeTree(root, { ...validFleet(), "environments/fleet.yaml": FLEET_YAML.replace(/ {4}releaseEnvironments:\n {6}- "[^"]+"\n/, "") });
    const r = await runCli(["validate"], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/environments\/fleet\.yaml:\d+:\d+: central\.bitbucket.*releaseEnvironments/);
  });

  it("refuses invalid UTF-8 at its line, column and byte offset instead of reading U+FFFD", async () => {
    writeTree(root, validFleet());
    writeFileSync(join(root, "environments", "alpha.yaml"), Buffer.concat([Buffer.from('name: alpha\naccountId: "012345678901"\nwave: 0\ntags:\n  owner: caf'), Buffer.from([0xe9]), Buffer.from("\n")]));
    const r = await runCli(["validate"], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("environments/alpha.yaml:5:13: not valid UTF-8 at byte offset 64 (bytes e9 0a)");
  });

  it("refuses a file over 1 MiB with the limit named, without parsing it", async () => {
    writeTree(root, validFleet());
    writeFileSync(join(root, "environments", "alpha.yaml"), `${envYaml("alpha", "012345678901")}# ${"x".repeat(MAX_CONFIG_FILE_BYTES)}\n`);
    const r = await runCli(["validate"], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/environments\/alpha\.yaml: the file is \d+ bytes; configuration files are limited to 1048576 bytes \(1 MiB\)/);
  });
});

describe("Function: firstInvalidUtf8", () => {
  it("agrees with a strict UTF-8 decoder on any bytes", () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let valid = true;
        try {
          strict.decode(bytes);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(bytes) === -1).toBe(valid);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("Function: parseFleet, bounded", () => {
  /** An environment file with `n` tag keys (and one duplicate, so the duplicate check runs in full). */
  const file = (n: number): string => {
    const lines = ["name: alpha", 'accountId: "012345678901"', "wave: 0", "tags:"];
    for (let i = 0; i < n; i++) lines.push(`  k${i}: v`);
    lines.push("  k1: again");
    return `${lines.join("\n")}\n`;
  };
  const fastest = (text: string): number => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const started = process.hrtime.bigint();
      const result = parseFleet([{ path: "environments/fleet.yaml", text: FLEET_YAML }, { path: "environments/alpha.yaml", text }]);
      best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
      expect(result.issues.some((i) => i.message.startsWith('duplicate key "k1"'))).toBe(true);
    }
    return best;
  };

  it("validates 50,000 keys in time linear in the keys: well under 30× the time of 5,000 (quadratic is 100×)", () => {
    fastest(file(1000));
    const small = fastest(file(5_000));
    const large = fastest(file(50_000));
    expect(large / small).toBeLessThan(30);
  });
});
