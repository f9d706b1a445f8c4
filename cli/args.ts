/** Argument parsing for commands: node's parseArgs, with its errors turned into usage errors (exit 2). */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../core/errors";

export function parse<const T extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  argv: readonly string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(`fleet ${command}: ${(err as Error).message}\nRun 'fleet help' for usage.`, { cause: err });
  }
}

/** Splits `--only a,b` style lists; empty items are a usage error. */
export function splitList(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new UsageError(`--${flag} takes a comma-separated list without empty items, got ${JSON.stringify(value)}`);
  return items;
}
