/**
 * Reads plan JSON files (`terraform show -json` output) named on the command line or found in
 * directories. Every unreadable or invalid file is reported together (PlanFileError), by path.
 *
 * Stack names: `<name>.json` → `<name>`; a file called `plan.json` / `tfplan.json` takes the name of the
 * directory it is in (the layout `cdktf.out/stacks/<stack>/plan.json`). A directory contributes its
 * `*.json` files and the `plan.json` / `tfplan.json` of its immediate subdirectories.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { PlanFileError } from "./errors";
import { parsePlan, type Plan } from "./plan-schema";
import { summarizePlan, type StackSummary, type SummarizeOptions } from "./summarize";

export interface NamedPlan {
  readonly stack: string;
  readonly file: string;
  readonly plan: Plan;
  /** The plan's sensitive values, to scrub from the summary (never printed). */
  readonly secrets: ReadonlySet<string>;
  readonly sha256: string;
}

const DIR_PLAN_NAMES = ["plan.json", "tfplan.json"];

export function stackNameOf(file: string): string {
  const base = basename(file);
  if (DIR_PLAN_NAMES.includes(base)) return basename(dirname(resolve(file)));
  return base.replace(/\.json$/i, "");
}

function filesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, entry.name);
    if (entry.isFile() && entry.name.toLowerCase().endsWith(".json")) out.push(p);
    else if (entry.isDirectory()) for (const name of DIR_PLAN_NAMES) if (statSync(join(p, name), { throwIfNoEntry: false })?.isFile()) out.push(join(p, name));
  }
  return out;
}

/** Expands the given paths (files or directories) into plan files. */
export function planFiles(paths: readonly string[], cwd: string): { files: string[]; problems: { file: string; message: string }[] } {
  const files: string[] = [];
  const problems: { file: string; message: string }[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) problems.push({ file: p, message: "no such file or directory" });
    else if (st.isDirectory()) {
      const found = filesIn(abs);
      if (found.length === 0) problems.push({ file: p, message: "directory holds no *.json plan files (nor */plan.json)" });
      files.push(...found);
    } else files.push(abs);
  }
  return { files, problems };
}

export function readPlanFile(file: string): NamedPlan {
  let text: string;
  try {
    // Only regular files: reading a FIFO would wait forever, a device would never end.
    if (!statSync(file).isFile()) throw new PlanFileError([{ file, message: "not a regular file (a device, FIFO or socket); give the terraform show -json output file" }]);
    text = readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof PlanFileError) throw err;
    throw new PlanFileError([{ file, message: `cannot read: ${(err as Error).message}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PlanFileError([{ file, message: `not valid JSON (${(err as Error).message}); expected the output of \`terraform show -json <planfile>\`` }]);
  }
  const parsed = parsePlan(json);
  if (!parsed.ok) throw new PlanFileError([{ file, message: parsed.problems.join("; ") }]);
  return { stack: stackNameOf(file), file, plan: parsed.plan, secrets: parsed.secrets, sha256: createHash("sha256").update(text).digest("hex") };
}

/**
 * Reads and summarizes every plan, one file at a time: only the small summaries stay in memory, not 300
 * parsed plans (bench/review: holding them all doubled the garbage collector's work). Throws one
 * PlanFileError listing every bad file, and duplicate stack names.
 */
export function summarizePlanFiles(paths: readonly string[], cwd: string, options: SummarizeOptions = {}): StackSummary[] {
  const { files, problems } = planFiles(paths, cwd);
  const summaries: StackSummary[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    try {
      const p = readPlanFile(file);
      const other = seen.get(p.stack);
      if (other && other !== file) problems.push({ file, message: `stack name ${JSON.stringify(p.stack)} is also used by ${other}; rename one file` });
      else if (!other) {
        seen.set(p.stack, file);
        if (problems.length === 0) summaries.push({ ...summarizePlan(p.stack, p.plan, p.secrets, options), planSha256: p.sha256 });
      }
    } catch (err) {
      if (err instanceof PlanFileError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length) throw new PlanFileError(problems);
  return summaries;
}
