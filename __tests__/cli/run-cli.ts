/** Runs the real `fleet` dispatcher (cli/main.ts) in-process with captured output. */
import { main } from "../../cli/main";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(argv: string[], cwd: string): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main({
    argv,
    cwd,
    env: {},
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}
