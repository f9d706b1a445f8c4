/**
 * `fleet rollout`: written for the command of that name, which is registered in cli/main.ts together with
 * its code (`rollout: { spec: rolloutSpec, load: … }`); the help test then compares these options with the
 * ones each subcommand's parser accepts.
 */
import { defineCommand } from "../spec";

const COMMON = {
  dir: { type: "string", placeholder: "dir", defaultText: "environments", description: "the directory holding fleet.yaml" },
  bucket: { type: "string", placeholder: "bucket", defaultText: "central.artifactBucket of fleet.yaml", description: "the artifact bucket" },
} as const;
const APP = { type: "string", placeholder: "app", defaultText: "app.name of fleet.yaml", description: "the application" } as const;
const REASON = { type: "string", placeholder: "text", defaultText: "empty", description: "why, recorded with the command" } as const;
const ROLLOUT_ID = { type: "string", placeholder: "id", defaultText: "required", description: "the rollout (fleet rollout status shows its id)" } as const;

export const rolloutSpec = defineCommand({
  name: "rollout",
  summary: "move a version through the waves under the rollout policy of fleet.yaml",
  options: {},
  examples: ["fleet rollout run --app web --version 1.4.2", "fleet rollout status"],
  subcommands: {
    start: defineCommand({
      name: "rollout start",
      summary: "start a rollout: plan it, store it, release the first tenants",
      options: { ...COMMON, app: APP, version: { type: "string", placeholder: "x.y.z", defaultText: "required", description: "a published version" }, reason: REASON },
      examples: ["fleet rollout start --app web --version 1.4.2 --reason 'weekly release'"],
    }),
    status: defineCommand({
      name: "rollout status",
      summary: "the newest (or the given) rollout; exit 1 when it halted or a tenant failed",
      options: { ...COMMON, app: APP, rollout: { ...ROLLOUT_ID, defaultText: "the newest" }, format: { type: "string", default: "table", placeholder: "table|json|html", description: "output format (html: the status page's rollout part)" }, out: { type: "string", placeholder: "file", defaultText: "stdout", description: "where --format html writes the page" } },
      examples: ["fleet rollout status", "fleet rollout status --rollout <id> --format json"],
    }),
    halt: defineCommand({
      name: "rollout halt",
      summary: "start no new tenant (those in flight finish)",
      options: { ...COMMON, app: APP, rollout: ROLLOUT_ID, reason: REASON },
      examples: ["fleet rollout halt --rollout <id> --reason 'error rate'"],
    }),
    resume: defineCommand({
      name: "rollout resume",
      summary: "retry the failed and never-started tenants",
      options: { ...COMMON, app: APP, rollout: ROLLOUT_ID, reason: REASON },
      examples: ["fleet rollout resume --rollout <id>"],
    }),
    run: defineCommand({
      name: "rollout run",
      summary: "start or continue a rollout, and drive it until it is over",
      options: {
        ...COMMON,
        app: APP,
        version: { type: "string", placeholder: "x.y.z", defaultText: "required", description: "a published version" },
        reason: REASON,
        interval: { type: "string", default: "15", placeholder: "seconds", description: "time between two steps" },
        timeout: { type: "string", default: "720", placeholder: "minutes", description: "give up after this long" },
      },
      examples: ["fleet rollout run --app web --version 1.4.2"],
    }),
  },
});
