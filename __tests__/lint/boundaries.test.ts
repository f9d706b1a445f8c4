/**
 * The house's dependency rules fire: each test plants one forbidden import in a file at a path of the
 * project (linted in memory, nothing written) and expects the rule to name it. The real tree is checked by
 * `npm run lint`, with the same rules.
 */
import { join, resolve } from "node:path";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { boundaryConfigs, fleetPlugin } from "../../scripts/lint/boundaries.cjs";

const ROOT = resolve(__dirname, "../..");
const linter = new Linter({ cwd: ROOT });
const config: Linter.Config[] = [
  // Only the boundary rules: the inline directives of the real files name rules this config does not load.
  { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser }, linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" } },
  ...boundaryConfigs,
  { files: ["**/*.ts"], plugins: { fleet: fleetPlugin }, rules: { "fleet/no-cycle": "error" } },
];

function lint(path: string, code: string): Linter.LintMessage[] {
  // With inline config off, ESLint notes each ignored directive (no rule id): not a finding.
  return linter.verify(code, config, { filename: join(ROOT, path) }).filter((m) => m.fatal === true || m.ruleId !== null);
}

const ruleIds = (path: string, code: string) => lint(path, code).map((m) => m.ruleId);

describe("boundaries", () => {
  it.each([
    ["core/planted.ts", 'import { NAMES } from "../stacks/names";', "core/ imports nothing of the project"],
    ["core/config/planted.ts", 'import { runPipe } from "../../pipe/run";', "core/ imports nothing of the project"],
    ["core/planted.ts", 'import { App } from "cdktf";', "cdktf belongs to stacks/"],
    ["lambdas/assets_tracker/planted.ts", 'import { NAMES } from "../../stacks/names";', "lambdas/ imports core/ only"],
    ["lambdas/assets_tracker/planted.ts", 'import { TerraformStack } from "cdktf";', "cdktf belongs to stacks/"],
    ["deployer/planted.ts", 'import type { Output } from "../cli/context";', "deployer/ imports core/ only"],
    ["deployer/planted.ts", 'import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";', "cdktf belongs to stacks/"],
    ["pipe/planted.ts", 'import { readDeployerConfig } from "../deployer/config";', "pipe/ imports core/ only"],
    ["pipe/review/planted.ts", 'import { NAMES } from "../../stacks/names";', "pipe/ imports core/ only"],
    ["stacks/planted.ts", 'import type { Output } from "../cli/context";', "main.ts and stacks/ never import cli/"],
    ["main.ts", 'import { main } from "./cli/main";', "main.ts and stacks/ never import cli/"],
    ["stacks/planted.ts", 'import { s3Bucket } from "@cdktf/provider-aws";', "by deep path"],
    ["cli/planted.ts", 'import { s3Bucket } from "@cdktf/provider-aws/lib";', "by deep path"],
  ])("%s: %s is refused", (path, code, message) => {
    const messages = lint(path, code);
    expect(messages.map((m) => m.ruleId)).toEqual(["no-restricted-imports"]);
    expect(messages[0]?.message).toContain(message);
  });

  it.each([
    ["core/planted.ts", 'import { ConfigError } from "./errors";'],
    ["pipe/review/planted.ts", 'import { statusKey } from "../../core/keys";'],
    ["deployer/planted.ts", 'import { BUILD_VAR } from "../core/build-variables";'],
    ["stacks/planted.ts", 'import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";'],
    ["cli/planted.ts", 'import { packageTree } from "../pipe/package";\nimport { NAMES } from "../stacks/names";'],
  ])("%s: %s is allowed", (path, code) => {
    expect(ruleIds(path, code)).toEqual([]);
  });

  it("an import that closes a cycle is refused, naming the chain", () => {
    // stacks/tenant-stack.ts imports ./names: names importing tenant-stack back closes the loop.
    const messages = lint("stacks/names.ts", 'import { TenantStack } from "./tenant-stack";\nexport const x = TenantStack;');
    expect(messages.map((m) => m.ruleId)).toEqual(["fleet/no-cycle"]);
    expect(messages[0]?.message).toContain("stacks/names.ts → stacks/tenant-stack.ts → stacks/names.ts");
  });

  it("a type-only import closes a cycle too", () => {
    const messages = lint("stacks/names.ts", 'import type { TenantStack } from "./tenant-stack";\nexport type X = TenantStack;');
    expect(messages.map((m) => m.ruleId)).toEqual(["fleet/no-cycle"]);
  });
});
