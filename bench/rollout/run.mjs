// Benchmark of rollout control: CPU per status event at 1,000 tenants (baseline: 30 tenants, same run),
// controller overhead per wave, and the invariants on 10,000 random scenarios. The measuring code is
// bench/rollout/measure.ts, bundled here with esbuild (the same code the tests and the Lambda run).
// Run: npm run bench:rollout [-- RUNS SCENARIOS]. Prints the figures as JSON.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const work = mkdtempSync(join(tmpdir(), "fleet-bench-rollout-"));
const out = join(work, "measure.cjs");
await build({ absWorkingDir: root, entryPoints: ["bench/rollout/measure.ts"], outfile: out, bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "warning" });
const [runs = "5", scenarios = "10000"] = process.argv.slice(2);
const before = loadavg()[0];
const r = spawnSync(process.execPath, [out, runs, scenarios], { cwd: root, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
rmSync(work, { recursive: true, force: true });
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const figures = JSON.parse(r.stdout);
process.stdout.write(`${JSON.stringify({ machine: { cpus: cpus().length, model: cpus()[0]?.model, loadBefore: before, loadAfter: loadavg()[0] }, ...figures }, null, 2)}\n`);
