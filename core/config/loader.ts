/**
 * Reads an environments directory and hands the texts to the pure validator (parse.ts).
 * The only fs code of the configuration: a missing or empty directory is reported here, in the same
 * file:line:col form as every other problem.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { MAX_CONFIG_FILE_BYTES, decodeConfigText, tooLargeIssue } from "./file-text";
import { isAbsolute, join, relative, resolve } from "node:path";
import { ConfigError, type ConfigIssue } from "../errors";
import { CONFIG_EXTENSIONS, isConfigFile, parseFleet, type ParseResult, type SourceFile } from "./parse";
import type { FleetConfig } from "./schema";

export interface LoadOptions {
  /** Messages name files relative to this directory (the user's working directory). @default process.cwd() */
  readonly cwd?: string;
}

function display(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

function dirIssue(file: string, message: string): ParseResult {
  return { issues: [{ file, line: 0, col: 0, message }], warnings: [] };
}

/** Reads and validates without throwing: the validate command prints warnings too. */
export function readFleet(dir: string, options: LoadOptions = {}): ParseResult {
  const cwd = options.cwd ?? process.cwd();
  const abs = resolve(cwd, dir);
  const shown = display(abs, cwd);
  let names: string[];
  try {
    if (!statSync(abs).isDirectory()) return dirIssue(shown, "is not a directory; pass the environments directory with --dir");
    names = readdirSync(abs).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return dirIssue(shown, "directory not found; run from the repository root or pass the environments directory with --dir");
    return dirIssue(shown, `cannot read the directory (${code ?? String(err)})`);
  }
  const files: SourceFile[] = [];
  const issues: ConfigIssue[] = [];
  const skipped: ConfigIssue[] = [];
  for (const name of names) {
    if (!isConfigFile(name)) continue;
    const path = join(abs, name);
    const shownPath = display(path, cwd);
    // Whatever is named like configuration and is not read is said, never skipped in silence.
    if (name.startsWith(".")) {
      skipped.push({ file: shownPath, line: 0, col: 0, message: "skipped: a hidden file is not part of the fleet" });
      continue;
    }
    try {
      const st = statSync(path);
      if (!st.isFile()) {
        issues.push({ file: shownPath, line: 0, col: 0, message: `is ${st.isDirectory() ? "a directory" : "not a regular file (a FIFO, socket or device)"}, but every *.yaml here is read as configuration: rename or remove it` });
        continue;
      }
      if (st.size > MAX_CONFIG_FILE_BYTES) {
        issues.push(tooLargeIssue(shownPath, st.size));
        continue;
      }
      const decoded = decodeConfigText(shownPath, readFileSync(path));
      if ("issue" in decoded) issues.push(decoded.issue);
      else files.push({ path: shownPath, text: decoded.text });
    } catch (err) {
      issues.push({ file: display(path, cwd), line: 0, col: 0, message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
    }
  }
  if (files.length === 0 && issues.length === 0) {
    return dirIssue(
      shown,
      `no configuration files: expected fleet.yaml and one <env>.yaml per environment (only ${CONFIG_EXTENSIONS.join(" and ")} files count; schema.json and others are ignored)`,
    );
  }
  const parsed = parseFleet(files, { dir: shown });
  const result = { ...parsed, warnings: [...skipped, ...parsed.warnings] };
  if (issues.length === 0) return result;
  return { warnings: result.warnings, issues: [...issues, ...result.issues].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)) };
}

/** The validated fleet, or a ConfigError listing every problem of every file. */
export function loadFleet(dir: string, options: LoadOptions = {}): FleetConfig {
  const result = readFleet(dir, options);
  if (!result.config) throw new ConfigError(result.issues);
  return result.config;
}
