/**
 * Step 1 of a decommission, the part a command can do: `hold: true` in the environment's file, written with
 * the file's comments and layout kept. Deploying the tenant stack with it (so its deployer refuses new
 * releases) stays the operator's `cdktf deploy`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { DecommissionError } from "./errors";

/** Pure: the file's text with `hold: true` (added, or set when it says false). */
export function withHold(text: string, file: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new DecommissionError(`${file}: cannot be read as YAML (${doc.errors[0]?.message ?? "invalid"}); fix it with fleet validate first`);
  doc.set("hold", true);
  return doc.toString();
}

export function holdInFile(path: string): void {
  writeFileSync(path, withHold(readFileSync(path, "utf8"), path));
}
