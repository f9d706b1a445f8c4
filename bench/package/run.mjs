// Benchmark of `fleet package` (pipe/zip) against Info-ZIP `zip -r -q -X`, and of the pipe's publish
// against one plain PutObject. Plain Node ESM; runs the built CLI (npm run bench:package
// builds first). Method: one generated tree (~200 MB, ~20,000 files), the two zip tools alternating
// (order swapped every round), median of ROUNDS wall times, sizes, `unzip -t`, and determinism (same tree
// after every mtime changed → same SHA-256). Publish: moto server on 127.0.0.1, median of 3.
//   node bench/package/run.mjs [--rounds 5] [--keep] [--publish-only]
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const cli = join(root, "dist/cli/index.js");
const args = process.argv.slice(2);
const ROUNDS = Number(args[args.indexOf("--rounds") + 1]) || 5;
const work = mkdtempSync(join(tmpdir(), "fleet-bench-package-"));
const tree = join(work, "tree");

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (n) => (n / 1e6).toFixed(1);
const sha = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

// ── the tree: 20,000 source-like text files (~5 KB) in 200 directories + 10 × 10 MiB semi-random blobs ──
function generate() {
  let s = 0x9e3779b9;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const words = Array.from({ length: 3000 }, (_, i) => `${["get", "set", "make", "read", "write", "parse", "check"][i % 7]}${i.toString(36)}${"Value".slice(0, i % 6)}`);
  for (let d = 0; d < 200; d++) {
    const dir = join(tree, "src", `module${String(d).padStart(3, "0")}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 100; f++) {
      let t = `// module ${d} file ${f}\nimport { x } from "./shared";\n\n`;
      while (t.length < 5000) {
        t += `export function ${words[Math.floor(rnd() * words.length)]}(input: string): number {\n  return ${words[Math.floor(rnd() * words.length)]}(input) + ${Math.floor(rnd() * 1000)};\n}\n`;
      }
      writeFileSync(join(dir, `file${String(f).padStart(3, "0")}.ts`), t);
    }
  }
  // Semi-random: 64 KiB segments, 60 % random bytes, 20 % repeated text, 20 % zeros (sparse data).
  mkdirSync(join(tree, "assets"), { recursive: true });
  const text = Buffer.from("lorem ipsum dolor sit amet, consectetur adipiscing elit; ".repeat(1200)).subarray(0, 65536);
  for (let b = 0; b < 10; b++) {
    const buf = Buffer.alloc(10 * 1024 * 1024);
    for (let o = 0; o < buf.length; o += 65536) {
      const r = rnd();
      if (r < 0.6) randomBytes(65536).copy(buf, o);
      else if (r < 0.8) text.copy(buf, o);
    }
    writeFileSync(join(tree, "assets", `blob${b}.bin`), buf);
  }
}

function walkSize(dir) {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const r = walkSize(p);
      files += r.files;
      bytes += r.bytes;
    } else {
      files++;
      bytes += statSync(p).size;
    }
  }
  return { files, bytes };
}

