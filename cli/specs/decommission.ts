/** `fleet decommission`: registered in cli/main.ts together with its code (`decommission: { spec: decommissionSpec, load: … }`). */
import { defineCommand } from "../spec";

export const decommissionSpec = defineCommand({
  name: "decommission",
  summary: "destroy a held environment's workload through its own deployer",
  details: ["The environment must be on hold. Prints the remaining steps (the tenant stack, the files) when it is done."],
  options: {
    env: { type: "string", placeholder: "env", defaultText: "required", description: "the environment to remove" },
    version: { type: "string", placeholder: "x.y.z", defaultText: "the version it runs", description: "the version whose stacks are destroyed" },
    wait: { type: "string", default: "0", placeholder: "seconds", description: "wait this long for the deployer's status (0: do not wait)" },
    reason: { type: "string", default: "decommission", placeholder: "text", description: "recorded in the release record" },
    dir: { type: "string", default: "environments", placeholder: "dir", description: "the directory holding fleet.yaml and the environment files" },
  },
  examples: ["fleet decommission --env delta --wait 900"],
});
