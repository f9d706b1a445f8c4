/**
 * Step 2 of the flow (DESIGN.md §1): the deterministic artifact. Same tree → same bytes → same SHA-256,
 * whatever the mtimes, owners, umask or directory order of the machine (given the same zlib: Node's
 * bundled zlib is part of the format, like Info-ZIP's deflate is part of its output).
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PackageError } from "./errors";
import { DEFAULT_EXCLUDES, refusalError, walkEntries, type Refusals } from "./zip/walk";
import { partialPath, writeZip, type ZipResult } from "./zip/writer";

export { DEFAULT_EXCLUDES };

export interface PackageOptions {
  /** Tree to package. */
  readonly root: string;
  /** Archive to write (parent directories are created). */
  readonly out: string;
  /** Root-relative paths to include; default the whole root. */
  readonly include?: readonly string[];
  /** Names or root-relative paths to leave out; default {@link DEFAULT_EXCLUDES}. */
  readonly exclude?: readonly string[];
  readonly workers?: number;
}

export type PackageResult = ZipResult;

export async function packageTree(options: PackageOptions): Promise<PackageResult> {
  const out = resolve(options.out);
  const root = resolve(options.root);
  let rootStat;
  try {
    rootStat = statSync(root);
  } catch {
    throw new PackageError(`cannot package ${root}: the directory does not exist`);
  }
  if (!rootStat.isDirectory()) throw new PackageError(`cannot package ${root}: not a directory (fleet package takes the directory to zip)`);
  const refusals: Refusals = { root, items: [] };
  // The walk is lazy: workers compress the first files while later directories are still being read.
  const entries = walkEntries(root, { include: options.include, exclude: options.exclude, skipAbsolute: [out, partialPath(out)] }, refusals);
  mkdirSync(dirname(out), { recursive: true });
  return writeZip(entries, out, {
    workers: options.workers,
    root,
    beforeFinish: (files) => {
      const refused = refusalError(refusals);
      if (refused) throw refused;
      if (files === 0) throw new PackageError(`nothing to package in ${root}: every file is excluded or the tree is empty`);
    },
  });
}
