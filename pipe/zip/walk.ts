/**
 * Lists the files to package, lazily, so that compression starts while the walk goes on: depth first,
 * each directory's entries in the byte order of their UTF-8 names (like `tar --sort=name`), relative
 * `/`-separated archive names. The order depends only on the names, never on the file system.
 *
 * Symlinks and special files are refused, all of them listed in one error: a link inside an artifact can
 * point anywhere on the machine that extracts it, and following it would put bytes into the artifact
 * that are not in the tree. Users exclude them, or replace them with the real files. So is every name
 * the deployer would refuse (core/entry-rules.ts: control characters, backslashes, over-long names) and
 * every name that is not valid UTF-8: the archive stores UTF-8 names, and a lossy conversion would
 * package a name that is not the file's.
 */
import { lstatSync, readdirSync, readlinkSync, type Dirent, type Stats } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { shownName, unsafeNameReason } from "../../core/entry-rules";
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

/** What a lazy walk found that it must refuse; {@link refusalError} turns it into the one error. */
export interface Refusals {
  readonly root: string;
  readonly items: string[];
}

type Kind = "dir" | "file" | "link" | "other";

const kindOf = (d: Pick<Stats, "isSymbolicLink" | "isDirectory" | "isFile">): Kind => (d.isSymbolicLink() ? "link" : d.isDirectory() ? "dir" : d.isFile() ? "file" : "other");

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function utf8Name(bytes: Buffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Printable ASCII as it is, every other byte as `\xNN`: how a name that is not UTF-8 can be shown. */
const escapedBytes = (bytes: Buffer): string => [...bytes].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join("");

const byBytes = (names: string[]): string[] =>
  names
    .map((n) => ({ n, k: Buffer.from(n, "utf8") }))
    .sort((a, b) => Buffer.compare(a.k, b.k))
    .map((x) => x.n);

export function refusalError(r: Refusals): PackageError | undefined {
  if (r.items.length === 0) return undefined;
  const links = r.items.some((i) => i.includes("symbolic link"));
  return new PackageError(
    `cannot package ${r.root}: ${r.items.length} problem${r.items.length === 1 ? "" : "s"}:\n` +
      r.items.map((i) => `  - ${i}`).join("\n") +
      (links ? "\nSymlinks are refused because they could point outside the directory that extracts the artifact. Replace them with the files, or exclude them." : ""),
  );
}

/**
 * Yields the files in archive order and records refusals in `refusals` (the caller checks them before it
 * makes the archive visible). Throws at once only for an include path outside the root.
 */
export function* walkEntries(root: string, options: WalkOptions, refusals: Refusals): Generator<FileEntry> {
  const base = resolve(root);
  const exclude = options.exclude ?? DEFAULT_EXCLUDES;
  const excludedNames = new Set(exclude.filter((e) => !e.includes("/")));
  const excludedPaths = new Set(exclude.filter((e) => e.includes("/")).map((e) => e.replace(/^\.\//, "").replace(/\/+$/, "")));
  const skip = new Set((options.skipAbsolute ?? []).map((p) => resolve(p)));
  const seen = new Set<string>();

  // `rel` is carried down instead of recomputed with path.relative() for every file.
  function* visit(abs: string, rel: string, kind: Kind): Generator<FileEntry> {
    if (kind === "link") {
      let target = "?";
      try {
        target = readlinkSync(abs);
      } catch {
        // keep "?": the message still names the link
      }
      refusals.items.push(`${rel} is a symbolic link (→ ${target})`);
      return;
    }
    if (kind === "other") {
      refusals.items.push(`${rel} is not a regular file (device, socket or FIFO)`);
      return;
    }
    if (kind === "dir") {
      const dirents = new Map<string, Dirent<Buffer>>();
      for (const d of readdirSync(abs, { withFileTypes: true, encoding: "buffer" })) {
        const name = utf8Name(d.name);
        if (name === undefined) refusals.items.push(`${rel === "" ? "" : `${rel}/`}${escapedBytes(d.name)} has a name that is not valid UTF-8; rename it`);
        else dirents.set(name, d);
      }
      for (const name of byBytes([...dirents.keys()])) {
        const childRel = rel === "" ? name : `${rel}/${name}`;
        if (excludedNames.has(name) || excludedPaths.has(childRel)) continue;
        const child = abs.endsWith(sep) ? `${abs}${name}` : `${abs}${sep}${name}`;
        if (skip.has(child)) continue;
        const unsafe = unsafeNameReason(childRel);
        if (unsafe) {
          refusals.items.push(`${shownName(childRel)}: ${unsafe}; the deployer would refuse the artifact`);
          continue;
        }
        yield* visit(child, childRel, kindOf(dirents.get(name)!));
      }
      return;
    }
    if (seen.has(rel)) return;
    seen.add(rel);
    const st = lstatSync(abs);
    yield { name: rel, abs, size: st.size, mode: st.mode & 0o100 ? 0o755 : 0o644 };
  }

  const includes = options.include && options.include.length > 0 ? options.include : ["."];
  const resolved = includes.map((inc) => {
    const abs = resolve(base, inc);
    const rel = relative(base, abs);
    if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new PackageError(`cannot package ${JSON.stringify(inc)}: it lies outside ${base}`);
    return { inc, abs, rel: rel.split(sep).join("/") };
  });
  // Includes in the same byte order as everything else, so that their order in the variable does not matter.
  const order = byBytes(resolved.map((r) => r.rel));
  for (const rel of order) {
    const r = resolved.find((x) => x.rel === rel)!;
    let st: Stats;
    try {
      st = lstatSync(r.abs);
    } catch {
      refusals.items.push(`${r.inc} does not exist`);
      continue;
    }
    yield* visit(r.abs, r.rel, kindOf(st));
  }
}

/** The whole list at once (tests, small trees); throws the refusals. */
export function walkTree(root: string, options: WalkOptions = {}): FileEntry[] {
  const refusals: Refusals = { root: resolve(root), items: [] };
  const files = [...walkEntries(root, options, refusals)];
  const err = refusalError(refusals);
  if (err) throw err;
  return files;
}
