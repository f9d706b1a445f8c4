// One build for every runnable part (DESIGN.md §8). esbuild options are explicit here, not in flags:
// - the CLI and the cdktf app keep node_modules external (they run from this checkout);
// - the Lambda and the deployer are self-contained bundles: they run where this checkout is not
//   (a Lambda zip; a CodeBuild container), so the SDK is bundled, not taken from the runtime.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const common = { absWorkingDir: root, bundle: true, platform: "node", format: "cjs", logLevel: "warning", legalComments: "none" };

await Promise.all([
  build({ ...common, entryPoints: { main: "main.ts", "cli/index": "cli/index.ts" }, outdir: "dist", target: "node20", packages: "external", sourcemap: "linked" }),
  // The pipe runs in its own image (pipe/Dockerfile) from this one file: everything bundled.
  build({ ...common, entryPoints: { index: "pipe/index.ts" }, outdir: "dist/pipe", target: "node22", sourcemap: "linked", mainFields: ["module", "main"], external: ["cdktf", "constructs", "@cdktf/*"] }),
  // nodejs22.x runtime. `module` first picks the SDK's ES builds, which tree-shake to ~35% less code.
  build({ ...common, entryPoints: { index: "lambdas/assets_tracker/index.ts" }, outdir: "dist/lambdas/assets_tracker", target: "node22", minify: true, sourcemap: "linked", mainFields: ["module", "main"] }),
  // The deployer runs under CodeBuild's Node (22 on standard:7.0) and, in the local run, under Node 20.
  build({ ...common, entryPoints: { index: "deployer/index.ts" }, outdir: "dist/deployer", target: "node20", minify: true, sourcemap: "linked", mainFields: ["module", "main"] }),
]);
