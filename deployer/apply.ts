/**
 * Runs the apply: by default `terraform init` then `terraform apply` in the workload stack directory, or
 * the one argv of FLEET_APPLY_COMMAND. Commands are argv arrays (never a shell string); their output is
 * streamed to the build log line by line as it comes, and the line that best explains a failure is kept.
 */
import { spawn } from "node:child_process";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { LastMeaningfulLine } from "./text";

export interface ApplyPlan {
  readonly commands: readonly (readonly string[])[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Aborted when the build is being stopped (SIGTERM/SIGINT to the deployer): the running command gets
   * SIGINT, which terraform handles gracefully — it finishes the operation in flight, writes state and
   * releases its S3 lock — instead of dying with the lock held; no further command starts.
   */
  readonly signal?: AbortSignal;
}

export type ApplyOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * The default commands. The synthesized stack already carries its S3 backend (with `use_lockfile`), so
 * `init` needs no -backend-config; `-lock-timeout` waits for a concurrent holder instead of failing at once.
 */
export function defaultApplyCommands(terraformBin: string, lockTimeout: string): string[][] {
  return [
    [terraformBin, "init", "-input=false", "-no-color"],
    [terraformBin, "apply", "-auto-approve", "-input=false", "-no-color", `-lock-timeout=${lockTimeout}`],
  ];
}

/** Runs the commands in order; stops at the first that fails. */
export async function runApply(plan: ApplyPlan, writeLine: (line: string) => void): Promise<ApplyOutcome> {
  for (const argv of plan.commands) {
    if (plan.signal?.aborted) return { ok: false, reason: `stopped before ${[basename(argv[0] ?? ""), argv[1] ?? ""].join(" ").trim()} (the build is being stopped)` };
    const outcome = await runOne(argv, plan, writeLine);
    if (!outcome.ok) return outcome;
  }
  return { ok: true };
}

function runOne(argv: readonly string[], plan: ApplyPlan, writeLine: (line: string) => void): Promise<ApplyOutcome> {
  const [cmd, ...args] = argv as [string, ...string[]];
  // "terraform apply", "node -e": the program by name, not by path.
  const label = [basename(cmd), ...args.slice(0, 1)].join(" ");
  writeLine(`$ ${argv.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: plan.cwd, env: plan.env, stdio: ["ignore", "pipe", "pipe"] });
    const last = new LastMeaningfulLine();
    let open = 2;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    let interrupted = false;
    const onAbort = () => {
      interrupted = true;
      child.kill("SIGINT");
    };
    plan.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = () => {
      if (open > 0 || (exit === undefined && spawnError === undefined)) return;
      plan.signal?.removeEventListener("abort", onAbort);
      if (spawnError) return resolve({ ok: false, reason: `could not run ${label}: ${spawnError.message}` });
      // Exit 0 after an interrupt: the command still completed its work, so it counts as applied.
      if (exit?.code === 0) return resolve({ ok: true });
      if (interrupted) return resolve({ ok: false, reason: `${label} interrupted: the build is being stopped (sent SIGINT so terraform releases its lock)${last.value ? `; last line: ${last.value}` : ""}` });
      const how = exit?.signal ? `killed by ${exit.signal}` : `exit ${exit?.code}`;
      resolve({ ok: false, reason: `${label} failed (${how})${last.value ? `: ${last.value}` : ""}` });
    };
    for (const stream of [child.stdout, child.stderr]) {
      const rl = createInterface({ input: stream, crlfDelay: Infinity });
      rl.on("line", (line) => {
        writeLine(line);
        last.add(line);
      });
      rl.on("close", () => {
        open -= 1;
        finish();
      });
    }
    child.on("error", (err) => {
      spawnError = err;
      // A child that never started has no streams to close.
      open = 0;
      finish();
    });
    child.on("close", (code, signal) => {
      exit = { code, signal };
      finish();
    });
  });
}
