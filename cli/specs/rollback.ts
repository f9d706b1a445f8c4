/** `fleet rollback`: registered in cli/main.ts together with its code (`rollback: { spec: rollbackSpec, load: … }`). */
import { defineCommand } from "../spec";

export const rollbackSpec = defineCommand({
  name: "rollback",
  summary: "release again the version each target last ran successfully",
  positionals: "[env|wave:N|failed ...]",
  details: ["All or nothing, like fleet release: a target without a version to go back to, on hold or pinned elsewhere refuses the whole request."],
  options: {
    app: { type: "string", placeholder: "app", defaultText: "required", description: "the application" },
    to: { type: "string", multiple: true, placeholder: "env|wave:N|failed", defaultText: "required", description: "targets: environments, waves, or every failed tenant" },
    version: { type: "string", placeholder: "x.y.z", defaultText: "each target's last good version", description: "the version to go back to" },
    reason: { type: "string", placeholder: "text", defaultText: "empty", description: "why, recorded in the release records" },
    dir: { type: "string", placeholder: "dir", defaultText: "environments", description: "the directory holding fleet.yaml" },
    bucket: { type: "string", placeholder: "bucket", defaultText: "central.artifactBucket of fleet.yaml", description: "the artifact bucket" },
  },
  examples: ["fleet rollback --app web --to failed", "fleet rollback --app web --to wave:1 --version 1.4.1 --reason 'bad config'"],
});
