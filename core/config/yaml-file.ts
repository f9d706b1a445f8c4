/**
 * One YAML file → its parsed Document (with positions) and plain value, or the issues that stop it.
 * Safe by construction: duplicate keys are errors (a later key would silently win), and alias expansion
 * is capped so that a "billion laughs" file cannot exhaust memory.
 */
import { LineCounter, isScalar, parseDocument, visit, type Document, type Node, type YAMLError } from "yaml";
import type { ConfigIssue } from "../errors";
import { findPair } from "./positions";

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

function duplicateKeyMessage(doc: Document, lines: LineCounter, file: SourceFile, offset: number): string {
  let text: string | undefined;
  let first: number | undefined;
  visit(doc, {
    Map(_, map) {
      const dup = map.items.find((p) => (p.key as Node | null)?.range?.[0] === offset);
      if (!dup) return undefined;
      const keyNode = dup.key as Node;
      text = file.text.slice(keyNode.range![0], keyNode.range![1]).trim();
      const key = isScalar(keyNode) ? keyNode.value : undefined;
      const original = findPair(map, typeof key === "string" || typeof key === "number" ? String(key) : text);
      first = (original?.key as Node | undefined)?.range?.[0];
      return visit.BREAK;
    },
  });
  const where = first !== undefined && first !== offset ? ` (first written at line ${lines.linePos(first).line})` : "";
  return `duplicate key ${text !== undefined ? JSON.stringify(text) : ""}${where}: YAML would silently keep only one of them; remove or merge the duplicate`.replace(
    "key  (",
    "key (",
  );
}

function yamlIssue(err: YAMLError, doc: Document, lines: LineCounter, file: SourceFile): ConfigIssue {
  const offset = err.pos[0];
  if (err.code === "DUPLICATE_KEY") return issueAt(file, lines, offset, duplicateKeyMessage(doc, lines, file, offset));
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
  const doc = parseDocument(file.text, { uniqueKeys: true, prettyErrors: true, lineCounter: lines, keepSourceTokens: false });
  for (const w of doc.warnings) warnings.push(issueAt(file, lines, w.pos[0], `YAML: ${firstLine(w.message)}`));
  if (doc.errors.length > 0) {
    for (const err of doc.errors) issues.push(yamlIssue(err, doc, lines, file));
    return undefined;
  }
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
