/**
 * What `fleet synth` prints: one row per synthesized stack, read back from the `cdk.tf.json` files that
 * were written (so the table shows what Terraform will see, not what we meant to build).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CENTRAL_STACK_ID } from "../core/stack-ids";

export interface StackRow {
  readonly stack: string;
  readonly account: string;
  readonly region: string;
  readonly resources: number;
}

export interface StackAnnotation {
  readonly stack: string;
  readonly constructPath: string;
  readonly level: string;
  readonly message: string;
}

/** The parts of cdktf's manifest.json we read. */
export interface SynthManifest {
  readonly stacks: Record<string, { readonly name: string; readonly synthesizedStackPath: string; readonly annotations?: readonly { constructPath: string; level: string; message: unknown }[] }>;
}

interface StackJson {
  resource?: Record<string, Record<string, unknown>>;
  provider?: { aws?: { alias?: string; region?: string; allowed_account_ids?: string[] }[] };
}

/** Account and region of the stack's default (unaliased) AWS provider, as synthesized. */
function placement(json: StackJson): { account: string; region: string } {
  const providers = json.provider?.aws ?? [];
  const main = providers.find((p) => p.alias === undefined) ?? providers[0];
  return { account: main?.allowed_account_ids?.join(",") ?? "-", region: main?.region ?? "-" };
}

export function readRow(outdir: string, name: string, synthesizedStackPath: string): StackRow {
  const json = JSON.parse(readFileSync(join(outdir, synthesizedStackPath), "utf8")) as StackJson;
  const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  return { stack: name, ...placement(json), resources };
}

/** `central` first, then per environment its tenant stack and its workload stack. */
function sortKey(stack: string): [number, string, string] {
  if (stack === CENTRAL_STACK_ID) return [0, "", ""];
  const m = /^(tenant|workload)-(.+)$/.exec(stack);
  return m ? [1, m[2] ?? "", m[1] ?? ""] : [2, stack, ""];
}

export function sortRows(rows: StackRow[]): StackRow[] {
  return [...rows].sort((a, b) => {
    const [x, y] = [sortKey(a.stack), sortKey(b.stack)];
    return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0);
  });
}

export function formatTable(rows: readonly StackRow[]): string {
  const header = ["STACK", "ACCOUNT", "REGION", "RESOURCES"];
  const cells = rows.map((r) => [r.stack, r.account, r.region, String(r.resources)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) => c.map((v, i) => (i === 3 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(header), ...cells.map(line)].join("\n") + "\n";
}

export function annotationsOf(manifest: SynthManifest, level: string): StackAnnotation[] {
  return Object.values(manifest.stacks).flatMap((s) =>
    (s.annotations ?? []).filter((a) => a.level === level).map((a) => ({ stack: s.name, constructPath: a.constructPath, level: a.level, message: String(a.message) })),
  );
}
