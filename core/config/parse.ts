/**
  return { config: { central: fleet.central, app: fleet.app, defaults: fleet.defaults, ...(fleet.rollout ? { rollout: fleet.rollout } : {}), ...(fleet.bootstrap ? { bootstrap: fleet.bootstrap } : {}), environments }, issues, warnings };
 * loader (core/config/loader.ts) reads the directory, this decides. Every problem in every file is
 * collected, so one run shows them all, sorted by file and line.
 */
import { basename, dirname, extname, join } from "node:path";
import type { z } from "zod";
import { isScalar, type Node } from "yaml";
import type { ConfigIssue } from "../errors";
import { ACCOUNT_ID_RE, NAME_RE } from "../patterns";
import { messageFor, unknownKeyMessage } from "./messages";
import { findPair, locate, sourceText, startOf, type PathSegment } from "./positions";
import { EnvironmentFileSchema, FleetFileSchema, type Environment, type EnvironmentFile, type FleetConfig, type FleetFile } from "./schema";
import { tagLimitIssues } from "./tag-limits";
import { EnvironmentWorkloadSchema } from "./workload";
import { readYaml, type ParsedYaml, type SourceFile } from "./yaml-file";

export type { SourceFile } from "./yaml-file";

/** Only these count as configuration files; everything else in the directory (schema.json, notes) is ignored. */
export const CONFIG_EXTENSIONS = [".yaml", ".yml"] as const;

/** The central settings file, by name without extension. */
export const FLEET_FILE_STEM = "fleet";

export interface ParseResult {
  /** Present only when there are no issues. */
  readonly config?: FleetConfig;
  readonly issues: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

export function isConfigFile(path: string): boolean {
  return (CONFIG_EXTENSIONS as readonly string[]).includes(extname(path));
}

/** `environments/alpha.yaml` → `alpha`. */
export function stemOf(path: string): string {
  return basename(path, extname(path));
}

const FLEET_HINT = "fleet.yaml needs central (accountId, region, artifactBucket, stateBucket, bitbucket), app (name) and defaults (region)";
const ENV_HINT = "an environment file needs at least name, accountId (quoted) and wave";

export function at(parsed: ParsedYaml, node: Node | undefined, message: string): ConfigIssue {
  const { line, col } = startOf(node, parsed.lines);
  return { file: parsed.file.path, line, col, message };
}

/** Validates one parsed file against its schema; pushes one issue per problem, pointing at the node. */
export function validate<S extends z.ZodType>(schema: S, parsed: ParsedYaml, issues: ConfigIssue[]): z.output<S> | undefined {
  const result = schema.safeParse(parsed.value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = issue.path as PathSegment[];
    const found = locate(parsed.doc, path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const pair = findPair(found.node, key);
        issues.push(at(parsed, (pair?.key as Node | undefined) ?? found.nearest, unknownKeyMessage(schema, path, key)));
      }
      continue;
    }
    // A record key that breaks the rules (a tag key): point at the key, not at its value.
    const target = issue.code === "invalid_key" ? (found.key ?? found.nearest) : (found.node ?? found.nearest);
    const message = messageFor(issue, { root: schema, node: found.node, shown: sourceText(found.node, parsed.file.text) });
    issues.push(at(parsed, target, message));
  }
  return undefined;
}

interface Seen {
  readonly parsed: ParsedYaml;
  readonly node: Node | undefined;
  readonly value: string;
}

function where(s: Seen): string {
  const { line, col } = startOf(s.node, s.parsed.lines);
  return `${s.parsed.file.path}:${line}:${col}`;
}

/** Each value used more than once gets one issue per use, naming the other places. */
function duplicates(seen: readonly Seen[], describeDup: (value: string, others: string) => string, issues: ConfigIssue[]): void {
  const groups = new Map<string, Seen[]>();
  for (const s of seen) groups.set(s.value, [...(groups.get(s.value) ?? []), s]);
  for (const [value, group] of groups) {
    if (group.length < 2) continue;
    for (const s of group) {
      const others = group.filter((o) => o !== s).map(where).join(", ");
      issues.push(at(s.parsed, s.node, describeDup(value, others)));
    }
  }
}

/** A top-level string field, if it is present and well-formed (cross-file rules only trust those). */
function field(parsed: ParsedYaml, key: string, re: RegExp): Seen | undefined {
  const node = findPair(parsed.doc.contents, key)?.value as Node | undefined;
  if (!isScalar(node) || typeof node.value !== "string" || !re.test(node.value)) return undefined;
  return { parsed, node, value: node.value };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function compareIssues(a: ConfigIssue, b: ConfigIssue): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col;
}

/**
 * Validates a whole fleet: `files` are fleet.yaml and the environment files (other files are ignored).
 * `dir` names the directory in messages about a missing fleet.yaml.
 */
