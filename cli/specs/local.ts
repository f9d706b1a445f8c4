import { defineCommand } from "../spec";

export const localSpec = defineCommand({
  name: "local",
  summary: "the whole release chain on a local AWS (moto), nothing from AWS",
  details: [
    "Publishes the sample app, releases it wave by wave and waits until every tenant runs it.",
    "Needs Python with moto (FLEET_PYTHON names the interpreter, default python3). Exit 0 only when every tenant",
    "reached the released version (and, with --drill, every fault had exactly its expected effect).",
  ],
  options: {
    drill: { type: "boolean", default: false, description: "also inject faults and check that each has exactly its expected effect" },
    dir: { type: "string", default: "environments", placeholder: "dir", description: "the fleet to run" },
    timeout: { type: "string", default: "90", placeholder: "seconds", description: "how long to wait for one wave" },
    keep: { type: "boolean", default: false, description: "keep the work directory (logs, zips, records) and print its path" },
    version: { type: "string", placeholder: "x.y.z", defaultText: "1.0.0", description: "the version to publish and release" },
    quiet: { type: "boolean", default: false, description: "no line per tenant, only the steps and the verdict" },
    report: { type: "string", placeholder: "file", defaultText: "none", description: "write the run's result as JSON" },
    scenario: { type: "string", placeholder: "file", defaultText: "none", description: "run a rollout scenario file instead (what is released, what fails, what must happen)" },
    "apply-command": { type: "string", placeholder: "json-argv", defaultText: "terraform apply of a builtin-only stand-in stack when terraform is on PATH", description: "the apply command each tenant build runs, as a JSON array (argv)" },
  },
  examples: ["fleet local", "fleet local --drill --report local-report.json", "fleet local --scenario scenarios/halt-on-failure.yaml --report out.json"],
});
