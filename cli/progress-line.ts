/**
 * One line on stderr before a step that can take more than a few seconds (synth of a large fleet, an
 * upload), so that a person at a terminal knows the command is working. Only on a terminal: stdout stays
 * the command's result, and logs and `--format json` consumers get no noise.
 */
import type { CommandContext } from "./context";

export function progressLine(ctx: Pick<CommandContext, "stderr">, text: string): void {
  if (ctx.stderr.isTTY !== true) return;
  ctx.stderr.write(`… ${text}\n`);
}
