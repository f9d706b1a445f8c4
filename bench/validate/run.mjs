// Benchmark of configuration validation on a file with many keys: parseFleet (the pure core of
// `fleet validate`) on an environment file with N tag keys (and one duplicate, so the duplicate-key check
// runs in full), for N = 5,000 and 50,000, median of 5 runs each, set against the 5,000-key file
// measured in the same run. Linear time gives a ratio near 10; the quadratic duplicate-key check it
// replaced gives ~100 (a 50 MB file did not finish in minutes).
// Run: npm run bench:validate. Writes the figures as JSON to stdout.
import { build } from "esbuild";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const work = mkdtempSync(join(tmpdir(), "fleet-bench-validate-"));
const out = join(work, "parse.cjs");
await build({ entryPoints: [join(root, "core", "config", "parse.ts")], bundle: true, platform: "node", format: "cjs", target: "node20", outfile: out, logLevel: "error" });
const { parseFleet } = createRequire(import.meta.url)(out);

const fleetYaml = readFileSync(join(root, "environments", "fleet.yaml"), "utf8");
const file = (n) => {
  const lines = ["name: alpha", 'accountId: "012345678901"', "wave: 0", "tags:"];
  for (let i = 0; i < n; i++) lines.push(`  k${i}: v`);
  lines.push("  k1: again");
  return `${lines.join("\n")}\n`;
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
function time(text) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const started = process.hrtime.bigint();
    const r = parseFleet([{ path: "environments/fleet.yaml", text: fleetYaml }, { path: "environments/alpha.yaml", text }]);
    runs.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!r.issues.some((i) => i.message.startsWith('duplicate key "k1"'))) throw new Error("the duplicate key was not found");
  }
  return median(runs);
}
time(file(1000)); // warm-up
const small = time(file(5_000));
const large = time(file(50_000));
rmSync(work, { recursive: true, force: true });
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
console.log(JSON.stringify({ baseline: { keys: 5000, ms: round(small) }, result: { keys: 50000, ms: round(large) }, ratio: round(large / small, 2), load: loadavg().map((l) => round(l, 2)) }, null, 2));
