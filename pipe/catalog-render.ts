/**
 * pipe.yml's `variables:` list and the README's variables table, rendered from pipe/catalog.ts. Pure text
 * functions: scripts/pipe-repo.mjs writes them into the files, the tests compare the files with them.
 */
import { USER_VARIABLES, type PipeVariable } from "./catalog";

export const TABLE_BEGIN = "<!-- variables:begin (generated from pipe/catalog.ts by scripts/pipe-repo.mjs --write) -->";
export const TABLE_END = "<!-- variables:end -->";
export const YML_BEGIN = "# variables: generated from pipe/catalog.ts by scripts/pipe-repo.mjs --write";

/** A default that is one literal (`` `300` ``) is pipe.yml's `default`; a sentence goes into the description. */
function literalDefault(v: PipeVariable): string | undefined {
  const m = /^`([^`]*)`$/.exec(v.default ?? "");
  return m && v.kind !== "list" ? m[1] : undefined;
}

const yamlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const plain = (s: string): string => s.replace(/`/g, "").replace(/\*/g, "");

export function renderPipeYmlVariables(vars: readonly PipeVariable[] = USER_VARIABLES): string {
  const lines = [YML_BEGIN, "variables:"];
  for (const v of vars) {
    const literal = literalDefault(v);
    const notes = [
      typeof v.required === "string" ? `Required ${plain(v.required)}.` : "",
      v.default !== undefined && literal === undefined ? `Default: ${plain(v.default)}.` : "",
      v.kind === "list" ? "A YAML list." : v.kind === "boolean" ? "'true' or 'false'." : "",
    ].filter((n) => n !== "");
    lines.push(`  - name: ${v.name}`);
    lines.push(`    description: ${yamlString([plain(v.description), ...notes].join(" "))}`);
    lines.push(`    required: ${v.required === true}`);
    if (literal !== undefined) lines.push(`    default: ${yamlString(literal)}`);
    if (v.kind === "secret") lines.push("    secret: true");
  }
  return `${lines.join("\n")}\n`;
}

const cell = (s: string): string => s.replace(/\|/g, "\\|");

export function renderReadmeTable(vars: readonly PipeVariable[] = USER_VARIABLES): string {
  const rows = vars.map((v) => {
    const required = v.required === true ? "yes" : typeof v.required === "string" ? `yes, ${v.required}` : "no";
    const secret = v.kind === "secret" ? " (secret)" : "";
    return `| \`${v.name}\`${secret} | ${cell(required)} | ${cell(v.default ?? "none")} | ${v.modes.join(", ")} | ${cell(v.description)} |`;
  });
  return [TABLE_BEGIN, "| Variable | Required | Default | Modes | Usage |", "| --- | --- | --- | --- | --- |", ...rows, TABLE_END].join("\n");
}

/** Replaces the generated part of pipe.yml (from its marker to the end) and of the README (between markers). */
export function withGenerated(file: "pipe.yml" | "README.md", text: string): string {
  if (file === "pipe.yml") {
    const at = text.indexOf(YML_BEGIN);
    if (at === -1) throw new Error(`pipe.yml has no line ${JSON.stringify(YML_BEGIN)}: the variables list goes after it`);
    return text.slice(0, at) + renderPipeYmlVariables();
  }
  const begin = text.indexOf(TABLE_BEGIN);
  const end = text.indexOf(TABLE_END);
  if (begin === -1 || end === -1 || end < begin) throw new Error("README.md has no variables table markers (variables:begin … variables:end)");
  return text.slice(0, begin) + renderReadmeTable() + text.slice(end + TABLE_END.length);
}
