import { defineCommand } from "../spec";

export const validateSpec = defineCommand({
  name: "validate",
  summary: "check every environment file; every problem at once",
  details: ["Exit 0 with a one-line summary, or 1 with every problem as file:line:column: message."],
  options: {
    dir: { type: "string", default: "environments", placeholder: "dir", description: "the directory holding fleet.yaml and one file per environment" },
  },
  examples: ["fleet validate", "fleet validate --dir path/to/environments"],
});
