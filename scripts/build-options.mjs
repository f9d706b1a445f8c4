// The esbuild options of every runnable part, explicit here rather than in flags, and shared
// by scripts/build.mjs and the benchmarks (which measure exactly what ships):
// - the CLI and the cdktf app keep node_modules external (they run from this checkout);
// - the Lambda and the deployer are self-contained bundles: they run where this checkout is not
//   (a Lambda zip; a CodeBuild container), so the SDK is bundled, not taken from the runtime.
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const common = { absWorkingDir: root, bundle: true, platform: "node", format: "cjs", logLevel: "warning", legalComments: "none" };

// `zip-worker`: the compression worker of `fleet package` (pipe/zip/worker.ts) is a worker thread's own
// file, emitted next to each bundle that packages; pipe/zip/worker-script.ts finds it there.
export const cliOptions = { ...common, entryPoints: { main: "main.ts", "cli/index": "cli/index.ts", "cli/zip-worker": "pipe/zip/worker.ts" }, outdir: "dist", target: "node20", packages: "external", sourcemap: "linked" };

// The pipe runs in its own image (pipe/Dockerfile) from this one file: everything bundled.
// esbuild stays out: only the sources (tests) bundle the zip worker at run time.
export const pipeOptions = { ...common, entryPoints: { index: "pipe/index.ts", "zip-worker": "pipe/zip/worker.ts" }, outdir: "dist/pipe", target: "node22", sourcemap: "linked", mainFields: ["module", "main"], external: ["cdktf", "constructs", "@cdktf/*", "esbuild"] };

// nodejs22.x runtime. `module` first picks the SDK's ES builds, which tree-shake to ~35% less code.
// Lambda always passes credentials as environment variables, so the SDK's other credential providers
// (loaded by dynamic import only after fromEnv fails) are never reached: left out, they would be a third
// of the zip and of the cold require. Should that ever change, they resolve from the runtime's own SDK.
// The map keeps file/line mapping for --enable-source-maps without embedding the sources (sources are in git).
export const lambdaOptions = {
  ...common,
  entryPoints: { index: "lambdas/assets_tracker/index.ts" },
  outdir: "dist/lambdas/assets_tracker",
  target: "node22",
  minify: true,
  keepNames: true,
  sourcemap: "linked",
  sourcesContent: false,
  mainFields: ["module", "main"],
  external: [
    "@aws-sdk/credential-provider-sso",
    "@aws-sdk/credential-provider-ini",
    "@aws-sdk/credential-provider-process",
    "@aws-sdk/credential-provider-web-identity",
    "@aws-sdk/credential-provider-login",
    "@aws-sdk/credential-provider-http",
    "@aws-sdk/nested-clients",
    "@aws-sdk/token-providers",
  ],
};

// The rollout controller (central account): the same settings as the tracker, its own entry and directory.
export const controllerOptions = { ...lambdaOptions, entryPoints: { index: "lambdas/rollout_controller/index.ts" }, outdir: "dist/lambdas/rollout_controller" };

// The deployer runs under CodeBuild's Node (22 on standard:7.0) and, in the local run, under Node 20.
// keepNames: error class names appear in logs and status records; minification would rename them.
export const deployerOptions = { ...common, entryPoints: { index: "deployer/index.ts" }, outdir: "dist/deployer", target: "node20", minify: true, keepNames: true, sourcemap: "linked", mainFields: ["module", "main"] };

export const allOptions = [cliOptions, pipeOptions, lambdaOptions, controllerOptions, deployerOptions];
