import { defineCommand, formatOptions } from "../spec";

export const publishSpec = defineCommand({
  name: "publish",
  summary: "upload a zip and its manifest to the artifact bucket, once per version",
  positionals: "<file.zip>",
  details: [
    "A version is immutable: publishing the same bytes again is a no-op, different bytes are refused.",
    "Uses the standard AWS credentials of the environment (profile, SSO or OIDC role).",
  ],
  options: {
    app: { type: "string", placeholder: "app", defaultText: "required", description: "the application name" },
    version: { type: "string", placeholder: "x.y.z", defaultText: "required", description: "the SemVer version to publish" },
    bucket: { type: "string", placeholder: "bucket", defaultText: "central.artifactBucket of fleet.yaml", description: "the artifact bucket" },
    dir: { type: "string", default: "environments", placeholder: "dir", description: "the directory holding fleet.yaml" },
    ...formatOptions(["text", "json"]),
  },
  examples: ["fleet publish app-1.4.2.zip --app web --version 1.4.2", "fleet publish app.zip --app web --version 1.4.2 --bucket acme-fleet-artifacts --json"],
});
