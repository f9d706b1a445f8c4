// bench/chain: the local chain (fleet local) with generated fleets of 30 and 300 tenants, all in wave 0,
// against 3 generated tenants (the sample's size, one wave) as the baseline, in the same run. Measured from the run's own report:
// the first release write → the last build started, and → the last final status record; and per release,
// where the time goes (routing → handler → deployer). The apply step is a no-op (FLEET_APPLY_COMMAND
// ["true"]): terraform's own time is not the chain's.
//
//   npm run bench:chain                      # sizes 3 (baseline), 30, 300; runs: 3, 3, 1
//   node bench/chain/run.mjs --sizes 30 --runs 5
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = flag("sizes", "3,30,300").split(",").map(Number);
const runsFor = (n) => Number(flag("runs", n >= 300 ? "1" : "3"));

function generateFleet(n) {
  const dir = mkdtempSync(join(tmpdir(), `fleet-bench-${n}-`));
  copyFileSync(join(root, "environments", "fleet.yaml"), join(dir, "fleet.yaml"));
  for (let i = 1; i <= n; i++) {
    const name = `t${String(i).padStart(3, "0")}`;
    const account = String(300000000000 + i * 7919);
    const region = i % 2 === 0 ? "eu-central-1" : "eu-west-1";
    writeFileSync(
      join(dir, `${name}.yaml`),
      [`name: ${name}`, `accountId: "${account}"`, `region: ${region}`, "wave: 0", "config:", "  memoryMb: 256", "  logLevel: info", `  greeting: Hello from ${name}`, "  reservedConcurrency: 1", ""].join("\n"),
    );
  }
  return dir;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (ms) => (ms / 1000).toFixed(2);

function runOnce(n, dir) {
  const report = join(dir, "report.json");
  const t = Date.now();
  const r = spawnSync(process.execPath, [join(root, "dist", "cli", "index.js"), "local", "--dir", dir, "--quiet", "--apply-command", '["true"]', "--report", report, "--timeout", "1200"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_NO_WARNINGS: "1" } });
  const wall = Date.now() - t;
  if (r.status !== 0) {
    process.stderr.write(r.stdout.slice(-4000) + r.stderr.slice(-4000));
    throw new Error(`fleet local with ${n} tenants exited ${r.status}`);
  }
  const rep = JSON.parse(readFileSync(report, "utf8"));
  const rel = rep.releases;
  const first = Math.min(...rel.map((x) => x.written));
  const lastWrite = Math.max(...rel.map((x) => x.written));
  const lastStart = Math.max(...rel.map((x) => x.buildStarted));
  const lastStatus = Math.max(...rel.map((x) => x.finished));
  return {
    wall,
    synth: rep.timings.synthesized,
    provision: rep.timings.provisioned - rep.timings.moto,
    writes: lastWrite - first,
    toLastStart: lastStart - first,
    toLastStatus: lastStatus - first,
    routing: median(rel.map((x) => (x.queued ?? x.delivered) - x.written)),
    waiting: median(rel.map((x) => x.delivered - (x.queued ?? x.delivered))),
    handler: median(rel.map((x) => x.buildStarted - x.delivered)),
    deployer: median(rel.map((x) => x.finished - x.buildStarted)),
    builds: rep.buildsStarted,
  };
}

console.log(`bench/chain on ${cpus().length} CPUs, node ${process.version}; apply command ["true"]`);
const rows = [];
for (const n of sizes) {
  const dir = generateFleet(n);
  const results = [];
  try {
    for (let i = 0; i < runsFor(n); i++) {
      const r = runOnce(n, dir);
      results.push(r);
      console.log(`  ${n} tenants, run ${i + 1}: release→last build started ${sec(r.toLastStart)} s, →last status ${sec(r.toLastStatus)} s (wall ${sec(r.wall)} s)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const m = (k) => median(results.map((r) => r[k]));
  rows.push({ n, runs: results.length, toLastStart: m("toLastStart"), toLastStatus: m("toLastStatus"), writes: m("writes"), routing: m("routing"), waiting: m("waiting"), handler: m("handler"), deployer: m("deployer"), synth: m("synth"), provision: m("provision"), wall: m("wall"), builds: m("builds") });
}

console.log("");
console.log("| tenants | runs | release → last build started | release → last status | per release (median): routing to the tenant queue | waiting for the drainer | handler + StartBuild | deployer (incl. waiting for a slot) | synth | provision | wall |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(`| ${r.n}${r.n === 3 ? " (baseline)" : ""} | ${r.runs} | ${sec(r.toLastStart)} s | ${sec(r.toLastStatus)} s | ${sec(r.routing)} s | ${sec(r.waiting)} s | ${sec(r.handler)} s | ${sec(r.deployer)} s | ${sec(r.synth)} s | ${sec(r.provision)} s | ${sec(r.wall)} s |`);
}
