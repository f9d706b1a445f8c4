/**
 * The files that stacks ship (Lambda zips, the deployer bundle), read, zipped and hashed ONCE per app and
 * written ONCE into `<outdir>/assets/`, where every stack refers to them by a relative path.
 *
 * Why not a `TerraformAsset` per stack: cdktf copies (FILE) or zips (ARCHIVE) an asset into every stack's
 * directory at synth, which at 1,000 tenants means 1,000 copies or zips of the same bytes (measured in
 * docs/stacks.md). Terraform runs inside `<outdir>/stacks/<stack>/`, so `../../assets/<file>` resolves to
 * the shared copy, and the artifact zip of `cdktf.out` carries it too.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { MissingBundleError } from "./errors";
import { zipSync } from "./zip";
import { WORKLOAD_HANDLER_SOURCE } from "./workload-handler";

export interface SharedFile {
  /** Path to use in a stack's Terraform configuration (relative to the stack's directory). */
  readonly terraformPath: string;
  /** Base64 SHA-256 (Lambda `source_code_hash`). */
  readonly sha256Base64: string;
  /** Hex SHA-256 (buildspec verification). */
  readonly sha256Hex: string;
  readonly size: number;
}

export interface FleetAssets {
  readonly trackerZip: SharedFile;
  /** The central rollout controller Lambda. */
  readonly controllerZip: SharedFile;
  readonly deployerJs: SharedFile;
  readonly workloadZip: SharedFile;
}

/** The repository root: the nearest parent with our package.json (works from `stacks/`, `dist/` and `dist/cli/`). */
export function repoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string };
      if (pkg.name === "cdktf-fleet") return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

function readBundle(path: string): Buffer {
  if (!existsSync(path)) throw new MissingBundleError(path);
  return readFileSync(path);
}

function shared(outdir: string, baseName: string, ext: string, bytes: Buffer): SharedFile {
  const hash = createHash("sha256").update(bytes).digest();
  const hex = hash.toString("hex");
  // Content-addressed file name: two builds never overwrite each other's file under the same name.
  const fileName = `${baseName}-${hex.slice(0, 16)}.${ext}`;
  const dir = join(outdir, "assets");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, fileName), bytes);
  return { terraformPath: `../../assets/${fileName}`, sha256Base64: hash.toString("base64"), sha256Hex: hex, size: bytes.length };
}

/** A Lambda bundle's files: index.js and, if built, its source map (the functions run with --enable-source-maps). */
function lambdaEntries(dir: string): { name: string; data: Buffer }[] {
  const js = readBundle(join(dir, "index.js"));
  const map = join(dir, "index.js.map");
  return [{ name: "index.js", data: js }, ...(existsSync(map) ? [{ name: "index.js.map", data: readFileSync(map) }] : [])];
}

/** Reads the bundles under `root/dist`, zips and hashes them, and writes them to `outdir/assets/`. */
export function prepareAssets(outdir: string, root: string = repoRoot()): FleetAssets {
  const trackerEntries = lambdaEntries(join(root, "dist", "lambdas", "assets_tracker"));
  const controllerEntries = lambdaEntries(join(root, "dist", "lambdas", "rollout_controller"));
  const deployer = readBundle(join(root, "dist", "deployer", "index.js"));
  return {
    trackerZip: shared(outdir, "assets-tracker", "zip", zipSync(trackerEntries)),
    controllerZip: shared(outdir, "rollout-controller", "zip", zipSync(controllerEntries)),
    deployerJs: shared(outdir, "deployer", "js", deployer),
    workloadZip: shared(outdir, "workload-handler", "zip", zipSync([{ name: "index.js", data: Buffer.from(WORKLOAD_HANDLER_SOURCE, "utf8") }])),
  };
}
