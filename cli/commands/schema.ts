/**
 * `fleet schema [--out environments/schema.json] [--check]`: writes the editor JSON Schema generated from
 * the validator's zod schemas. `--check` writes nothing and exits 1 when the file is stale (for CI).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { FleetError } from "../../core/errors";
import { editorJsonSchemaText } from "../../core/config/json-schema";
import { parse } from "../args";
import { schemaSpec } from "../specs/schema";
import type { CommandContext } from "../context";

export async function schema(ctx: CommandContext): Promise<number> {
  const { values } = parse(schemaSpec, ctx.argv);
  const out = resolve(ctx.cwd, values.out);
  const shown = relative(ctx.cwd, out) || out;
  const text = editorJsonSchemaText();
  if (values.check) {
    let current: string | undefined;
    try {
      current = readFileSync(out, "utf8");
    } catch {
      current = undefined;
    }
    if (current !== text) throw new FleetError(`${shown} is ${current === undefined ? "missing" : "out of date"}; run: fleet schema --out ${values.out}`);
    ctx.stdout.write(`✔ ${shown} is up to date\n`);
    return 0;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  ctx.stdout.write(`✔ wrote ${shown}\n`);
  return 0;
}
