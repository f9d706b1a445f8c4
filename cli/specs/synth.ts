import { defineCommand } from "../spec";

export const synthSpec = defineCommand({
  name: "synth",
  summary: "synthesize the central and tenant stacks and print a summary",
  details: ["Large fleets are synthesized in several processes; --jobs overrides the automatic count."],
  options: {
    dir: { type: "string", default: "environments", placeholder: "dir", description: "the directory holding fleet.yaml and the environment files" },
    out: { type: "string", default: "cdktf.out", placeholder: "dir", description: "where the synthesized stacks go" },
    only: { type: "string", placeholder: "env,env", defaultText: "every environment", description: "synthesize only these environments (central always)" },
    jobs: { type: "string", placeholder: "n", defaultText: "one per 10 environments, at most the CPU count", description: "number of synth processes" },
    format: { type: "string", defaultText: "table", placeholder: "table|json", description: "output format" },
    json: { type: "boolean", description: "same as --format json" },
    // Set by a parent `fleet synth` for a shard process.
    "internal-shard": { type: "string", internal: true, description: "internal: synthesize one shard" },
  },
  examples: ["fleet synth", "fleet synth --only alpha,bravo --out /tmp/cdktf.out", "fleet synth --format json"],
});
