/**
 * Where the compression worker's code comes from. The build emits it as its own entry, `zip-worker.js`,
 * next to each bundle that packages (dist/cli, dist/pipe), and a worker thread starts from that file.
 * Run from the TypeScript sources (the tests), there is no such file: the worker is bundled on first use
 * with esbuild, the tool the build uses, and started from the bundled text.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { buildSync } from "esbuild";

export type WorkerScript = { readonly file: string } | { readonly source: string };

let fromSources: string | undefined;

export function workerScript(dir: string = __dirname): WorkerScript {
  const built = join(dir, "zip-worker.js");
  if (existsSync(built)) return { file: built };
  fromSources ??= bundleFromSources(join(dir, "worker.ts"));
  return { source: fromSources };
}

function bundleFromSources(entry: string): string {
  if (!existsSync(entry)) throw new Error(`the compression worker is missing: neither zip-worker.js nor ${entry} exists (run npm run build)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a development dependency, loaded only when running from the sources
  const esbuild = require("esbuild") as { buildSync: typeof buildSync };
  const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", write: false, logLevel: "error" });
  const text = out.outputFiles[0]?.text;
  if (text === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  return text;
}
