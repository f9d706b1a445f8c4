/**
 * Parallel synthesis for large fleets. cdktf synthesizes on one thread and every tenant costs the same
 * (bench/synth), so `fleet synth` splits the environments into shards: this process synthesizes central and
 * the first shard, child processes (the same CLI, `--internal-shard`) synthesize the others into their own
 * directories, and their stacks are then moved into `<out>/stacks/` and listed in one `manifest.json`.
 * Each process runs the ordinary `app.synth()`, so every stack is byte-identical to a serial synth.
 * This needs stacks that do not reference each other's resources (they do not: central learns about tenants
 * from the configuration); a shard without central fails loudly if that ever changes.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { FleetError } from "../core/errors";
import type { FleetConfig } from "../core/config/schema";
import type { FleetAssets } from "../stacks/assets";
import type { SynthManifest } from "./synth-report";

/** Fewer environments than this per process, and a process's start-up (~0.5 s) costs more than it saves. */
export const ENVS_PER_JOB = 100;
export const MAX_JOBS = 4;

/** What a shard process needs, written by the parent as JSON (already validated: no second validation). */
export interface ShardInput {
  readonly config: FleetConfig;
  readonly only: readonly string[];
  readonly assets: FleetAssets;
}

export function autoJobs(environments: number, cpus: number = availableParallelism()): number {
  return Math.max(1, Math.min(cpus, MAX_JOBS, Math.floor(environments / ENVS_PER_JOB)));
}

/** Contiguous, nearly equal groups of the (sorted) names; never an empty group. */
export function planShards(names: readonly string[], jobs: number): string[][] {
  const count = Math.max(1, Math.min(jobs, names.length));
  const shards: string[][] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const size = Math.floor(names.length / count) + (i < names.length % count ? 1 : 0);
    shards.push(names.slice(start, start + size));
    start += size;
  }
  return shards;
}

export interface ShardRun {
  readonly dir: string;
  readonly done: Promise<void>;
  /** Stops the process and removes its directory (when another part failed: no half-written output stays). */
  stop(): void;
}

/** Starts one child `fleet synth --internal-shard` writing into `dir`; `done` rejects with its stderr. */
export function startShard(cliEntry: string, dir: string, input: ShardInput): ShardRun {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const inputFile = join(dir, "shard-input.json");
  writeFileSync(inputFile, JSON.stringify(input));
  const child = spawn(process.execPath, [cliEntry, "synth", "--out", dir, "--internal-shard", inputFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  let closed = false;
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<void>((resolvePromise, reject) => {
    child.on("error", (err) => reject(new FleetError(`cannot start a synth process (${err.message})`, { cause: err })));
    child.on("close", (code) => {
      closed = true;
      if (code === 0) resolvePromise();
      else reject(new FleetError(`synthesis of ${input.only[0]}…${input.only[input.only.length - 1]} failed (exit ${String(code)}):\n${stderr.trim()}`));
    });
  });
  return {
    dir,
    done,
    stop: () => {
      const remove = () => rmSync(dir, { recursive: true, force: true });
      if (closed) return remove();
      child.on("close", remove);
      child.kill();
    },
  };
}

function readManifest(dir: string): SynthManifest & { version?: string } {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as SynthManifest & { version?: string };
}

/**
 * Keys sorted at every level, two-space indent, exactly as cdktf writes manifest.json (json-stable-stringify,
 * which also writes empty arrays as `[` newline `]`), so a sharded synth's manifest equals a serial one.
 */
export function stableStringify(value: unknown, level = 0): string {
  const indent = `\n${"  ".repeat(level)}`;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[${value.map((v) => inner + stableStringify(v, level + 1)).join(",")}${indent}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${inner}${JSON.stringify(k)}: ${stableStringify((value as Record<string, unknown>)[k], level + 1)}`);
    return `{${entries.join(",")}${indent}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Moves every shard's stacks into `outdir/stacks/`, lists them in `outdir/manifest.json`, removes the shards. */
export function mergeShards(outdir: string, shardDirs: readonly string[]): SynthManifest {
  const manifest = readManifest(outdir);
  const stacks = { ...manifest.stacks };
  for (const dir of shardDirs) {
    const part = readManifest(dir);
    for (const [id, entry] of Object.entries(part.stacks)) {
      const target = join(outdir, "stacks", id);
      rmSync(target, { recursive: true, force: true });
      renameSync(join(dir, "stacks", id), target);
      stacks[id] = entry;
    }
    rmSync(dir, { recursive: true, force: true });
  }
  const merged = { ...manifest, stacks };
  writeFileSync(join(outdir, "manifest.json"), stableStringify(merged));
  return merged;
}

/** The built CLI that shard processes run; undefined when it is not built (then synth stays serial). */
export function builtCli(repoRoot: string): string | undefined {
  const entry = join(repoRoot, "dist", "cli", "index.js");
  return existsSync(entry) ? entry : undefined;
}
