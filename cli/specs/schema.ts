import { defineCommand } from "../spec";

export const schemaSpec = defineCommand({
  name: "schema",
  summary: "write the JSON Schema editors use for the environment files",
  details: ["With --check nothing is written: exit 1 when the file is missing or out of date (for CI)."],
  options: {
    out: { type: "string", default: "environments/schema.json", placeholder: "file", description: "where to write the schema" },
    check: { type: "boolean", default: false, description: "only check that the file is up to date" },
  },
  examples: ["fleet schema", "fleet schema --check"],
});
