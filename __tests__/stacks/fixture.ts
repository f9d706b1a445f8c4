/**
 * Shared set-up for the stacks tests: the sample fleet (environments/ via the real loader), generated
 * fleets of any size, and the fleet synthesized to JSON. Bundles come from a temp "repo root" with small
 * stand-in files, so these tests do not depend on a concurrent `npm run build`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { loadFleet } from "../../core/config/loader";
import type { Environment, FleetConfig } from "../../core/config/schema";
import { type FleetAssets, prepareAssets } from "../../stacks/assets";
import { type BuildFleetOptions, buildFleet } from "../../stacks/fleet";

export const REPO_ROOT = join(__dirname, "..", "..");

export function sampleFleet(): FleetConfig {
  return loadFleet(join(REPO_ROOT, "environments"));
}

/** The sample fleet's central settings with `n` generated environments (accounts and regions vary). */
export function generatedFleet(n: number, overrides: { organizationId?: string | undefined } = {}): FleetConfig {
  const base = sampleFleet();
  const environments: Environment[] = Array.from({ length: n }, (_, i) => {
    const name = `t${String(i).padStart(4, "0")}`;
    return {
      name,
      accountId: String(100_000_000_000 + i * 7 + 13),
      region: i % 2 === 0 ? "eu-west-1" : "eu-central-1",
      wave: i % 3,
      config: {},
      tags: {},
      hold: false,
      file: `environments/${name}.yaml`,
    };
  });
  const central = "organizationId" in overrides ? { ...base.central, organizationId: overrides.organizationId } : base.central;
  return { ...base, central, environments };
}

/** A directory laid out like the repo after `npm run build`, with small stand-in bundles. */
export function fakeRepoRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "stacks-root-"));
  mkdirSync(join(root, "dist", "lambdas", "assets_tracker"), { recursive: true });
  mkdirSync(join(root, "dist", "lambdas", "rollout_controller"), { recursive: true });
  mkdirSync(join(root, "dist", "deployer"), { recursive: true });
  writeFileSync(join(root, "dist", "lambdas", "rollout_controller", "index.js"), "exports.handler = async () => 'controller';\n");
  writeFileSync(join(root, "dist", "lambdas", "assets_tracker", "index.js"), "exports.handler = async () => 'tracker';\n");
  writeFileSync(join(root, "dist", "lambdas", "assets_tracker", "index.js.map"), "{}\n");
  writeFileSync(join(root, "dist", "deployer", "index.js"), "console.log('deployer');\n");
  return root;
}

let cachedAssets: FleetAssets | undefined;
export function testAssets(): FleetAssets {
  cachedAssets ??= prepareAssets(mkdtempSync(join(tmpdir(), "stacks-out-")), fakeRepoRoot());
  return cachedAssets;
}

/** Synthesized JSON of one stack. */
export type StackJson = {
  terraform: { backend: { s3: Record<string, unknown> }; required_version?: string };
  provider: { aws: Array<Record<string, unknown>> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
};

export interface SynthesizedFleet {
  readonly config: FleetConfig;
  readonly stacks: ReadonlyMap<string, StackJson>;
  /** Raw synth strings, for matchers that take them. */
  readonly raw: ReadonlyMap<string, string>;
}

export function synthFleet(config: FleetConfig, options: BuildFleetOptions = {}): SynthesizedFleet {
  const app = Testing.app();
  const fleet = buildFleet(app, config, { assets: testAssets(), ...options });
  const raw = new Map(fleet.stacks.map((s) => [s.node.id, Testing.synth(s)]));
  const stacks = new Map([...raw].map(([id, json]) => [id, JSON.parse(json) as StackJson]));
  return { config, stacks, raw };
}

/** All resources of one type in a stack, by construct name. */
export function resources(stack: StackJson | undefined, type: string): Record<string, Record<string, unknown>> {
  if (stack === undefined) throw new Error("no such stack");
  return stack.resource[type] ?? {};
}

/** The only resource of `type` in `stack`. */
export function single(stack: StackJson | undefined, type: string): Record<string, unknown> {
  const all = Object.values(resources(stack, type));
  const [only] = all;
  if (all.length !== 1 || only === undefined) throw new Error(`expected one ${type}, found ${all.length}`);
  return only;
}
