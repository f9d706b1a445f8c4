import { defineCommand, formatOptions } from "../spec";

export const statusSpec = defineCommand({
  name: "status",
  summary: "what runs where, what failed and who lags; exit 1 if a newest release failed",
  details: [
    "Reads the status records in the central bucket. --format html writes the status page (one",
    "self-contained HTML file) to --out FILE, or to stdout.",
    "",
    "Exit codes:",
    "  0  every environment's newest release succeeded, was skipped, is in progress, or none was released",
    "  1  an environment's newest release failed or was refused (named on stderr), or the bucket could not be read",
    "  2  bad usage",
  ],
  options: {
    app: { type: "string", placeholder: "app", defaultText: "app.name of fleet.yaml", description: "the application to show" },
    dir: { type: "string", default: "environments", placeholder: "dir", description: "the directory holding fleet.yaml and the environment files" },
    bucket: { type: "string", placeholder: "bucket", defaultText: "central.artifactBucket of fleet.yaml", description: "the artifact bucket (with --app, no fleet config is needed)" },
    out: { type: "string", placeholder: "file", defaultText: "stdout", description: "where --format html writes the status page" },
    ...formatOptions(["table", "json", "html"]),
  },
  examples: ["fleet status", "fleet status --app web --bucket acme-fleet-artifacts --format json", "fleet status --format html --out status.html"],
});
