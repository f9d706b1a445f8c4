/**
 * `fleet schema [--out environments/schema.json] [--check]`: writes the editor JSON Schema generated from
 * the validator's zod schemas. `--check` writes nothing and exits 1 when the file is stale (for CI).
 */
import { readFileSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { FleetError } from "../../core/errors";
import { editorJsonSchemaText } from "../../core/config/json-schema";
import { parse } from "../args";
import { schemaSpec } from "../specs/schema";
import { writeOutputFile } from "../output-file";
import type { CommandContext } from "../context";

export async function schema(ctx: CommandContext): Promise<number> {
  const { values } = parse(schemaSpec, ctx.argv);
  const out = resolve(ctx.cwd, values.out);
  const shown = relative(ctx.cwd, out) || out;
  const text = editorJsonSchemaText();
  if (values.check) {
    let current: string | undefined;
    try {
      // Only a regular file is read: a FIFO would wait for a writer.
      current = statSync(out).isFile() ? readFileSync(out, "utf8") : undefined;
    } catch {
      current = undefined;
    }
    if (current !== text) throw new FleetError(`${shown} is ${current === undefined ? "missing" : "out of date"}; run: fleet schema --out ${values.out}`);
    ctx.stdout.write(`✔ ${shown} is up to date\n`);
    return 0;
  }
  writeOutputFile(out, text, shown);
  ctx.stdout.write(`✔ wrote ${shown}\n`);
  return 0;
}
