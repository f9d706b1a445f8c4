/**
 * Writes the pages the benchmark opens (run by run.mjs after bundling this file with esbuild): the status
 * page of an empty fleet, of a generated 300-tenant fleet with failures and a halted rollout, and of 1,000
 * tenants; one line of JSON with their paths, sizes and render times out.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { generatedModel, HALTED_ROLLOUT } from "../../__tests__/status-page/generated-fleet";
import { renderStatusPage } from "../../core/status-page/render";

const dir = process.argv[2] ?? ".";
const out: Record<string, { file: string; bytes: number; gzip: number; renderMs: number }> = {};
for (const [name, tenants] of [["empty", 0], ["300", 300], ["1000", 1000]] as const) {
  const t0 = performance.now();
  const html = renderStatusPage(generatedModel(tenants, tenants > 0 ? HALTED_ROLLOUT : undefined));
  const renderMs = performance.now() - t0;
  const file = join(dir, `status-${name}.html`);
  writeFileSync(file, html);
  out[name] = { file, bytes: Buffer.byteLength(html), gzip: gzipSync(html).length, renderMs: Math.round(renderMs * 10) / 10 };
}
// The baseline: a page with nothing on it, opened the same way.
const blank = join(dir, "blank.html");
writeFileSync(blank, "<!doctype html><title>blank</title>\n");
out.blank = { file: blank, bytes: 36, gzip: 0, renderMs: 0 };
process.stdout.write(JSON.stringify(out) + "\n");
