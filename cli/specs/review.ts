import { defineCommand, formatOptions } from "../spec";

export const reviewSpec = defineCommand({
  name: "review",
  summary: "summarize terraform plans as the pipe's pull-request comment",
  positionals: "[file|dir ...]",
  details: ["Reads `terraform show -json` outputs. Exit 0 whatever the plans contain; 1 when a file is not plan JSON."],
  options: {
    plans: { type: "string", multiple: true, placeholder: "file|dir", defaultText: "required (or as positionals)", description: "plan JSON files or directories of them" },
    budget: { type: "string", placeholder: "chars", defaultText: "the pull-request comment limit", description: "cut the markdown to this many characters (at least 1000)" },
    ...formatOptions(["markdown", "json"]),
  },
  examples: ["fleet review --plans plans/", "fleet review --plans alpha.json bravo.json --format json"],
});
