/** Shared by the local-chain tests: the bundles must exist (npm test builds them; a lone jest run builds here). */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Output } from "../../cli/context";
import { status } from "../../cli/commands/status";

export const ROOT = join(__dirname, "..", "..");

export function ensureBundles(): void {
  const bundles = ["dist/lambdas/assets_tracker/index.js", "dist/deployer/index.js"].map((p) => join(ROOT, p));
  if (bundles.every(existsSync)) return;
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm run build failed");
}

export function capture(): Output & { text: () => string } {
  let buf = "";
  return {
    write: (t: string) => {
      buf += t;
      return true;
    },
    text: () => buf,
  };
}

/** The `fleet status` table, as `fleet local` prints it. */
export async function statusTable(env: Record<string, string>, out: Output): Promise<void> {
  await status({ argv: ["--dir", env.FLEET_LOCAL_DIR ?? join(ROOT, "environments")], env, cwd: ROOT, stdout: out, stderr: out });
}
