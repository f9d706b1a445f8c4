/**
 * The apply step of a local build. Terraform cannot apply the AWS workload offline (no provider downloads,
 * no AWS), so the local run sets the deployer's FLEET_APPLY_COMMAND to one of two programs, and says which:
 * - terraform on PATH: a REAL `terraform init` + `terraform apply` (`terraform destroy` for a decommissioning
 *   release, FLEET_ACTION=destroy) of a builtin-only stand-in stack — one `terraform_data` resource holding
 *   the environment, version, release id and every resource address of the artifact's workload stack — with
 *   a local backend kept per environment for the whole run;
 * - no terraform: a program that prints exactly the commands the build would run, and where.
 * Either way the build log says what happened instead of the real apply; it is never silently skipped.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ApplyStep {
  /** FLEET_APPLY_COMMAND (JSON argv). */
  readonly command: readonly string[];
  /** One line for the run's output. */
  readonly description: string;
  readonly terraformVersion?: string;
}

const REAL_COMMANDS = "terraform init -input=false -no-color, then terraform apply -auto-approve -input=false -no-color -lock-timeout=5m";

const STANDIN = `"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const stackDir = process.env.FLEET_STACK_DIR || process.cwd();
const tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
const addresses = [];
for (const [type, byName] of Object.entries(tf.resource || {})) for (const name of Object.keys(byName)) addresses.push(type + "." + name);
// One state per environment for the whole run (beside this program), as the state bucket keeps one per
// workload: a later release updates it, and a decommissioning release destroys what the earlier ones made.
const dir = path.join(__dirname, "stand-in-state", process.env.FLEET_ENVIRONMENT || "default");
const destroy = process.env.FLEET_ACTION === "destroy";
fs.mkdirSync(dir, { recursive: true });
const input = { environment: process.env.FLEET_ENVIRONMENT, app: process.env.FLEET_APP, version: process.env.FLEET_VERSION, releaseId: process.env.FLEET_RELEASE_ID, workloadResources: addresses.sort() };
fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_version: ">= 1.11" }, resource: { terraform_data: { workload: { input } } }, output: { applied: { value: "\${terraform_data.workload.output}" } } }, null, 2));
console.log("local run: terraform cannot apply the AWS workload offline; the real build runs ${REAL_COMMANDS} in " + stackDir);
console.log("local run: " + (destroy ? "destroying" : "applying") + " instead a builtin-only stand-in stack (terraform_data holding the workload's " + addresses.length + " resource addresses) with a local backend in " + dir);
const env = Object.assign({}, process.env, { CHECKPOINT_DISABLE: "1" });
for (const args of [["init", "-input=false", "-no-color"], [destroy ? "destroy" : "apply", "-auto-approve", "-input=false", "-no-color"]]) {
  console.log("$ terraform -chdir=" + dir + " " + args.join(" "));
  const r = spawnSync("terraform", ["-chdir=" + dir].concat(args), { stdio: "inherit", env });
  if (r.error) { console.error("could not run terraform: " + r.error.message); process.exit(1); }
  if (r.status !== 0) process.exit(r.status === null ? 1 : r.status);
}
`;

const PRINT_ONLY = `"use strict";
const stackDir = process.env.FLEET_STACK_DIR || process.cwd();
console.log("local run: terraform is not on PATH, so nothing is applied; the real build runs ${REAL_COMMANDS} in " + stackDir);
`;

/** Decides the apply step and writes its program into `workDir`. */
export function prepareApplyStep(workDir: string, options: { override?: readonly string[]; terraform?: string } = {}): ApplyStep {
  if (options.override) return { command: options.override, description: `apply step: FLEET_APPLY_COMMAND=${JSON.stringify(options.override)} (given by the caller; no terraform runs)` };
  mkdirSync(workDir, { recursive: true });
  const r = spawnSync(options.terraform ?? "terraform", ["version"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  const version = r.status === 0 ? /Terraform v(\S+)/.exec(r.stdout)?.[1] : undefined;
  if (version) {
    const file = join(workDir, "stand-in-apply.cjs");
    writeFileSync(file, STANDIN);
    return {
      command: [process.execPath, file],
      terraformVersion: version,
      description: `apply step: terraform ${version} found: each build runs a REAL terraform init/apply of a builtin-only stand-in stack (terraform_data) with a local backend per environment (destroy for a decommissioning release); the AWS workload itself cannot be applied offline`,
    };
  }
  const file = join(workDir, "print-apply.cjs");
  writeFileSync(file, PRINT_ONLY);
  return { command: [process.execPath, file], description: `apply step: terraform is not on PATH: each build prints the command it would run (${REAL_COMMANDS}); nothing is applied` };
}
