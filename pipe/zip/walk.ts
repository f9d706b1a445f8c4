/**
 * Collects the files to package: sorted by their archive path, relative, forward slashes only.
 * Symlinks and special files are refused (all of them listed in one error): a link inside an artifact
 * can point anywhere on the machine that extracts it, and following it would put bytes into the
 * artifact that are not in the tree. Users exclude them, or replace them with the real files.
 */
import { lstatSync, readdirSync, readlinkSync, type Stats } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { PackageError } from "../errors";

export interface FileEntry {
  /** Archive path: relative, `/`-separated, no `.` or `..` segments. */
  readonly name: string;
  readonly abs: string;
  readonly size: number;
  /** 0o755 when the owner may execute the file, else 0o644. */
  readonly mode: number;
}

/**
 * Names excluded wherever they occur. `node_modules` is excluded because the artifact carries the
 * synthesized stacks (`cdktf.out/`, whose Lambda assets are already bundled) and the app's own files;
 * the deployer runs terraform, not npm. Callers pass their own list to change this.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [".git", ".hg", ".svn", "node_modules", ".terraform", ".DS_Store", "Thumbs.db", ".scannerwork", ".idea", ".vscode"];

export interface WalkOptions {
  /** Paths relative to the root to include (files or directories); default: the whole root. */
  readonly include?: readonly string[];
  /** Entry names (any depth) or root-relative paths (with a `/`) to leave out. */
  readonly exclude?: readonly string[];
  /** Absolute paths never to include (the archive being written, when it lies inside the tree). */
  readonly skipAbsolute?: readonly string[];
}

function byBytes(a: FileEntry, b: FileEntry): number {
  return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
}

export function walkTree(root: string, options: WalkOptions = {}): FileEntry[] {
  const base = resolve(root);
  const exclude = options.exclude ?? DEFAULT_EXCLUDES;
  const excludedNames = new Set(exclude.filter((e) => !e.includes("/")));
  const excludedPaths = new Set(exclude.filter((e) => e.includes("/")).map((e) => e.replace(/^\.\//, "").replace(/\/+$/, "")));
  const skip = new Set((options.skipAbsolute ?? []).map((p) => resolve(p)));
  const files: FileEntry[] = [];
  const refused: string[] = [];
  const seen = new Set<string>();

  const visit = (abs: string, st: Stats): void => {
    const rel = relative(base, abs).split(sep).join("/");
    if (st.isSymbolicLink()) {
      let target = "?";
      try {
        target = readlinkSync(abs);
      } catch {
        // keep "?": the message still names the link
      }
      refused.push(`${rel} is a symbolic link (→ ${target})`);
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(abs)) {
        const childRel = rel === "" ? name : `${rel}/${name}`;
        if (excludedNames.has(name) || excludedPaths.has(childRel)) continue;
        const child = join(abs, name);
        if (skip.has(child)) continue;
        visit(child, lstatSync(child));
      }
      return;
    }
    if (!st.isFile()) {
      refused.push(`${rel} is not a regular file (device, socket or FIFO)`);
      return;
    }
    if (seen.has(rel)) return;
    seen.add(rel);
    files.push({ name: rel, abs, size: st.size, mode: st.mode & 0o100 ? 0o755 : 0o644 });
  };

  const includes = options.include && options.include.length > 0 ? options.include : ["."];
  for (const inc of includes) {
    const abs = resolve(base, inc);
    const rel = relative(base, abs);
    if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new PackageError(`cannot package ${JSON.stringify(inc)}: it lies outside ${base}`);
    let st: Stats;
    try {
      st = lstatSync(abs);
    } catch {
      refused.push(`${inc} does not exist`);
      continue;
    }
    visit(abs, st);
  }
  if (refused.length > 0) {
    throw new PackageError(
      `cannot package ${base}: ${refused.length} entr${refused.length === 1 ? "y is" : "ies are"} not regular files:\n` +
        refused.map((r) => `  - ${r}`).join("\n") +
        "\nSymlinks are refused because they could point outside the directory that extracts the artifact. Replace them with the files, or exclude them.",
    );
  }
  return files.sort(byBytes);
}