export function parseFleet(files: readonly SourceFile[], options: { dir?: string } = {}): ParseResult {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const configFiles = files.filter((f) => isConfigFile(f.path));
  const dir = options.dir ?? (configFiles[0] ? dirname(configFiles[0].path) : ".");
  const fleetFiles = configFiles.filter((f) => stemOf(f.path) === FLEET_FILE_STEM);
  const envFiles = configFiles.filter((f) => stemOf(f.path) !== FLEET_FILE_STEM);

  // fleet.yaml
  let fleet: FleetFile | undefined;
  let fleetParsed: ParsedYaml | undefined;
  if (fleetFiles.length === 0) {
    const found = envFiles.map((f) => basename(f.path)).join(", ");
    issues.push({
      file: join(dir, "fleet.yaml"),
      line: 0,
      col: 0,
      message: `missing: every fleet needs fleet.yaml beside the environment files (${FLEET_HINT})${found ? `; found only ${found}` : ""}`,
    });
  } else if (fleetFiles.length > 1) {
    for (const f of fleetFiles)
      issues.push({ file: f.path, line: 0, col: 0, message: `two central settings files (${fleetFiles.map((x) => basename(x.path)).join(" and ")}); keep one of them` });
  } else if (fleetFiles[0]) {
    fleetParsed = readYaml(fleetFiles[0], FLEET_HINT, issues, warnings);
    if (fleetParsed) fleet = validate(FleetFileSchema, fleetParsed, issues);
  }

  // <env>.yaml
  const envs: { parsed: ParsedYaml; data: EnvironmentFile | undefined }[] = [];
  for (const file of envFiles) {
    const parsed = readYaml(file, ENV_HINT, issues, warnings);
    if (!parsed) continue;
    const data = validate(EnvironmentFileSchema, parsed, issues);
    envs.push({ parsed, data });
    // --- The workload's settings: everything synth would refuse in `config`, refused here at its line.
    if (isMapping(parsed.value) && (parsed.value.config === undefined || isMapping(parsed.value.config))) validate(EnvironmentWorkloadSchema, parsed, issues);
    const stem = stemOf(file.path);
    const name = field(parsed, "name", NAME_RE);
    if (name && name.value !== stem) {
      const ext = extname(file.path);
      issues.push(
        at(
          parsed,
          name.node,
          `name ${JSON.stringify(name.value)} differs from the file name ${basename(file.path)}; the file name is the environment's name: rename the file to ${name.value}${ext}` +
            (NAME_RE.test(stem) ? ` or write name: ${stem}` : ""),
        ),
      );
    }
  }
  if (envFiles.length === 0 && fleetFiles.length > 0) {
    warnings.push({ file: dir, line: 0, col: 0, message: "no environment files (<env>.yaml) beside fleet.yaml: only the central stack can be synthesized" });
  }

  // Across files: unique names, unique account ids, no tenant in the central account.
  const names = envs.map((e) => field(e.parsed, "name", NAME_RE)).filter((s): s is Seen => s !== undefined);
  duplicates(names, (v, others) => `environment name ${JSON.stringify(v)} is also used by ${others}; names must be unique across the fleet`, issues);
  const accounts = envs.map((e) => field(e.parsed, "accountId", ACCOUNT_ID_RE)).filter((s): s is Seen => s !== undefined);
  duplicates(accounts, (v, others) => `accountId "${v}" is also used by ${others}; each environment needs its own AWS account (it is the isolation boundary)`, issues);
  const central = fleetParsed ? locate(fleetParsed.doc, ["central", "accountId"]).node : undefined;
  if (fleetParsed && isScalar(central) && typeof central.value === "string" && ACCOUNT_ID_RE.test(central.value)) {
    const centralAt = where({ parsed: fleetParsed, node: central, value: central.value });
    for (const a of accounts) {
      if (a.value === central.value) {
        issues.push(at(a.parsed, a.node, `accountId "${a.value}" is the central account (${centralAt}); a tenant must live in its own account, never the central one`));
      }
    }
  }

  // ---- health: a bake that cannot end before the build times out would fail every deploy ----
  if (fleet) {
    const timeout = fleet.defaults.codebuild.timeoutMinutes;
    for (const { parsed, data } of envs) {
      const bake = data?.health?.bakeMinutes ?? 0;
      if (bake >= timeout) {
        const node = locate(parsed.doc, ["health", "bakeMinutes"]).node;
        issues.push(at(parsed, node, `health.bakeMinutes ${bake} does not fit in the deploy build's ${timeout}-minute timeout (fleet.yaml defaults.codebuild.timeoutMinutes); shorten the bake or raise the timeout`));
      }
    }
  }
  // ---- end health ----

  // --- AWS's limit of tags per resource, counted as the stacks merge them.
  if (fleet && fleetParsed) {
    const valid = envs.filter((e): e is { parsed: ParsedYaml; data: EnvironmentFile } => e.data !== undefined);
    issues.push(...tagLimitIssues({ parsed: fleetParsed, tags: fleet.defaults.tags }, valid.map((e) => ({ parsed: e.parsed, tags: e.data.tags }))));
  }

  issues.sort(compareIssues);
  warnings.sort(compareIssues);
  if (issues.length > 0 || !fleet) return { issues, warnings };

  const environments: Environment[] = envs
    .map(({ parsed, data }) => {
      const env = data!;
      return { ...env, region: env.region ?? fleet.defaults.region, tags: { ...fleet.defaults.tags, ...env.tags }, file: parsed.file.path };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    config: { central: fleet.central, app: fleet.app, defaults: fleet.defaults, ...(fleet.rollout ? { rollout: fleet.rollout } : {}), ...(fleet.bootstrap ? { bootstrap: fleet.bootstrap } : {}), environments },
    issues,
    warnings,
  };
}
