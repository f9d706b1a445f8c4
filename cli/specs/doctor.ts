/** `fleet doctor`: what its help says. */
import { defineCommand } from "../spec";

export const doctorSpec = defineCommand({
  name: "doctor",
  summary: "check everything a release depends on, in every account, and say what to fix",
  details: ["Reads only, with each account's read-only fleet-plan role. Exit 1 when a check fails; warnings alone exit 0."],
  options: {
    env: { type: "string", multiple: true, placeholder: "env", defaultText: "every environment", description: "check only these environments (repeated or comma-separated)" },
    format: { type: "string", default: "table", placeholder: "table|json", description: "output format" },
    dir: { type: "string", default: "environments", placeholder: "dir", description: "the directory holding fleet.yaml and the environment files" },
  },
  examples: ["fleet doctor", "fleet doctor --env alpha --format json"],
});
