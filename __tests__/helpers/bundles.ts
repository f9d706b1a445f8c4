/**
 * Tests run the shipped bundles (dist/), as the Lambda, CodeBuild and the local chain do. `npm test` builds
 * them first; a lone `npx jest <file>` builds them here when they are missing or older than their sources.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds when any of `bundles` (paths under the repository root) is missing or older than the `.ts` files of
 * `sourceDirs`, `core/` and the build scripts.
 */
export function ensureBuilt(bundles: readonly string[], sourceDirs: readonly string[]): void {
  const stale = () => {
    const sources = Math.max(
      ...[...sourceDirs, "core"].map((d) => newestSource(join(ROOT, d))),
      statSync(join(ROOT, "scripts", "build.mjs")).mtimeMs,
      statSync(join(ROOT, "scripts", "build-options.mjs")).mtimeMs,
    );
    return bundles.some((b) => !existsSync(join(ROOT, b)) || statSync(join(ROOT, b)).mtimeMs < sources);
  };
  if (!stale()) return;
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0 || stale()) throw new Error(`npm run build failed (${r.status}):\n${r.stderr}`);
}
