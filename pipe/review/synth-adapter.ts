/**
 * The I/O around the synth diff, kept thin: synthesize the pull request's head (the working directory)
 * and its destination (a detached `git worktree` of the merge base in a temp dir), then read both
 * `cdktf.out/stacks/<stack>/cdk.tf.json` sets. Every command is an argv array; nothing goes through a shell.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SynthError } from "./errors";
import type { SynthStack } from "./synth-diff";

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs argv in cwd; never throws on a non-zero exit (the caller decides). Output is capped at 1 MB. */
export function run(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    if (file === undefined) return resolve({ code: 127, stdout: "", stderr: "no command to run (an empty argv)" });
    const child = spawn(file, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const cap = (s: string, d: Buffer) => (s.length > 1_000_000 ? s : s + d.toString("utf8"));
    child.stdout.on("data", (d: Buffer) => (stdout = cap(stdout, d)));
    child.stderr.on("data", (d: Buffer) => (stderr = cap(stderr, d)));
    child.on("error", (err) => resolve({ code: 127, stdout, stderr: `${stderr}${err.message}` }));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** cdktf.json's `output`, or cdktf.out. */
export function synthOutDir(dir: string): string {
  try {
    const cfg = JSON.parse(readFileSync(join(dir, "cdktf.json"), "utf8")) as { output?: unknown };
    if (typeof cfg.output === "string" && cfg.output !== "") return cfg.output;
  } catch {
    // No cdktf.json (or not JSON): the cdktf default.
  }
  return "cdktf.out";
}

export function readSynthStacks(outDir: string): Map<string, SynthStack> {
  const stacks = new Map<string, SynthStack>();
  const dir = join(outDir, "stacks");
  if (!existsSync(dir)) throw new SynthError(`${dir}: no stacks directory; did the synth command write cdktf output there?`);
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name, "cdk.tf.json");
    if (!existsSync(file)) continue;
    try {
      stacks.set(name, JSON.parse(readFileSync(file, "utf8")) as SynthStack);
    } catch (err) {
      throw new SynthError(`${file}: not valid JSON (${(err as Error).message})`);
    }
  }
  return stacks;
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export async function synthesize(dir: string, command: readonly string[], env: NodeJS.ProcessEnv): Promise<Map<string, SynthStack>> {
  const r = await run(command, dir, { ...env, CHECKPOINT_DISABLE: "1" });
  if (r.code !== 0) throw new SynthError(`synth command ${JSON.stringify(command)} failed in ${dir} (exit ${r.code}):\n${tail(r.stderr || r.stdout)}`);
  return readSynthStacks(join(dir, synthOutDir(dir)));
}

async function git(args: readonly string[], cwd: string): Promise<RunResult> {
  return run(["git", ...args], cwd);
}

/** The commit to compare with: the merge base of HEAD and the destination ref (fetched when missing). */
export async function resolveBase(cwd: string, baseRef: string, log: (line: string) => void): Promise<string> {
  let ref = baseRef;
  if ((await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], cwd)).code !== 0) {
    const branch = ref.replace(/^origin\//, "");
    log(`fetching ${branch} from origin to compare with`);
    const f = await git(["fetch", "--no-tags", "origin", branch], cwd);
    if (f.code !== 0) throw new SynthError(`cannot find the destination ${JSON.stringify(baseRef)} and fetching it failed: ${tail(f.stderr, 3)}`);
    ref = "FETCH_HEAD";
  }
  const mb = await git(["merge-base", "HEAD", ref], cwd);
  const sha = mb.code === 0 ? mb.stdout.trim() : (await git(["rev-parse", `${ref}^{commit}`], cwd)).stdout.trim();
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new SynthError(`cannot resolve the destination ${JSON.stringify(baseRef)} to a commit`);
  return sha;
}

/**
 * Synthesizes `commit` in a detached worktree. `node_modules` is linked from the working directory:
 * a worktree has none, and installing per review would double the step's time.
 */
export async function synthesizeCommit(cwd: string, commit: string, command: readonly string[], env: NodeJS.ProcessEnv): Promise<Map<string, SynthStack>> {
  const parent = mkdtempSync(join(tmpdir(), "fleet-review-base-"));
  const dir = join(parent, "base");
  try {
    const add = await git(["worktree", "add", "--detach", dir, commit], cwd);
    if (add.code !== 0) throw new SynthError(`git worktree add for ${commit} failed: ${tail(add.stderr, 3)}`);
    if (existsSync(join(cwd, "node_modules")) && !existsSync(join(dir, "node_modules"))) symlinkSync(join(cwd, "node_modules"), join(dir, "node_modules"), "dir");
    return await synthesize(dir, command, env);
  } finally {
    await git(["worktree", "remove", "--force", dir], cwd);
    rmSync(parent, { recursive: true, force: true });
    await git(["worktree", "prune"], cwd);
  }
}
