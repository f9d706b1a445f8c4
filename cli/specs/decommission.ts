/** `fleet decommission`: what its help says. */
import { defineCommand } from "../spec";

export const decommissionSpec = defineCommand({
  name: "decommission",
  summary: "remove an environment: hold it, then destroy its workload through its own deployer",
  details: [
    "Run once, it puts the environment on hold (hold: true in its file) and says to deploy its tenant stack.",
    "Run again on the held environment, it writes a release that asks its deployer to destroy the workload,",
    "waits for the deployer's status when --wait is given, and prints the remaining steps.",
  ],
  options: {
    env: { type: "string", placeholder: "env", defaultText: "required", description: "the environment to remove" },
    version: { type: "string", placeholder: "x.y.z", defaultText: "the version it runs", description: "the version whose stacks are destroyed" },
    wait: { type: "string", default: "0", placeholder: "seconds", description: "wait this long for the deployer's status (0: do not wait)" },
    reason: { type: "string", default: "decommission", placeholder: "text", description: "recorded in the release record" },
    dir: { type: "string", default: "environments", placeholder: "dir", description: "the directory holding fleet.yaml and the environment files" },
  },
  examples: ["fleet decommission --env delta --wait 900"],
});
