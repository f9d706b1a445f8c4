/** Shared by the local-chain tests: the bundles must exist (npm test builds them; a lone jest run builds here). */
import { join } from "node:path";
import type { Output } from "../../cli/context";
import { status } from "../../cli/commands/status";
import { ensureBuilt, ROOT } from "../helpers/bundles";

export { ROOT };

export function ensureBundles(): void {
  ensureBuilt(["dist/lambdas/assets_tracker/index.js", "dist/lambdas/rollout_controller/index.js", "dist/deployer/index.js"], ["lambdas", "deployer"]);
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
