/**
 * The deterministic artifact. Same tree → same bytes → same SHA-256,
 * whatever the mtimes, owners, umask or directory order of the machine (given the same zlib: Node's
 * bundled zlib is part of the format, like Info-ZIP's deflate is part of its output).
 */
import { lstatSync, mkdirSync, statSync } from "node:fs";
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

/**
 * The archive replaces only a regular file (or nothing): never a directory, a device, a FIFO or a
 * socket, and never a symbolic link (writing through it would put the archive wherever it points).
 */
function checkOut(out: string): void {
  let st;
  try {
    st = lstatSync(out);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    if (code === "ENOTDIR") throw new PackageError(`cannot write ${out}: a part of its directory path is a file, not a directory`);
    throw new PackageError(`cannot write ${out}: ${code ?? String(err)}`);
  }
  if (st.isSymbolicLink()) throw new PackageError(`cannot write ${out}: it is a symbolic link; the archive is never written through a link (remove it or choose another --out)`);
  if (st.isDirectory()) throw new PackageError(`cannot write ${out}: it is a directory; --out names the zip file to write, e.g. ${out.replace(/\/+$/, "")}/artifact.zip`);
  if (!st.isFile()) throw new PackageError(`cannot write ${out}: it is a device, FIFO or socket, not a regular file; --out names the zip file to write`);
}

function makeParent(out: string): void {
  try {
    mkdirSync(dirname(out), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PackageError(`cannot create the directory of ${out}: ${code === "ENOTDIR" || code === "EEXIST" ? "a part of the path is a file" : (code ?? String(err))}`);
  }
}

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
  checkOut(out);
  const refusals: Refusals = { root, items: [] };
  // The walk is lazy: workers compress the first files while later directories are still being read.
  const entries = walkEntries(root, { ...(options.include ? { include: options.include } : {}), ...(options.exclude ? { exclude: options.exclude } : {}), skipAbsolute: [out, partialPath(out)] }, refusals);
  makeParent(out);
  return writeZip(entries, out, {
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    root,
    beforeFinish: (files) => {
      const refused = refusalError(refusals);
      if (refused) throw refused;
      if (files === 0) throw new PackageError(`nothing to package in ${root}: every file is excluded or the tree is empty`);
    },
  });
}
