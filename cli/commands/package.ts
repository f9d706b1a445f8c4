/** `fleet package <dir> --out <file.zip> [--format text|json]`: the pipe's deterministic zip, for operators and the local run. */
import { packageTree } from "../../pipe/package";
import { outputFormat, parse } from "../args";
import { progressLine } from "../progress-line";
import { packageSpec } from "../specs/package";
import { UsageError } from "../../core/errors";
import type { CommandContext } from "../context";
import { resolve } from "node:path";

export async function packageCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(packageSpec, ctx.argv);
  const [dir] = positionals;
  if (positionals.length !== 1 || dir === undefined) throw new UsageError("fleet package: give exactly one directory: fleet package <dir> --out <file.zip> [--format text|json]");
  if (!values.out) throw new UsageError("fleet package: --out <file.zip> is required");
  const format = outputFormat("package", values, ["text", "json"]);
  const started = Date.now();
  progressLine(ctx, `packaging ${dir} …`);
  const result = await packageTree({ root: resolve(ctx.cwd, dir), out: resolve(ctx.cwd, values.out) });
  if (format === "json") {
    ctx.stdout.write(`${JSON.stringify({ sha256: result.sha256, size: result.size, files: result.files })}\n`);
  } else {
    ctx.stdout.write(`✔ ${values.out}: ${result.files} files, ${result.size} bytes, sha256 ${result.sha256} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  return 0;
}
