import { defineCommand, formatOptions } from "../spec";

export const statusSpec = defineCommand({
  name: "status",
  summary: "what runs where: released, deploying and deployed versions per environment",
  options: {
    app: { type: "string", placeholder: "app", defaultText: "app.name of fleet.yaml", description: "the application to show" },
    dir: { type: "string", default: "environments", placeholder: "dir", description: "the directory holding fleet.yaml and the environment files" },
    bucket: { type: "string", placeholder: "bucket", defaultText: "central.artifactBucket of fleet.yaml", description: "the artifact bucket (with --app, no fleet config is needed)" },
    ...formatOptions(["table", "json"]),
  },
  examples: ["fleet status", "fleet status --app web --bucket acme-fleet-artifacts --format json"],
});
