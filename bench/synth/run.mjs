// Synth benchmark: the real CLI (`node dist/cli/index.js synth`) on generated fleets of
// N = 30, 100, 300, 1000 tenants; wall time and peak RSS (from /usr/bin/time -v), median of RUNS runs.
// Baselines in the same run: `node -e "require('cdktf')"` (the floor any cdktf app pays) and
// `fleet validate` on the same directory (the config part alone).
// Usage: npm run bench:synth [-- --sizes 30,100 --runs 3]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, cpus, totalmem, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = join(root, "dist", "cli", "index.js");
const { values } = parseArgs({ options: { sizes: { type: "string", default: "30,100,300,1000" }, runs: { type: "string", default: "3" }, jobs: { type: "string" }, out: { type: "string", default: join(root, "bench", "synth", "RESULTS.md") } } });
const SIZES = values.sizes.split(",").map(Number);
const RUNS = Number(values.runs);
// --jobs N is passed to `fleet synth`; by default synth chooses (one process per 100 environments, ≤ CPUs).
const JOBS = values.jobs ? ["--jobs", values.jobs] : [];
const TARGETS = { 300: { seconds: 3, mb: 400 }, 1000: { seconds: 10, mb: 1024 } };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Sum of VmRSS (kB) of `rootPid` and all its descendants, from /proc (synth may run several processes). */
function treeRssKb(rootPid) {
  const children = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop();
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // ended
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * One process under /usr/bin/time -v: wall seconds (our clock), CPU seconds and the largest process's peak RSS
 * (kernel's, includes children), and the peak of the whole process tree's RSS (sampled every 50 ms).
 */
function measure(argv, env = {}) {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn("/usr/bin/time", ["-v", ...argv], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c) => (stderr += c));
    let treeKb = 0;
    const sampler = setInterval(() => (treeKb = Math.max(treeKb, treeRssKb(child.pid))), 50);
    child.on("close", (code) => {
      clearInterval(sampler);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`${argv.join(" ")} exited ${code}:\n${stderr.slice(-3000)}`));
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
      // CPU seconds (user + system, children included): far less sensitive than wall time to other load.
      const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1]);
      resolvePromise({ wall, cpu, mb: kb / 1024, treeMb: Math.max(treeKb, kb) / 1024, stdout, stderr });
    });
  });
}

