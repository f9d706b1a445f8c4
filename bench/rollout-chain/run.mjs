// bench/rollout-chain: a rollout driven by the controller through the local chain, for a 300-tenant
// scenario against the 3-tenant baseline in the same run. Each run is a full
// `fleet local --scenario scenarios/fleet-N.yaml --quiet`; the figure is the run's own measurement:
// the rollout's start (as `fleet rollout start`) → the last final status record of that rollout, so the
// synthesis, provisioning and publishing before it are not counted. Builds apply nothing (the scenario's
// apply step): terraform's time is not the chain's.
//
//   npm run build && node bench/rollout-chain/run.mjs                 # 3 (baseline) ×3, 300 ×1
//   node bench/rollout-chain/run.mjs --scenarios fleet-3,fleet-300 --runs 3
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const scenarios = flag("scenarios", "fleet-3,fleet-300").split(",");
const runsFor = (name) => Number(flag("runs", name.endsWith("300") ? "1" : "3"));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (ms) => (ms / 1000).toFixed(2);
// The scenario runner prints: "… rollout of 1.0.0 to 300 tenants: start → last status record 123456 ms".
const LINE = /rollout of \S+ to (\d+) tenants: start → last status record (\d+) ms/;

function runOnce(name) {
  const t = Date.now();
  const r = spawnSync(process.execPath, [join(root, "dist", "cli", "index.js"), "local", "--scenario", join(root, "scenarios", `${name}.yaml`), "--quiet"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_NO_WARNINGS: "1" },
  });
  const wall = Date.now() - t;
  const m = LINE.exec(r.stdout);
  if (r.status !== 0 || !m) {
    process.stderr.write(r.stdout.slice(-4000) + r.stderr.slice(-4000));
    throw new Error(`fleet local --scenario ${name} exited ${r.status}${m ? "" : " without its timing line"}`);
  }
  return { tenants: Number(m[1]), chain: Number(m[2]), wall };
}

console.log(`bench/rollout-chain on ${cpus().length} CPUs, node ${process.version}`);
const rows = [];
for (const name of scenarios) {
  const results = [];
  for (let i = 0; i < runsFor(name); i++) {
    const r = runOnce(name);
    results.push(r);
    console.log(`  ${name}, run ${i + 1}: ${r.tenants} tenants, rollout start → last status ${sec(r.chain)} s (wall ${sec(r.wall)} s)`);
  }
  rows.push({ name, tenants: results[0].tenants, runs: results.length, chain: median(results.map((r) => r.chain)), wall: median(results.map((r) => r.wall)) });
}
const base = rows[0];
console.log("");
console.log("| scenario | tenants | runs | rollout start → last status (median) | per tenant | ratio to baseline | wall |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(`| ${r.name}${r === base ? " (baseline)" : ""} | ${r.tenants} | ${r.runs} | ${sec(r.chain)} s | ${sec(r.chain / r.tenants)} s | ${(r.chain / base.chain).toFixed(1)}× | ${sec(r.wall)} s |`);
}
