import { defineCommand, formatOptions } from "../spec";

export const releaseSpec = defineCommand({
  name: "release",
  summary: "point environments or a wave at a published version",
  positionals: "[env|wave:N ...]",
  details: ["Writes one release record per target environment; each tenant pulls and deploys it."],
  options: {
    app: { type: "string", placeholder: "app", defaultText: "required", description: "the application name" },
    version: { type: "string", placeholder: "x.y.z", defaultText: "required", description: "a published version" },
    to: { type: "string", multiple: true, placeholder: "env|wave:N", defaultText: "required", description: "targets: environment names or wave:N, repeated or comma-separated" },
    "allow-downgrade": { type: "boolean", description: "allow a version lower than the one released before" },
    reason: { type: "string", placeholder: "text", defaultText: "empty", description: "why, recorded in the release record" },
    dir: { type: "string", default: "environments", placeholder: "dir", description: "the directory holding fleet.yaml and the environment files" },
    bucket: { type: "string", placeholder: "bucket", defaultText: "central.artifactBucket of fleet.yaml", description: "the artifact bucket" },
    ...formatOptions(["text", "json"]),
  },
  examples: ["fleet release --app web --version 1.4.2 --to wave:0", "fleet release --app web --version 1.4.1 --to alpha --allow-downgrade --reason 'roll back 1.4.2'"],
});
