/**
 * From a path in the parsed value (what zod reports) back to the YAML node it came from, so that every
 * message can say `file:line:col`. Pure: works on a parsed `yaml` Document and its LineCounter.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";

export type PathSegment = string | number;

export interface Located {
  /** The node the path names, when it exists in the file. */
  readonly node?: Node | undefined;
  /** The key node when the last segment names a map entry (for "unknown key" messages). */
  readonly key?: Node | undefined;
  /** The deepest node that exists on the path: the map a missing key belongs in, for instance. */
  readonly nearest: Node | undefined;
}

/** Follows an alias to its anchored node: the value (and its position) is written there. */
function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function keyText(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return typeof k === "string" || typeof k === "number" ? String(k) : undefined;
}

// One index per map, built on first use: a file with 50,000 keys and an issue on each would otherwise
// scan the map once per issue (quadratic).
const indexes = new WeakMap<object, Map<string, Pair>>();

/** Finds the (first) map entry for `key` in a YAML map node. */
export function findPair(node: unknown, key: string): Pair | undefined {
  if (!isMap(node)) return undefined;
  let index = indexes.get(node);
  if (!index) {
    index = new Map();
    for (const p of node.items) {
      const k = keyText(p);
      if (k !== undefined && !index.has(k)) index.set(k, p);
    }
    indexes.set(node, index);
  }
  return index.get(key);
}

export function locate(doc: Document, path: readonly PathSegment[]): Located {
  let current: unknown = deref(doc, doc.contents);
  let nearest = current as Node | undefined;
  let key: Node | undefined;
  for (const segment of path) {
    key = undefined;
    if (isMap(current)) {
      const pair = findPair(current, String(segment));
      if (!pair) return { nearest };
      key = pair.key as Node;
      current = deref(doc, pair.value);
    } else if (isSeq(current) && typeof segment === "number") {
      current = deref(doc, current.items[segment]);
    } else {
      return { nearest };
    }
    if (current === null || current === undefined) return key ? { nearest, key } : { nearest };
    nearest = current as Node;
  }
  return { node: current as Node, nearest, ...(key ? { key } : {}) };
}

/** 1-based line and column of a node's first character (or 1:1 when the node has no range). */
export function startOf(node: Node | undefined, lines: LineCounter): { line: number; col: number } {
  const offset = node?.range?.[0];
  return offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset);
}

/** The node's text as written in the file: `012345678901` keeps its leading zero, quotes stay quotes. */
export function sourceText(node: Node | undefined, text: string, max = 60): string | undefined {
  const range = node?.range;
  if (!range) return undefined;
  const raw = text.slice(range[0], range[1]).trim();
  const oneLine = raw.replace(/\s*\n\s*/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** `central.bitbucket.repositoryUuids[0]`: how a user finds the field. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const s of path) {
    if (typeof s === "number") out += `[${s}]`;
    else if (!/^[A-Za-z_][\w-]*$/.test(s)) out += `[${JSON.stringify(s)}]`;
    else out += out === "" ? s : `.${s}`;
  }
  return out === "" ? "(top level)" : out;
}
