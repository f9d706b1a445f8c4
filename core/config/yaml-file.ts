/**
 * One YAML file → its parsed Document (with positions) and plain value, or the issues that stop it.
 * Safe by construction: duplicate keys are errors (a later key would silently win), and alias expansion
 * is capped so that a "billion laughs" file cannot exhaust memory.
 */
import { LineCounter, isScalar, parseDocument, visit, type Document, type Node, type YAMLError } from "yaml";
import type { ConfigIssue } from "../errors";

/** A file as the loader read it; `path` is how messages name it. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** More alias expansions than this in one file is treated as an expansion attack (yaml's default is 100). */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedYaml {
  readonly file: SourceFile;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly value: unknown;
}

/** prettyErrors appends " at line L, column C:" and a source excerpt; we print positions ourselves. */
function firstLine(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
}

function issueAt(file: SourceFile, lines: LineCounter, offset: number, message: string): ConfigIssue {
  const { line, col } = lines.linePos(offset);
  return { file: file.path, line, col, message };
}

/**
 * Duplicate keys, in one pass over every map with a set per map. The yaml library's own `uniqueKeys`
 * check compares each key with every earlier one (quadratic: a 50,000-key file took minutes).
 */
function duplicateKeys(doc: Document, lines: LineCounter, file: SourceFile, issues: ConfigIssue[]): void {
  visit(doc, {
    Map(_, map) {
      const first = new Map<string, Node>();
      for (const pair of map.items) {
        const keyNode = pair.key as Node | null;
        if (!isScalar(keyNode) || !keyNode.range) continue;
        const k = keyNode.value;
        const id = typeof k === "string" || typeof k === "number" || typeof k === "boolean" || k === null ? `${typeof k}:${String(k)}` : undefined;
        if (id === undefined) continue;
        const earlier = first.get(id);
        if (!earlier) {
          first.set(id, keyNode);
          continue;
        }
        const text = file.text.slice(keyNode.range[0], keyNode.range[1]).trim();
        const line = earlier.range ? ` (first written at line ${lines.linePos(earlier.range[0]).line})` : "";
        issues.push(issueAt(file, lines, keyNode.range[0], `duplicate key ${JSON.stringify(text)}${line}: YAML would silently keep only one of them; remove or merge the duplicate`));
      }
      return undefined;
    },
  });
}

function yamlIssue(err: YAMLError, lines: LineCounter, file: SourceFile): ConfigIssue {
  const offset = err.pos[0];
  if (err.code === "MULTIPLE_DOCS") return issueAt(file, lines, offset, "a second YAML document (---) starts here; each file holds exactly one: remove the --- line or split the file");
  return issueAt(file, lines, offset, `YAML syntax error: ${firstLine(err.message)}`);
}

function firstAlias(doc: Document, source?: string): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_, node) {
      if (source !== undefined && node.source !== source) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Parses one file. Returns undefined (with issues pushed) when the file is unusable: syntax errors,
 * duplicate keys, alias bombs, or no content at all.
 */
export function readYaml(file: SourceFile, emptyHint: string, issues: ConfigIssue[], warnings: ConfigIssue[]): ParsedYaml | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(file.text, { uniqueKeys: false, prettyErrors: true, lineCounter: lines, keepSourceTokens: false });
  for (const w of doc.warnings) warnings.push(issueAt(file, lines, w.pos[0], `YAML: ${firstLine(w.message)}`));
  const before = issues.length;
  for (const err of doc.errors) issues.push(yamlIssue(err, lines, file));
  if (doc.errors.length === 0) duplicateKeys(doc, lines, file, issues);
  if (issues.length > before) return undefined;
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    issues.push({ file: file.path, line: 0, col: 0, message: `the file is empty (or holds only comments); ${emptyHint}` });
    return undefined;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && err.message.startsWith("Unresolved alias")) {
      const name = /: (.*)$/.exec(err.message)?.[1] ?? "";
      const alias = firstAlias(doc, name);
      const { line, col } = alias?.range ? lines.linePos(alias.range[0]) : { line: 1, col: 1 };
      issues.push({ file: file.path, line, col, message: `alias *${name} refers to no anchor: define &${name} before it is used, or write the value out` });
      return undefined;
    }
    if (err instanceof ReferenceError) {
      const alias = firstAlias(doc);
      const { line, col } = alias?.range ? lines.linePos(alias.range[0]) : { line: 1, col: 1 };
      issues.push({
        file: file.path,
        line,
        col,
        message: `YAML aliases expand to more than ${MAX_ALIAS_COUNT} copies (a "billion laughs" pattern): refused; write the values out instead of nesting aliases`,
      });
      return undefined;
    }
    throw err;
  }
  return { file, doc, lines, value };
}
