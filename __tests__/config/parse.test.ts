import { parseFleet, type SourceFile } from "../../core/config/parse";
import { formatIssue } from "../../core/errors";
import { FLEET_YAML, envYaml, validFleet } from "./fixtures";

function run(tree: Record<string, string>) {
  const files: SourceFile[] = Object.entries(tree).map(([path, text]) => ({ path, text }));
  const result = parseFleet(files, { dir: "environments" });
  return { ...result, lines: result.issues.map(formatIssue), warningLines: result.warnings.map(formatIssue) };
}

function withFile(path: string, text: string): Record<string, string> {
  return { ...validFleet(), [path]: text };
}

describe("Function: parseFleet", () => {
  describe("a valid fleet", () => {
    it("returns the config with defaults applied and environments sorted by name", () => {
      // Prepare
      const tree = { ...validFleet(), "environments/aardvark.yaml": envYaml("aardvark", "345678901234", 2, "hold: true\npin: 1.4.2\n") };

      // Act
      const result = run(tree);

      // Assess
      expect(result.issues).toEqual([]);
      const config = result.config!;
      expect(config.environments.map((e) => e.name)).toEqual(["aardvark", "alpha", "bravo"]);
      const alpha = config.environments.find((e) => e.name === "alpha")!;
      expect(alpha).toMatchObject({ region: "eu-west-1", accountId: "012345678901", wave: 0, hold: false, config: {}, file: "environments/alpha.yaml" });
      expect(alpha.tags).toEqual({ owner: "sre" });
      expect(config.environments.find((e) => e.name === "bravo")!.region).toBe("eu-central-1");
      expect(config.environments[0]).toMatchObject({ hold: true, pin: "1.4.2" });
      expect(config.defaults.codebuild).toEqual({ computeType: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/amazonlinux-x86_64-standard:5.0", timeoutMinutes: 60 });
    });

    it("lets an environment's tags override the fleet default tags", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", envYaml("alpha", "012345678901", 0, "tags:\n  owner: payments\n  tier: canary\n")));

      // Assess
      expect(result.config!.environments[0]?.tags).toEqual({ owner: "payments", tier: "canary" });
    });

    it("ignores files that are not .yaml or .yml, such as schema.json", () => {
      // Act
      const result = run({ ...validFleet(), "environments/schema.json": "{ not yaml", "environments/README.md": "# hi" });

      // Assess
      expect(result.issues).toEqual([]);
      expect(result.config!.environments).toHaveLength(2);
    });

    it("accepts .yml files", () => {
      // Act
      const result = run({ ...validFleet(), "environments/charlie.yml": envYaml("charlie", "234567890124", 2) });

      // Assess
      expect(result.issues).toEqual([]);
      expect(result.config!.environments.map((e) => e.file)).toContain("environments/charlie.yml");
    });

    it("warns, without failing, when there is no environment besides fleet.yaml", () => {
      // Act
      const result = run({ "environments/fleet.yaml": FLEET_YAML });

      // Assess
      expect(result.issues).toEqual([]);
      expect(result.warningLines).toEqual(["environments: no environment files (<env>.yaml) beside fleet.yaml: only the central stack can be synthesized"]);
    });
  });

  describe("account ids", () => {
    it("tells to quote an unquoted account id with a leading zero, showing it as written", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", "name: alpha\naccountId: 012345678901\nwave: 0\n"));

      // Assess
      expect(result.lines).toEqual([
        'environments/alpha.yaml:2:12: accountId: 012345678901 is not quoted, so YAML reads it as the number 12345678901 (the leading zero is lost); account ids are 12-digit strings: write accountId: "012345678901"',
      ]);
      expect(result.config).toBeUndefined();
    });

    it("tells to quote an unquoted account id without a leading zero too", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", "name: alpha\naccountId: 123456789012\nwave: 0\n"));

      // Assess
      expect(result.lines).toEqual([
        'environments/alpha.yaml:2:12: accountId: 123456789012 is not quoted, so YAML reads it as the number 123456789012; account ids are 12-digit strings: write accountId: "123456789012"',
      ]);
    });

    it("tells to quote the central account id in fleet.yaml", () => {
      // Act
      const result = run({ ...validFleet(), "environments/fleet.yaml": FLEET_YAML.replace('"210987654321"', "210987654321") });

      // Assess
      expect(result.lines).toEqual([expect.stringMatching(/^environments\/fleet\.yaml:3:14: central\.accountId: 210987654321 is not quoted.*write accountId: "210987654321"$/)]);
    });

    it("rejects a quoted account id that is not 12 digits, showing the value and the rule", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", envYaml("alpha", "12345")));

      // Assess
      expect(result.lines).toEqual(['environments/alpha.yaml:2:12: accountId: an AWS account id is exactly 12 digits, written as a quoted string; found the text "12345"']);
    });

    it("reports an account id used by two environments at both places", () => {
      // Act
      const result = run(withFile("environments/charlie.yaml", envYaml("charlie", "123456789013", 2)));

      // Assess
      expect(result.lines).toEqual([
        'environments/bravo.yaml:2:12: accountId "123456789013" is also used by environments/charlie.yaml:2:12; each environment needs its own AWS account (it is the isolation boundary)',
        'environments/charlie.yaml:2:12: accountId "123456789013" is also used by environments/bravo.yaml:2:12; each environment needs its own AWS account (it is the isolation boundary)',
      ]);
    });

    it("rejects a tenant in the central account, pointing at both", () => {
      // Act
      const result = run(withFile("environments/charlie.yaml", envYaml("charlie", "210987654321", 2)));

      // Assess
      expect(result.lines).toEqual([
        'environments/charlie.yaml:2:12: accountId "210987654321" is the central account (environments/fleet.yaml:3:14); a tenant must live in its own account, never the central one',
      ]);
    });
  });

  describe("names", () => {
    it("requires name to equal the file name", () => {
      // Act
      const result = run(withFile("environments/charlie.yaml", envYaml("charly", "234567890124", 2)));

      // Assess
      expect(result.lines).toEqual([
        'environments/charlie.yaml:1:7: name "charly" differs from the file name charlie.yaml; the file name is the environment\'s name: rename the file to charly.yaml or write name: charlie',
      ]);
    });

    it("reports the same environment in a .yaml and a .yml file at both places", () => {
      // Act
      const result = run(withFile("environments/alpha.yml", envYaml("alpha", "234567890124", 2)));

      // Assess
      expect(result.lines).toEqual([
        'environments/alpha.yaml:1:7: environment name "alpha" is also used by environments/alpha.yml:1:7; names must be unique across the fleet',
        'environments/alpha.yml:1:7: environment name "alpha" is also used by environments/alpha.yaml:1:7; names must be unique across the fleet',
      ]);
    });

    it("does not suggest an invalid file name as the name", () => {
      // Act
      const result = run(withFile("environments/Charlie 2.yaml", envYaml("charlie-2", "234567890124", 2)));

      // Assess
      expect(result.lines).toEqual([
        'environments/Charlie 2.yaml:1:7: name "charlie-2" differs from the file name Charlie 2.yaml; the file name is the environment\'s name: rename the file to charlie-2.yaml',
      ]);
    });

    it("rejects a name outside the allowed pattern with the pattern", () => {
      // Act
      const result = run(withFile("environments/Delta_1.yaml", envYaml("Delta_1", "234567890124", 2)));

      // Assess
      expect(result.lines).toEqual([
        expect.stringMatching(/^environments\/Delta_1\.yaml:1:7: name: name must match \^\[a-z\]\[a-z0-9-\]\{0,38\}\[a-z0-9\]\$ .*; found the text "Delta_1"$/),
      ]);
    });
  });

  describe("unknown and missing keys", () => {
    it("points at an unknown key itself and suggests the closest allowed key", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", 'name: alpha\naccountId: "012345678901"\nwave: 0\nregoin: eu-west-1\n'));

      // Assess
      expect(result.lines).toEqual([
        'environments/alpha.yaml:4:1: unknown key "regoin" at the top level: did you mean "region"? Allowed keys: name, accountId, region, wave, config, tags, hold, pin, health',
      ]);
    });

    it("points at an unknown nested key in fleet.yaml", () => {
      // Act
      const result = run({ ...validFleet(), "environments/fleet.yaml": FLEET_YAML.replace("  stateBucket:", "  colour: blue\n  stateBucket:") });

      // Assess
      expect(result.lines).toEqual([
        'environments/fleet.yaml:6:3: unknown key "colour" in central; remove or rename it. Allowed keys: accountId, region, artifactBucket, stateBucket, organizationId, bitbucket',
      ]);
    });

    it("names a missing required key and points at the mapping it belongs in", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", 'name: alpha\naccountId: "012345678901"\n'));

      // Assess
      expect(result.lines).toEqual(['environments/alpha.yaml:1:1: wave: required key "wave" is missing (Release wave: 0 is released first); add it']);
    });
  });

  describe("values", () => {
    it("reports each wrong value with what was found and what is allowed", () => {
      // Act
      const result = run(
        withFile("environments/alpha.yaml", 'name: alpha\naccountId: "012345678901"\nwave: -1\nhold: yes\nregion: Europe\npin: v1.2\ntags:\n  "bad key!": x\n'),
      );

      // Assess
      expect(result.lines).toEqual([
        "environments/alpha.yaml:3:7: wave: wave is a whole number ≥ 0; found the number -1",
        'environments/alpha.yaml:4:7: hold: expected true or false, found the text "yes"; write true or false (YAML 1.2 reads "yes" as text)',
        'environments/alpha.yaml:5:9: region: an AWS region name such as eu-west-1; found the text "Europe"',
        'environments/alpha.yaml:6:6: pin: a SemVer version without build metadata, e.g. 1.4.2; found the text "v1.2"',
        'environments/alpha.yaml:8:3: tags["bad key!"]: key "bad key!" is not allowed: a tag key of letters, digits, spaces and _.:/=+-@; rename it',
      ]);
    });

    it("tells to quote a number or boolean where text is expected", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", 'name: alpha\naccountId: "012345678901"\nwave: 0\ntags:\n  tier: 1\n  public: true\n'));

      // Assess
      expect(result.lines).toEqual([
        'environments/alpha.yaml:5:9: tags.tier: expected text, found the number 1; quote it: tier: "1"',
        'environments/alpha.yaml:6:11: tags.public: expected text, found the boolean true; quote it: public: "true"',
      ]);
    });

    it("rejects a wave that is not a whole number", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", 'name: alpha\naccountId: "012345678901"\nwave: 1.5\n'));

      // Assess
      expect(result.lines).toEqual(["environments/alpha.yaml:3:7: wave: must be a whole number; found 1.5"]);
    });

    it("tells to remove quotes around a number", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", 'name: alpha\naccountId: "012345678901"\nwave: "1"\n'));

      // Assess
      expect(result.lines).toEqual(['environments/alpha.yaml:3:7: wave: expected a number, found the text "1"; remove the quotes: wave: 1']);
    });

    it("lists the allowed values of an enum and suggests the closest", () => {
      // Act
      const result = run({ ...validFleet(), "environments/fleet.yaml": FLEET_YAML.replace("defaults:\n", "defaults:\n  codebuild:\n    computeType: BUILD_GENERAL1_SMAL\n") });

      // Assess
      expect(result.lines).toEqual([
        'environments/fleet.yaml:18:18: defaults.codebuild.computeType: found the text "BUILD_GENERAL1_SMAL"; allowed: BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM, BUILD_GENERAL1_LARGE, BUILD_GENERAL1_XLARGE, BUILD_GENERAL1_2XLARGE; did you mean BUILD_GENERAL1_SMALL?',
      ]);
    });

    it("rejects a file whose top level is a list", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", "- name: alpha\n"));

      // Assess
      expect(result.lines).toEqual(["environments/alpha.yaml:1:1: (top level): expected a mapping (key: value lines), found a list"]);
    });
  });

  describe("YAML safety and syntax", () => {
    it("rejects a duplicate mapping key, naming the first one", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", 'name: alpha\naccountId: "012345678901"\nwave: 0\nwave: 1\n'));

      // Assess
      expect(result.lines).toEqual([
        'environments/alpha.yaml:4:1: duplicate key "wave" (first written at line 3): YAML would silently keep only one of them; remove or merge the duplicate',
      ]);
    });

    it("refuses a billion-laughs alias bomb without expanding it", () => {
      // Prepare
      const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ...["b", "c", "d", "e", "f", "g"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdefg"[i]}`).join(", ")}]`)].join("\n");

      // Act
      const started = Date.now();
      const result = run(withFile("environments/alpha.yaml", bomb + "\n"));

      // Assess
      expect(result.lines).toEqual([
        'environments/alpha.yaml:2:8: YAML aliases expand to more than 100 copies (a "billion laughs" pattern): refused; write the values out instead of nesting aliases',
      ]);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it("allows a few aliases for shared values", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", 'name: alpha\naccountId: "012345678901"\nwave: 0\ntags:\n  tier: &t canary\nconfig:\n  greeting: *t\n'));

      // Assess
      expect(result.issues).toEqual([]);
      expect(result.config!.environments[0]?.config).toEqual({ greeting: "canary" });
    });

    it("reports an alias without an anchor", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", 'name: alpha\naccountId: "012345678901"\nwave: 0\ntags: *missing\n'));

      // Assess
      expect(result.lines).toEqual(["environments/alpha.yaml:4:7: alias *missing refers to no anchor: define &missing before it is used, or write the value out"]);
    });

    it("reports a syntax error with its position", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", "name: [alpha\n"));

      // Assess
      expect(result.lines).toEqual([expect.stringMatching(/^environments\/alpha\.yaml:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a \]$/)]);
    });

    it("reports a second YAML document in one file", () => {
      // Act
      const result = run(withFile("environments/alpha.yaml", `${envYaml("alpha", "012345678901")}---\nname: x\n`));

      // Assess
      expect(result.lines).toEqual(["environments/alpha.yaml:4:1: a second YAML document (---) starts here; each file holds exactly one: remove the --- line or split the file"]);
    });

    it("reports an empty file and a file of only comments", () => {
      // Act
      const result = run({ ...validFleet(), "environments/charlie.yaml": "", "environments/delta.yaml": "# todo\n" });

      // Assess
      expect(result.lines).toEqual([
        "environments/charlie.yaml: the file is empty (or holds only comments); an environment file needs at least name, accountId (quoted) and wave",
        "environments/delta.yaml: the file is empty (or holds only comments); an environment file needs at least name, accountId (quoted) and wave",
      ]);
    });
  });

  describe("the directory as a whole", () => {
    it("reports a missing fleet.yaml, listing the files it found", () => {
      // Act
      const result = run({ "environments/alpha.yaml": envYaml("alpha", "012345678901") });

      // Assess
      expect(result.lines).toEqual([
        "environments/fleet.yaml: missing: every fleet needs fleet.yaml beside the environment files (fleet.yaml needs central (accountId, region, artifactBucket, stateBucket, bitbucket), app (name) and defaults (region)); found only alpha.yaml",
      ]);
    });

    it("reports every error of every file in one run, sorted by file then line", () => {
      // Act
      const result = run({
        ...validFleet(),
        "environments/fleet.yaml": FLEET_YAML.replace("name: payments-api", "name: Payments"),
        "environments/bravo.yaml": "name: bravo\naccountId: 123456789013\nwave: x\n",
        "environments/alpha.yaml": "name: alpha\naccountId: \"012345678901\"\nwave: 0\nextra: 1\n",
      });

      // Assess
      expect(result.issues.map((i) => `${i.file}:${i.line}`)).toEqual([
        "environments/alpha.yaml:4",
        "environments/bravo.yaml:2",
        "environments/bravo.yaml:3",
        "environments/fleet.yaml:15",
      ]);
      expect(result.config).toBeUndefined();
    });
  });
});
