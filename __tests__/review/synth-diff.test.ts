import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runReview } from "../../pipe/review/run";
import { synthDiff, type SynthStack } from "../../pipe/review/synth-diff";
import { startBitbucketServer, type BitbucketServer } from "../helpers/bitbucket-server";
import { removeDir, tempDir, writeTree } from "../helpers/fs";

/** A cdk.tf.json as cdktf writes it, metadata ("//") included. */
function stack(tenant: string, opts: { memory?: number; extraBucket?: boolean; output?: boolean; role?: string } = {}): SynthStack {
  return {
    "//": { metadata: { stackName: `tenant-${tenant}`, version: "0.21.0" } },
    provider: { aws: [{ region: "eu-west-1", assume_role: [{ role_arn: opts.role ?? `arn:aws:iam::1234:role/deploy` }] }] },
    resource: {
      aws_lambda_function: { tracker: { "//": { metadata: { path: `tenant-${tenant}/tracker` } }, function_name: "fleet-assets-tracker", memory_size: opts.memory ?? 256, environment: { variables: { FLEET_ENVIRONMENT: tenant } } } },
      aws_sqs_queue: { dlq: { name: "fleet-inbound-dlq" } },
      ...(opts.extraBucket ? { aws_s3_bucket: { logs: { bucket: `logs-${tenant}` } } } : {}),
    },
    ...(opts.output ? { output: { queue_url: { value: "${aws_sqs_queue.dlq.url}" } } } : {}),
  };
}

describe("Function: synthDiff", () => {
  it("reports added/removed stacks, resources added, removed and changed with their paths, outputs and provider changes", () => {
    // Prepare
    const base = new Map([
      ["tenant-alpha", stack("alpha", { extraBucket: true })],
      ["tenant-bravo", stack("bravo")],
      ["tenant-gone", stack("gone")],
    ]);
    const head = new Map([
      ["tenant-alpha", { ...stack("alpha", { memory: 512, output: true, role: "arn:aws:iam::1234:role/other" }), "//": { metadata: { changed: true } } }],
      ["tenant-bravo", stack("bravo")],
      ["tenant-new", stack("new")],
    ]);
    // Act
    const diff = synthDiff(base, head);
    // Assess
    expect(diff.map((d) => [d.stack, d.status, d.stackChange ?? null])).toEqual([
      ["tenant-alpha", "changes", null],
      ["tenant-bravo", "no-changes", null],
      ["tenant-gone", "changes", "removed"],
      ["tenant-new", "changes", "added"],
    ]);
    const alpha = diff[0]!;
    expect(alpha.resources.map((r) => [r.kind, r.address, r.attributes.map((a) => a.path)])).toEqual([
      ["update", "aws_lambda_function.tracker", ["memory_size"]],
      ["delete", "aws_s3_bucket.logs", []],
    ]);
    expect(alpha.outputs).toEqual([{ name: "queue_url", kind: "create", sensitive: false }]);
    expect(alpha.warnings).toEqual(["provider settings change: aws[0].assume_role[0].role_arn"]);
    expect(diff[3]!.counts.create).toBe(2);
  });
});

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A stand-in cdktf app: writes cdktf.out/stacks/tenant-<t>/cdk.tf.json from tenants.json. */
const SYNTH_JS = `
const fs = require("node:fs");
const { tenants, memory } = JSON.parse(fs.readFileSync("tenants.json", "utf8"));
for (const t of tenants) {
  const dir = "cdktf.out/stacks/tenant-" + t.name;
  fs.mkdirSync(dir, { recursive: true });
  const resource = { aws_lambda_function: { tracker: { function_name: "fleet-" + t.name, memory_size: memory, role: "arn:aws:iam::" + t.account + ":role/x" } } };
  if (t.bucket) resource.aws_s3_bucket = { logs: { bucket: "logs-" + t.name } };
  fs.writeFileSync(dir + "/cdk.tf.json", JSON.stringify({ resource }));
}
`;

describe("Function: runReview in synth-diff mode (real git worktree)", () => {
  let repo: string;
  let storage: string;
  let server: BitbucketServer;

  beforeAll(async () => {
    server = await startBitbucketServer();
    repo = tempDir("review-repo-");
    storage = tempDir("review-storage-");
    const tenants = Array.from({ length: 6 }, (_, i) => ({ name: `t${i}`, account: String(300000000000 + i), bucket: i === 5 }));
    writeTree(repo, { "synth.js": SYNTH_JS, "tenants.json": JSON.stringify({ tenants, memory: 256 }), ".gitignore": "cdktf.out/\n" });
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "base");
    git(repo, "checkout", "-qb", "feature");
    // The pull request: more memory everywhere, tenant t5 loses its bucket, a new tenant t6.
    const head = tenants.map((t) => ({ ...t, bucket: false }));
    head.push({ name: "t6", account: "300000000006", bucket: false });
    writeTree(repo, { "tenants.json": JSON.stringify({ tenants: head, memory: 512 }) });
    git(repo, "commit", "-qam", "change");
  });
  afterAll(async () => {
    await server.stop();
    removeDir(repo);
    removeDir(storage);
  });

  it("synthesizes head and destination, clusters the tenants and says no plan was made", async () => {
    // Act
    const lines: string[] = [];
    const result = await runReview({
      cwd: repo,
      env: { BITBUCKET_WORKSPACE: "acme", BITBUCKET_REPO_SLUG: "fleet", BITBUCKET_COMMIT: git(repo, "rev-parse", "HEAD"), REVIEW_BASE_REF: "main", SYNTH_COMMAND_COUNT: "2", SYNTH_COMMAND_0: process.execPath, SYNTH_COMMAND_1: "synth.js", BITBUCKET_PROXY_URL: server.url },
      storageDir: storage,
      log: (l) => lines.push(l),
    });
    // Assess
    expect(result).toEqual({ ok: true, summary: "⚠ 1 stack remove resources" });
    const md = readFileSync(join(storage, "plan-review.md"), "utf8");
    expect(md).toContain("> Synth diff only: no plan credentials configured");
    expect(md).toContain("| added | changed | removed |\n|---:|---:|---:|\n| 1 | 6 | 1 |");
    expect(md).toContain("**5 stacks: the same 1 change** — `tenant-t0`, `tenant-t1`, `tenant-t2`, `tenant-t3`, `tenant-t4`\n- changed `aws_lambda_function.tracker`\n  - `memory_size`");
    expect(md).toContain("- **removed** `aws_s3_bucket.logs` — in `tenant-t5`");
    expect(md).toContain("**`tenant-t6`**\n- **new stack** (1 resource)");
    expect(git(repo, "worktree", "list").split("\n")).toHaveLength(1);
  });

  it("fails with the synth command's own error when it breaks", async () => {
    await expect(
      runReview({
        cwd: repo,
        env: { BITBUCKET_WORKSPACE: "acme", BITBUCKET_REPO_SLUG: "fleet", REVIEW_BASE_REF: "main", SYNTH_COMMAND_COUNT: "3", SYNTH_COMMAND_0: process.execPath, SYNTH_COMMAND_1: "-e", SYNTH_COMMAND_2: "console.error('boom: no app'); process.exit(3)" },
        storageDir: storage,
        log: () => undefined,
      }),
    ).rejects.toThrow(/synth command .* failed in .* \(exit 3\):\nboom: no app/);
  });
});