// Wall time measured here; CPU time (user + sys, all threads and children) by GNU time, because on a shared
// machine the wall time says as much about the neighbours as about the tool.
function timed(cmd, argv, options) {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "CPU %U %S", cmd, ...argv], { ...options, encoding: "utf8", maxBuffer: 1 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed (${r.status}): ${r.stderr}`);
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { ms, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN, stdout: r.stdout };
}

const runFleet = (out) => timed(process.execPath, [cli, "package", tree, "--out", out, "--json"], {});
const runZip = (out) => timed("zip", ["-r", "-q", "-X", out, "."], { cwd: tree });

// ── publish: the pipe's publishArtifact (bundled from source) vs one PutObject, against moto ─────────────
async function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function publishBench(zipFile, sha256, files) {
  const probe = spawnSync(process.env.FLEET_PYTHON || "python3", ["-c", "import moto.server"]);
  if (probe.status !== 0) return { skipped: "moto is not installed for python3" };
  const { build } = await import("esbuild");
  // Inside node_modules so that the bundle resolves the SDK from this checkout.
  const bundle = join(root, "node_modules/.cache/fleet-bench/publish.cjs");
  await build({ stdin: { contents: 'export { publishArtifact } from "./pipe/publish"; export { createS3 } from "./pipe/aws";', resolveDir: root, loader: "ts" }, bundle: true, platform: "node", format: "cjs", outfile: bundle, logLevel: "silent", external: ["@aws-sdk/*"], nodePaths: [join(root, "node_modules")] });
  const { createRequire } = await import("node:module");
  const require = createRequire(join(root, "package.json"));
  const { publishArtifact, createS3 } = require(bundle);
  const { CreateBucketCommand, PutObjectCommand } = require("@aws-sdk/client-s3");
  const port = await freePort();
  const moto = spawn(process.env.FLEET_PYTHON || "python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const env = { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench", FLEET_S3_FORCE_PATH_STYLE: "true" };
  try {
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(`${env.AWS_ENDPOINT_URL}/moto-api/`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const s3 = createS3(env);
    await s3.send(new CreateBucketCommand({ Bucket: "bench", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    const body = readFileSync(zipFile);
    const pipeMs = [];
    const singleMs = [];
    const putMs = [];
    const gate = { lint: "skipped", test: "skipped", sonar: "skipped" };
    for (let i = 0; i < 3; i++) {
      let t0 = performance.now();
      await s3.send(new PutObjectCommand({ Bucket: "bench", Key: `plain/${i}.zip`, Body: body, ContentLength: body.length }));
      putMs.push(performance.now() - t0);
      t0 = performance.now();
      await publishArtifact({ s3, bucket: "bench", app: "bench-app", version: `1.0.${i}`, file: zipFile, sha256, files, manifestFields: { gate } });
      pipeMs.push(performance.now() - t0);
      // The same publish forced to one PUT: separates the cost of multipart on this server from the pipe's own.
      t0 = performance.now();
      await publishArtifact({ s3, bucket: "bench", app: "bench-app", version: `2.0.${i}`, file: zipFile, sha256, files, manifestFields: { gate }, multipartThreshold: Number.MAX_SAFE_INTEGER });
      singleMs.push(performance.now() - t0);
    }
    s3.destroy();
    return { bytes: body.length, putMs: median(putMs), pipeMs: median(pipeMs), singleMs: median(singleMs), putAll: putMs, pipeAll: pipeMs, singleAll: singleMs };
  } finally {
    moto.kill("SIGTERM");
  }
}

// ── main ──────────────────────────────────────────────────────────────────────────────────────────────
const loadBefore = loadavg().map((l) => Number(l.toFixed(1)));
console.log(`node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
let t0 = performance.now();
generate();
const size = walkSize(tree);
console.log(`tree: ${size.files} files, ${mb(size.bytes)} MB, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

if (args.includes("--publish-only")) {
  const f = join(work, "only.zip");
  const facts = JSON.parse(runFleet(f).stdout);
  console.log(JSON.stringify(await publishBench(f, facts.sha256, facts.files), null, 2));
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}
const fleetMs = [];
const zipMs = [];
const fleetCpu = [];
const zipCpu = [];
const hashes = new Set();
let fleetSize = 0;
let zipSize = 0;
for (let i = 0; i < ROUNDS; i++) {
  const f = join(work, `fleet-${i}.zip`);
  const z = join(work, `zip-${i}.zip`);
  const order = i % 2 === 0 ? ["fleet", "zip"] : ["zip", "fleet"];
  for (const tool of order) {
    if (tool === "fleet") {
      const r = runFleet(f);
      fleetMs.push(r.ms);
      fleetCpu.push(r.cpuMs);
    } else {
      const r = runZip(z);
      zipMs.push(r.ms);
      zipCpu.push(r.cpuMs);
    }
  }
  fleetSize = statSync(f).size;
  zipSize = statSync(z).size;
  hashes.add(sha(f));
  console.log(
    `round ${i + 1}: fleet ${(fleetMs.at(-1) / 1000).toFixed(2)} s (cpu ${(fleetCpu.at(-1) / 1000).toFixed(2)} s), zip ${(zipMs.at(-1) / 1000).toFixed(2)} s (cpu ${(zipCpu.at(-1) / 1000).toFixed(2)} s) (${order.join(" then ")}), load ${loadavg()[0].toFixed(1)}`,
  );
  if (i > 0) rmSync(z);
  if (i > 0) rmSync(f);
}
const unzipOk = spawnSync("unzip", ["-tq", join(work, "fleet-0.zip")]).status === 0;

// Determinism: every mtime changed (and atime), package again.
const later = new Date("2031-05-06T07:08:09Z");
(function touch(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) touch(p);
    else utimesSync(p, later, later);
  }
})(tree);
runFleet(join(work, "fleet-touched.zip"));
const touchedSame = sha(join(work, "fleet-touched.zip")) === [...hashes][0];

const fleetMed = median(fleetMs);
const zipMed = median(zipMs);
const zipFacts = JSON.parse(runFleet(join(work, "fleet-final.zip")).stdout);
const pub = await publishBench(join(work, "fleet-final.zip"), zipFacts.sha256, zipFacts.files);

const result = {
  node: process.version,
  cores: availableParallelism(),
  rounds: ROUNDS,
  tree: size,
  fleetMs: fleetMs.map(Math.round),
  zipMs: zipMs.map(Math.round),
  fleetMedianMs: Math.round(fleetMed),
  zipMedianMs: Math.round(zipMed),
  ratio: Number((fleetMed / zipMed).toFixed(3)),
  fleetCpuMs: fleetCpu.map(Math.round),
  zipCpuMs: zipCpu.map(Math.round),
  cpuRatio: Number((median(fleetCpu) / median(zipCpu)).toFixed(3)),
  fleetBytes: fleetSize,
  zipBytes: zipSize,
  sizeDelta: Number(((fleetSize - zipSize) / zipSize).toFixed(4)),
  deterministicAcrossRuns: hashes.size === 1,
  deterministicAfterTouch: touchedSame,
  unzipTest: unzipOk,
  publish: pub.skipped ? pub : { bytes: pub.bytes, plainPutMs: Math.round(pub.putMs), pipePublishMs: Math.round(pub.pipeMs), pipeSinglePutMs: Math.round(pub.singleMs), singleAllMs: pub.singleAll.map(Math.round), plainMBps: Number((pub.bytes / 1e6 / (pub.putMs / 1000)).toFixed(1)), pipeMBps: Number((pub.bytes / 1e6 / (pub.pipeMs / 1000)).toFixed(1)), putAllMs: pub.putAll.map(Math.round), pipeAllMs: pub.pipeAll.map(Math.round) },
  loadBefore,
  loadAfter: loadavg().map((l) => Number(l.toFixed(1))),
};
console.log(JSON.stringify(result, null, 2));
console.log(
  `fleet package median ${(fleetMed / 1000).toFixed(2)} s vs zip -r -q -X ${(zipMed / 1000).toFixed(2)} s → ratio ${result.ratio} (target ≤ 0.7), CPU-time ratio ${result.cpuRatio}; ` +
    `size ${mb(fleetSize)} MB vs ${mb(zipSize)} MB (${(result.sizeDelta * 100).toFixed(2)} %, target within 3 %); deterministic ${result.deterministicAcrossRuns && result.deterministicAfterTouch}`,
);
if (!args.includes("--keep")) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
