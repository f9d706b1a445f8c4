// Benchmark: the status page of a generated 300-tenant fleet (with failures and a halted rollout) opened from a
// file:// URL in the system's headless Chromium (Debian's chromium, driven by puppeteer-core), as the browser
// test opens it. Per page: size, and time to the load event (the Navigation Timing entry's loadEventEnd,
// measured by the browser), median of RUNS fresh tabs, interleaved; baselines in the same run: a blank page and
// the status page of an empty fleet. Also 1,000 tenants, for the trend.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import puppeteer from "puppeteer-core";

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const chromium = process.env.FLEET_CHROMIUM ?? execFileSync("which", ["chromium"], { encoding: "utf8" }).trim();

const dir = mkdtempSync(join(tmpdir(), "bench-status-page-"));
try {
  const bundle = join(dir, "pages.cjs");
  await build({ entryPoints: [join(here, "pages.ts")], outfile: bundle, bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "silent" });
  const pages = JSON.parse(execFileSync(process.execPath, [bundle, dir], { encoding: "utf8" }));

  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update"] });
  const names = ["blank", "empty", "300", "1000"];
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const walls = Object.fromEntries(names.map((n) => [n, []]));
  const paints = Object.fromEntries(names.map((n) => [n, []]));
  // One warm-up round (browser start-up effects), then RUNS measured rounds, the pages interleaved.
  for (let round = -1; round < RUNS; round++) {
    for (const name of names) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      const t0 = performance.now();
      await page.goto(pathToFileURL(pages[name].file).href, { waitUntil: "load" });
      const wall = performance.now() - t0;
      // Two animation frames after load: style, layout and the first frame of the whole page are done
      // (headless Chromium records no paint timing entries).
      const { load, paint } = await page.evaluate(
        () =>
          new Promise((done) =>
            requestAnimationFrame(() =>
              requestAnimationFrame(() =>
                done({ load: performance.getEntriesByType("navigation")[0].loadEventEnd, paint: performance.now() }),
              ),
            ),
          ),
      );
      await page.close();
      if (round >= 0) {
        times[name].push(load);
        paints[name].push(paint);
        walls[name].push(wall);
      }
    }
  }
  await browser.close();

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const version = execFileSync(chromium, ["--version"], { encoding: "utf8" }).trim();
  console.log(`${version}; ${RUNS} runs per page (after one warm-up round); load = Navigation Timing loadEventEnd`);
  console.log("page | bytes | gzip | render in Node (ms) | load event, median (ms) | min–max | ratio to blank | two frames after load, median (ms) | goto wall, median (ms)");
  console.log("---|---|---|---|---|---|---|---|---");
  for (const name of names) {
    const p = pages[name];
    const m = median(times[name]);
    console.log(`${name} | ${p.bytes} | ${p.gzip} | ${p.renderMs} | ${m.toFixed(1)} | ${Math.min(...times[name]).toFixed(1)}–${Math.max(...times[name]).toFixed(1)} | ${(m / median(times.blank)).toFixed(2)}× | ${median(paints[name]).toFixed(1)} | ${median(walls[name]).toFixed(1)}`);
  }
  const ok300 = pages["300"].bytes <= 250 * 1024 && median(times["300"]) <= 1000;
  console.log(`300 tenants: ${(pages["300"].bytes / 1024).toFixed(1)} KB (target ≤ 250 KB), load ${median(times["300"]).toFixed(0)} ms (target ≤ 1,000 ms): ${ok300 ? "✔" : "✖"}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
