import { defineCommand, formatOptions } from "../spec";

export const packageSpec = defineCommand({
  name: "package",
  summary: "deterministic zip of a directory (the pipe's artifact)",
  positionals: "<dir>",
  details: ["The same tree gives the same bytes: sorted entries, fixed timestamps and modes."],
  options: {
    out: { type: "string", placeholder: "file.zip", defaultText: "required", description: "the zip to write" },
    ...formatOptions(["text", "json"]),
  },
  examples: ["fleet package ./dist --out app-1.4.2.zip", "fleet package ./dist --out app.zip --format json"],
});
