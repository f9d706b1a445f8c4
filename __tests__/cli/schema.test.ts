import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { editorJsonSchema, editorJsonSchemaText } from "../../core/config/json-schema";
import { removeDir, tempDir } from "../helpers/fs";
import { runCli } from "./run-cli";

const REPO = join(__dirname, "../..");

describe("Command: fleet schema", () => {
  let root: string;
  beforeEach(() => {
    root = tempDir("fleet-schema-");
  });
  afterEach(() => removeDir(root));

  it("matches the committed environments/schema.json (regenerate with `npx fleet schema`)", () => {
    // Act
    const committed = readFileSync(join(REPO, "environments/schema.json"), "utf8");

    // Assess
    expect(committed).toBe(editorJsonSchemaText());
  });

  it("is referenced by every committed YAML file's modeline", () => {
    // Prepare
    const yamlFiles = readdirSync(join(REPO, "environments")).filter((f) => f.endsWith(".yaml"));

    // Act
    const firstLines = yamlFiles.map((f) => readFileSync(join(REPO, "environments", f), "utf8").split("\n")[0]);

    // Assess
    expect(yamlFiles.length).toBeGreaterThanOrEqual(4);
    expect(new Set(firstLines)).toEqual(new Set(["# yaml-language-server: $schema=./schema.json"]));
  });

  it("serves both file kinds: strict objects with the required keys of each", () => {
    // Act
    const schema = editorJsonSchema() as { anyOf: { required: string[]; additionalProperties: boolean; properties: Record<string, { type?: string; pattern?: string }> }[] };

    // Assess
    expect(schema.anyOf.map((b) => b.required)).toEqual([
      ["central", "app", "defaults"],
      ["name", "accountId", "wave"],
    ]);
    expect(schema.anyOf.map((b) => b.additionalProperties)).toEqual([false, false]);
    expect(schema.anyOf[1]?.properties.accountId).toMatchObject({ type: "string", pattern: "^\\d{12}$" });
    expect(JSON.stringify(schema)).not.toContain("__schema");
  });

  it("writes --out relative to the working directory, creating folders, byte-identical on every run", async () => {
    // Act
    const first = await runCli(["schema", "--out", "out/schema.json"], root);
    const text1 = readFileSync(join(root, "out/schema.json"), "utf8");
    await runCli(["schema", "--out", "out/schema.json"], root);

    // Assess
    expect(first).toEqual({ code: 0, stdout: "✔ wrote out/schema.json\n", stderr: "" });
    expect(readFileSync(join(root, "out/schema.json"), "utf8")).toBe(text1);
    expect(text1).toBe(editorJsonSchemaText());
  });

  it("--check exits 1 on a stale file and 0 on a current one", async () => {
    // Prepare
    writeFileSync(join(root, "schema.json"), "{}\n");

    // Act
    const stale = await runCli(["schema", "--out", "schema.json", "--check"], root);
    await runCli(["schema", "--out", "schema.json"], root);
    const current = await runCli(["schema", "--out", "schema.json", "--check"], root);

    // Assess
    expect(stale).toEqual({ code: 1, stdout: "", stderr: "✖ schema.json is out of date; run: fleet schema --out schema.json\n" });
    expect(current.code).toBe(0);
  });
});
