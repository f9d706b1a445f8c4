/**
 * Reads an environments directory and hands the texts to the pure validator (parse.ts).
 * The only fs code of the configuration: a missing or empty directory is reported here, in the same
 * file:line:col form as every other problem.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
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
  for (const name of names) {
    if (name.startsWith(".") || !isConfigFile(name)) continue;
    const path = join(abs, name);
    try {
      if (!statSync(path).isFile()) continue;
      files.push({ path: display(path, cwd), text: readFileSync(path, "utf8") });
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
  const result = parseFleet(files, { dir: shown });
  if (issues.length === 0) return result;
  return { warnings: result.warnings, issues: [...issues, ...result.issues].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)) };
}

/** The validated fleet, or a ConfigError listing every problem of every file. */
export function loadFleet(dir: string, options: LoadOptions = {}): FleetConfig {
  const result = readFleet(dir, options);
  if (!result.config) throw new ConfigError(result.issues);
  return result.config;
}
