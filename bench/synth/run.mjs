// Synth benchmark (issue 2 part 8): the real CLI (`node dist/cli/index.js synth`) on generated fleets of
// N = 30, 100, 300, 1000 tenants; wall time and peak RSS (from /usr/bin/time -v), median of RUNS runs.
// Baselines in the same run: `node -e "require('cdktf')"` (the floor any cdktf app pays) and
// `fleet validate` on the same directory (the config part alone).
// Usage: npm run bench:synth [-- --sizes 30,100 --runs 3]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = join(root, "dist", "cli", "index.js");
const { values } = parseArgs({ options: { sizes: { type: "string", default: "30,100,300,1000" }, runs: { type: "string", default: "3" }, out: { type: "string", default: join(root, "bench", "synth", "RESULTS.md") } } });
const SIZES = values.sizes.split(",").map(Number);
const RUNS = Number(values.runs);
const TARGETS = { 300: { seconds: 3, mb: 400 }, 1000: { seconds: 10, mb: 1024 } };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One process under /usr/bin/time -v: wall seconds (our clock), peak RSS MB (kernel's). */
function measure(argv, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-v", ...argv], { cwd: root, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}:\n${r.stderr.slice(-3000)}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  // CPU seconds (user + system): far less sensitive than wall time to other load on a shared 2-core machine.
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]);
  return { wall, cpu, mb: kb / 1024, stdout: r.stdout, stderr: r.stderr };
}

function series(argv, env) {
  const runs = Array.from({ length: RUNS }, () => measure(argv, env));
  return { wall: median(runs.map((r) => r.wall)), mb: median(runs.map((r) => r.mb)), last: runs[runs.length - 1] };
}

/** fleet.yaml as in the samples + N tenants over two regions and three waves, with a realistic config. */
function generate(dir, n) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "fleet.yaml"), readFileSync(join(root, "environments", "fleet.yaml"), "utf8"));
  for (let i = 0; i < n; i++) {
    const name = `t${String(i).padStart(4, "0")}`;
    const text = [
      `name: ${name}`,
      `accountId: "${String(300000000000 + i)}"`,
      `region: ${i % 2 ? "eu-central-1" : "eu-west-1"}`,
      `wave: ${i % 3}`,
      "config:",
      "  memoryMb: 256",
      "  logLevel: info",
      `  greeting: Hello from ${name}`,
      "  reservedConcurrency: 2",
      "tags:",
      "  tier: standard",
      "",
    ].join("\n");
    writeFileSync(join(dir, `${name}.yaml`), text);
  }
}

const work = mkdtempSync(join(tmpdir(), "fleet-bench-synth-"));
const rows = [];
try {
  const baseline = series([process.execPath, "-e", "require('cdktf')"]);
  console.log(`baseline require('cdktf'): ${baseline.wall.toFixed(2)} s, ${baseline.mb.toFixed(0)} MB`);
  for (const n of SIZES) {
    const dir = join(work, `n${n}`);
    generate(dir, n);
    const validate = series([process.execPath, cli, "validate", "--dir", dir]);
    const out = join(dir, "out");
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      rmSync(out, { recursive: true, force: true });
      runs.push(measure([process.execPath, cli, "synth", "--dir", dir, "--out", out], { FLEET_TIMINGS: "1" }));
    }
    const wall = median(runs.map((r) => r.wall));
    const mb = median(runs.map((r) => r.mb));
    const stacks = /✔ (\d+) stacks, (\d+) resources/.exec(runs[0].stdout);
    const timings = /timings: (.*)/.exec(runs[runs.length - 1].stderr)?.[1] ?? "";
    const perTenantMs = ((wall - baseline.wall) / n) * 1000;
    rows.push({ n, wall, mb, validate: validate.wall, validateMb: validate.mb, stacks: Number(stacks?.[1]), resources: Number(stacks?.[2]), perTenantMs, timings, all: runs.map((r) => r.wall) });
    console.log(`N=${n}: synth ${wall.toFixed(2)} s (${runs.map((r) => r.wall.toFixed(2)).join(", ")}), ${mb.toFixed(0)} MB, ${stacks?.[1]} stacks, ${stacks?.[2]} resources; validate ${validate.wall.toFixed(2)} s; ${perTenantMs.toFixed(1)} ms/tenant; ${timings}`);
  }

  const verdict = (r) => {
    const t = TARGETS[r.n];
    if (!t) return "";
    return r.wall <= t.seconds && r.mb <= t.mb ? `met (≤ ${t.seconds} s, ≤ ${t.mb} MB)` : `**missed** (target ≤ ${t.seconds} s, ≤ ${t.mb} MB)`;
  };
  const per = rows.map((r) => r.perTenantMs);
  const flat = Math.max(...per) / Math.min(...per);
  const lines = [
    "# bench/synth — results",
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 16)}Z.`,
    "",
    "## Method",
    "",
    "- `npm run bench:synth` builds, then `bench/synth/run.mjs` generates fleets of N tenants in a temp dir (fleet.yaml from the samples + N",
    "  `tNNNN.yaml`, two regions, three waves, a workload `config` like the samples) and runs the real CLI:",
    "  `node dist/cli/index.js synth --dir <tmp> --out <tmp>/out` (fresh out dir each run), i.e. validate + `buildFleet` + `app.synth()` + reading",
    "  every `cdk.tf.json` back for the table. Each stack: central + `tenant-<env>` + `workload-<env>` per tenant.",
    `- Wall time: the parent's clock around the process; peak RSS: \`/usr/bin/time -v\` "Maximum resident set size". Median of ${RUNS} runs.`,
    "- Baseline in the same run: `node -e \"require('cdktf')\"` (process start + cdktf load, the floor of any cdktf app).",
    "  Time per tenant = (median synth wall − baseline wall) / N.",
    "- `validate` column: `fleet validate` on the same directory (config reading and checking only).",
    "- `phases` come from the CLI itself (`FLEET_TIMINGS=1`): config, module load, construct (`buildFleet`), synth (`app.synth()`), table.",
    "",
    "## Numbers",
    "",
    `Baseline \`require('cdktf')\`: **${baseline.wall.toFixed(2)} s**, ${baseline.mb.toFixed(0)} MB.`,
    "",
    "| N tenants | stacks | resources | synth wall s (median) | runs | peak RSS MB | ms / tenant | validate s | phases (last run) | target |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.n} | ${r.stacks} | ${r.resources} | **${r.wall.toFixed(2)}** | ${r.all.map((w) => w.toFixed(2)).join(", ")} | **${r.mb.toFixed(0)}** | ${r.perTenantMs.toFixed(1)} | ${r.validate.toFixed(2)} | ${r.timings} | ${verdict(r)} |`,
    ),
    "",
    `Time per tenant from N=${rows[0]?.n} to N=${rows[rows.length - 1]?.n}: ${per.map((p) => p.toFixed(1)).join(" → ")} ms (max/min ${flat.toFixed(2)}×; ${flat <= 1.5 ? "flat" : "**not flat**"}).`,
    "",
  ];
  writeFileSync(values.out, lines.join("\n"));
  console.log(`wrote ${values.out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
