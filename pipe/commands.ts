/**
 * Runs the repository's own commands (lint, test, scanner, synth) as argv arrays, never through a shell:
 * an argument with spaces stays one argument. Output is streamed line by line through the log (so the
 * secret mask applies to it too) while the command runs.
 */
import { spawn } from "node:child_process";
import { GateCommandError } from "./errors";
import type { Log } from "./log";
import type { Env } from "./variables";

export interface RunOptions {
  readonly cwd: string;
  readonly env: Env;
  readonly log: Log;
  /** What the command is for, in messages: "lint", "test", "sonar scanner". */
  readonly what: string;
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

export async function runCommand(argv: readonly string[], options: RunOptions): Promise<void> {
  if (argv.length === 0) throw new GateCommandError(`${options.what}: the command is empty`);
  const [cmd, ...args] = argv as [string, ...string[]];
  options.log.info(`$ ${formatArgv(argv)}`);
  const started = Date.now();
  const code = await new Promise<number | string>((resolve) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: { ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    // One masking stream per output stream: each keeps back the tail of its own previous chunk.
    const out = options.log.stream();
    const err = options.log.stream();
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.stdout.on("end", () => out.end());
    child.stderr.on("end", () => err.end());
    child.on("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ENOENT" ? "ENOENT" : err.message));
    child.on("close", (c, signal) => resolve(c ?? `killed by ${signal}`));
  });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  if (code === "ENOENT") throw new GateCommandError(`${options.what}: command not found: ${cmd} (is it installed in the pipe image or in the repository's node_modules/.bin?)`);
  if (code !== 0) throw new GateCommandError(`${options.what} failed: \`${formatArgv(argv)}\` exited with ${typeof code === "number" ? `code ${code}` : code} after ${took} s`);
  options.log.info(`${options.what} passed (${took} s)`);
}