async function series(argv, env) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(argv, env));
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)), mb: median(runs.map((r) => r.mb)), last: runs[runs.length - 1] };
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
  const baseline = await series([process.execPath, "-e", "require('cdktf')"]);
  console.log(`baseline require('cdktf'): ${baseline.wall.toFixed(2)} s, ${baseline.mb.toFixed(0)} MB`);
  for (const n of SIZES) {
    const dir = join(work, `n${n}`);
    generate(dir, n);
    const validate = await series([process.execPath, cli, "validate", "--dir", dir]);
    const out = join(dir, "out");
    const runs = [];
    const stockRuns = [];
    // Patched (the default) and stock cdktf (FLEET_STOCK_SYNTH=1) alternate, so that both see the same load.
    for (let i = 0; i < RUNS; i++) {
      rmSync(out, { recursive: true, force: true });
      runs.push(await measure([process.execPath, cli, "synth", "--dir", dir, "--out", out, ...JOBS], { FLEET_TIMINGS: "1" }));
      rmSync(out, { recursive: true, force: true });
      stockRuns.push(await measure([process.execPath, cli, "synth", "--dir", dir, "--out", out, ...JOBS], { FLEET_TIMINGS: "1", FLEET_STOCK_SYNTH: "1" }));
    }
    const stockWall = median(stockRuns.map((r) => r.wall));
    const stockCpu = median(stockRuns.map((r) => r.cpu));
    const wall = median(runs.map((r) => r.wall));
    const cpu = median(runs.map((r) => r.cpu));
    const mb = median(runs.map((r) => r.treeMb));
    const largestMb = median(runs.map((r) => r.mb));
    const processes = Number(/, (\d+) processes\)/.exec(runs[0].stdout)?.[1] ?? 1);
    const stacks = /✔ (\d+) stacks, (\d+) resources/.exec(runs[0].stdout);
    const timings = /timings: (.*)/.exec(runs[runs.length - 1].stderr)?.[1] ?? "";
    const perTenantMs = ((wall - baseline.wall) / n) * 1000;
    rows.push({ n, wall, cpu, stockWall, stockCpu, load: loadavg()[0], mb, largestMb, processes, validate: validate.wall, validateMb: validate.mb, stacks: Number(stacks?.[1]), resources: Number(stacks?.[2]), perTenantMs, timings, all: runs.map((r) => r.wall) });
    console.log(`N=${n}: patched/stock cdktf synth: wall ${(wall / stockWall).toFixed(2)}× (${wall.toFixed(2)} s / ${stockWall.toFixed(2)} s), CPU ${(cpu / stockCpu).toFixed(2)}× (${cpu.toFixed(2)} s / ${stockCpu.toFixed(2)} s)`);
    console.log(`N=${n}: synth ${wall.toFixed(2)} s, cpu ${cpu.toFixed(2)} s (${runs.map((r) => r.wall.toFixed(2)).join(", ")}), ${mb.toFixed(0)} MB, ${stacks?.[1]} stacks, ${stacks?.[2]} resources; validate ${validate.wall.toFixed(2)} s; ${perTenantMs.toFixed(1)} ms/tenant; ${timings}`);
  }

  const verdict = (r) => {
    const t = TARGETS[r.n];
    if (!t) return "";
    const time = r.wall <= t.seconds ? `time met (${r.wall.toFixed(1)} ≤ ${t.seconds} s)` : `time **missed** (${r.wall.toFixed(1)} > ${t.seconds} s; CPU alone ${r.cpu.toFixed(1)} s)`;
    const mem = r.mb <= t.mb ? `memory met (${r.mb.toFixed(0)} ≤ ${t.mb} MB)` : `memory **missed** (${r.mb.toFixed(0)} > ${t.mb} MB)`;
    return `${time}; ${mem}`;
  };
  const per = rows.map((r) => r.perTenantMs);
  // Marginal cost between consecutive sizes: what one more tenant costs, without the fixed start-up share.
  const marginal = rows.slice(1).map((r, i) => ((r.wall - rows[i].wall) / (r.n - rows[i].n)) * 1000);
  const marginalCpu = rows.slice(1).map((r, i) => ((r.cpu - rows[i].cpu) / (r.n - rows[i].n)) * 1000);
  const flat = marginal.length ? Math.max(...marginal) / Math.min(...marginal) : 1;
  const flatCpu = marginalCpu.length ? Math.max(...marginalCpu) / Math.min(...marginalCpu) : 1;
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
    `- Wall time: the parent's clock around the process; CPU: \`/usr/bin/time -v\` user + system (children included); peak RSS: the sum over the`,
    "  whole process tree sampled every 50 ms from /proc (synth runs one process per 100 environments, up to the CPU count), and in brackets",
    `  \`/usr/bin/time -v\` "Maximum resident set size" (the largest single process). Median of ${RUNS} runs.` + (JOBS.length ? ` Synth flags: ${JOBS.join(" ")}.` : ""),
    "- Baseline in the same run: `node -e \"require('cdktf')\"` (process start + cdktf load, the floor of any cdktf app).",
    "  Time per tenant = (median synth wall − baseline wall) / N.",
    "- `validate` column: `fleet validate` on the same directory (config reading and checking only).",
    "- `phases` come from the CLI itself (`FLEET_TIMINGS=1`): config, module load, construct (`buildFleet`), synth (`app.synth()`), table.",
    "- Stock cdktf in the same run: each synth is followed by one with `FLEET_STOCK_SYNTH=1` (stacks/synth-patches.ts off); the ratio is",
    "  patched / stock (below 1: the patches save time).",
    "",
    "## Numbers",
    "",
    `Baseline \`require('cdktf')\`: **${baseline.wall.toFixed(2)} s**, ${baseline.mb.toFixed(0)} MB.`,
    "",
    "| N tenants | stacks | resources | processes | synth wall s (median) | runs (wall s) | CPU s (user+sys) | stock cdktf wall s / CPU s | patched/stock wall (CPU) | peak RSS MB, all processes (largest) | ms / tenant | validate s | load avg | phases (last run) | target |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.n} | ${r.stacks} | ${r.resources} | ${r.processes} | **${r.wall.toFixed(2)}** | ${r.all.map((w) => w.toFixed(2)).join(", ")} | ${r.cpu.toFixed(2)} | ${r.stockWall.toFixed(2)} / ${r.stockCpu.toFixed(2)} | **${(r.wall / r.stockWall).toFixed(2)}×** (${(r.cpu / r.stockCpu).toFixed(2)}×) | **${r.mb.toFixed(0)}** (${r.largestMb.toFixed(0)}) | ${r.perTenantMs.toFixed(1)} | ${r.validate.toFixed(2)} | ${r.load.toFixed(1)} | ${r.timings} | ${verdict(r)} |`,
    ),
    "",
    `Time per tenant (incl. fixed start-up share) from N=${rows[0]?.n} to N=${rows[rows.length - 1]?.n}: ${per.map((p) => p.toFixed(1)).join(" → ")} ms.`,
    `Marginal wall ms per added tenant between sizes: ${marginal.map((p) => p.toFixed(1)).join(" → ")} (max/min ${flat.toFixed(2)}×: ${flat <= 1.5 ? "flat" : "**not flat**"}); marginal CPU ms: ${marginalCpu.map((p) => p.toFixed(1)).join(" → ")} (max/min ${flatCpu.toFixed(2)}×: ${flatCpu <= 1.5 ? "flat" : "**not flat**"}).`,
    `Load average (1 min) during the runs: ${rows.map((r) => r.load.toFixed(1)).join(", ")} on ${cpus().length} cores — other work on the machine inflates wall time; CPU time is the steadier figure.`,
    "",
  ];
  // A hand-written "## Analysis" section (profiles, causes) survives re-runs.
  let analysis = "";
  try {
    const previous = readFileSync(values.out, "utf8");
    const at = previous.indexOf("\n## Analysis");
    if (at >= 0) analysis = previous.slice(at + 1);
  } catch {
    analysis = "";
  }
  writeFileSync(values.out, lines.join("\n") + (analysis ? `\n${analysis}` : ""));
  console.log(`wrote ${values.out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
