// Benchmark: summarize 300 stacks of ~100 KB `terraform show -json` each into the PR comment
// (`fleet review --plans <dir>`, the same code path as the pipe), fresh process per run, 5 runs each;
// baseline in the same run: a process that only reads and JSON.parses the same files.
// Plans are generated from the real fixtures (aws-lambda-events + aws-s3 + part of aws-iam), tenant names and account ids
// varied, 1 in 10 tenants with a different value and 1 in 25 without the bucket delete.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const fixtures = join(root, "__tests__", "fixtures", "plans");
const STACKS = Number(process.env.BENCH_STACKS ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function generate(dir) {
  const lambda = readFileSync(join(fixtures, "aws-lambda-events-mixed-with-drift-tf1.0.json"), "utf8");
  const s3 = JSON.parse(readFileSync(join(fixtures, "aws-s3-create-update-delete-noop-tf1.2.json"), "utf8"));
  const iam = JSON.parse(readFileSync(join(fixtures, "aws-iam-data-read-and-create-tf1.5.json"), "utf8"));
  for (let i = 0; i < STACKS; i++) {
    const tenant = `tenant${String(i).padStart(3, "0")}`;
    const account = String(300000000000 + i);
    const plan = JSON.parse(lambda.replaceAll("metrics-lambda", `${tenant}-metrics`).replaceAll("145555000000", account));
    let changes = s3.resource_changes.map((rc) => JSON.parse(JSON.stringify(rc).replaceAll("bucket-", `${tenant}-bucket-`)));
    if (i % 25 === 0) changes = changes.filter((rc) => !rc.change.actions.includes("delete"));
    if (i % 10 === 0) for (const rc of changes) if (rc.change.actions[0] === "update") rc.change.after.acl = "authenticated-read";
    plan.resource_changes.push(...changes, ...iam.resource_changes.slice(0, 5));
    plan.resource_drift.push(...(s3.resource_drift ?? []));
    plan.prior_state.values.root_module.resources.push(...s3.prior_state.values.root_module.resources);
    plan.planned_values.root_module.resources.push(...s3.planned_values.root_module.resources);
    plan.configuration.root_module.resources.push(...s3.configuration.root_module.resources);
    writeFileSync(join(dir, `tenant-${tenant}.json`), JSON.stringify(plan));
  }
}

function measure(argv) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ["-r", join(here, "maxrss.cjs"), ...argv], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const rss = Number(/__MAXRSS_KB__=(\d+)/.exec(err)?.[1] ?? NaN) / 1024;
      const cpu = Number(/__CPU_US__=(\d+)/.exec(err)?.[1] ?? NaN) / 1000;
      if (code !== 0) return reject(new Error(`${argv.join(" ")} exited ${code}: ${err.slice(0, 500)}`));
      resolve({ ms, rss, cpu, out });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = process.env.BENCH_KEEP_DIR ?? mkdtempSync(join(tmpdir(), "bench-review-"));
try {
  generate(dir);
  const files = readdirSync(dir);
  const bytes = files.reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  const cli = join(root, "dist", "cli", "index.js");
  const review = [];
  const baseline = [];
  let comment = "";
  for (let r = 0; r < RUNS; r++) {
    // Interleaved, so that machine noise hits both alike.
    baseline.push(await measure([join(here, "parse-only.cjs"), dir]));
    const res = await measure([cli, "review", "--plans", dir]);
    comment = res.out;
    review.push(res);
  }
  // Phase timings, in-process (one more fresh process per run), from the same modules bundled here.
  const phasesJs = join(root, "bench", "results", "review-phases.cjs");
  await build({ entryPoints: [join(here, "phases.ts")], bundle: true, platform: "node", format: "cjs", target: "node20", outfile: phasesJs, logLevel: "warning", packages: "external", absWorkingDir: root });
  const phaseRuns = [];
  for (let r = 0; r < RUNS; r++) phaseRuns.push(JSON.parse((await measure([phasesJs, dir])).out));
  const phases = Object.fromEntries(Object.keys(phaseRuns[0]).map((k) => [k, median(phaseRuns.map((p) => p[k]))]));
  const result = {
    stacks: files.length,
    totalMB: +(bytes / 1048576).toFixed(1),
    avgKB: +(bytes / files.length / 1024).toFixed(1),
    runs: RUNS,
    review: { medianMs: Math.round(median(review.map((x) => x.ms))), medianCpuMs: Math.round(median(review.map((x) => x.cpu))), medianPeakRssMB: Math.round(median(review.map((x) => x.rss))), allMs: review.map((x) => Math.round(x.ms)) },
    baselineParseOnly: { medianMs: Math.round(median(baseline.map((x) => x.ms))), medianCpuMs: Math.round(median(baseline.map((x) => x.cpu))), medianPeakRssMB: Math.round(median(baseline.map((x) => x.rss))), allMs: baseline.map((x) => Math.round(x.ms)) },
    phasesMedianMs: phases,
    commentChars: comment.length,
    commentHead: comment.split("\n").slice(0, 1)[0],
    targets: { ms: 1000, rssMB: 300 },
    loadAverage: (await import("node:os")).loadavg().map((x) => +x.toFixed(1)),
  };
  result.pass = result.review.medianMs <= 1000 && result.review.medianPeakRssMB <= 300;
  // Wall time on a loaded machine is mostly waiting for a core; CPU time is the work itself.
  result.passOnCpuTime = result.review.medianCpuMs <= 1000 && result.review.medianPeakRssMB <= 300;
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(join(root, "bench", "results", "review.json"), JSON.stringify(result, null, 2) + "\n");
} finally {
  if (!process.env.BENCH_KEEP_DIR) rmSync(dir, { recursive: true, force: true });
}
