/** buildFleet: which stacks exist, their ids, `only`, and the errors a user can cause. */
import { App, TerraformStack, Testing } from "cdktf";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareAssets, repoRoot } from "../../stacks/assets";
import { MissingBundleError, UnknownEnvironmentError, WorkloadConfigError } from "../../stacks/errors";
import { buildFleet } from "../../stacks/fleet";
import { withoutTokenStackTraces } from "../../stacks/synth-patches";
import { REPO_ROOT, fakeRepoRoot, sampleFleet, testAssets } from "./fixture";

describe("Function: buildFleet", () => {
  it("creates central, then a tenant and a workload stack per environment, with ids from names", () => {
    const fleet = buildFleet(Testing.app(), sampleFleet(), { assets: testAssets() });
    expect(fleet.stacks.map((s) => s.node.id)).toEqual(["central", "tenant-alpha", "tenant-bravo", "tenant-charlie", "workload-alpha", "workload-bravo", "workload-charlie"]);
  });

  it("keeps every other stack id when an environment is removed (ids never come from positions)", () => {
    const config = sampleFleet();
    const fleet = buildFleet(Testing.app(), { ...config, environments: config.environments.filter((e) => e.name !== "alpha") }, { assets: testAssets() });
    expect(fleet.tenants.map((s) => s.node.id)).toEqual(["tenant-bravo", "tenant-charlie"]);
  });

  it("with only, builds those environments' stacks while central still forwards for every environment", () => {
    const fleet = buildFleet(Testing.app(), sampleFleet(), { only: ["bravo"], assets: testAssets() });
    expect(fleet.stacks.map((s) => s.node.id)).toEqual(["central", "tenant-bravo", "workload-bravo"]);
    const central = JSON.parse(Testing.synth(fleet.central)) as { resource: { aws_cloudwatch_event_rule: Record<string, { name: string }> } };
    expect(Object.values(central.resource.aws_cloudwatch_event_rule).map((r) => r.name).filter((n) => n.startsWith("fleet-forward-"))).toEqual(["fleet-forward-alpha", "fleet-forward-bravo", "fleet-forward-charlie"]);
  });

  it("synthesizes no cross-stack outputs or remote state (stacks share data, never references; see FleetStack)", () => {
    const app = Testing.app();
    const fleet = buildFleet(app, sampleFleet(), { assets: testAssets() });
    for (const stack of fleet.stacks) {
      const json = JSON.parse(Testing.synth(stack)) as { data?: Record<string, unknown>; output?: Record<string, unknown> };
      expect({ stack: stack.node.id, remoteState: json.data?.terraform_remote_state }).toEqual({ stack: stack.node.id, remoteState: undefined });
      expect(Object.keys(json.output ?? {}).filter((k) => k.startsWith("cross-stack-output"))).toEqual([]);
    }
  });

  it("synthesizes exactly what cdktf's own TerraformStack.toTerraform gives, without its redundant passes", () => {
    for (const stack of buildFleet(Testing.app(), sampleFleet(), { assets: testAssets() }).stacks) {
      const ours = JSON.stringify(stack.toTerraform());
      const original: unknown = TerraformStack.prototype.toTerraform.call(stack);
      expect({ stack: stack.node.id, json: ours }).toEqual({ stack: stack.node.id, json: JSON.stringify(original) });
    }
  });

  it("FLEET_STOCK_SYNTH=1 synthesizes with cdktf's own behaviour, and the same files byte for byte", () => {
    const dirs = [mkdtempSync(join(tmpdir(), "synth-patched-")), mkdtempSync(join(tmpdir(), "synth-stock-"))];
    const previous = process.env.FLEET_STOCK_SYNTH;
    try {
      const [patchedDir, stockDir] = dirs as [string, string];
      const capture = Error.captureStackTrace;
      delete process.env.FLEET_STOCK_SYNTH;
      expect(withoutTokenStackTraces(() => Error.captureStackTrace)).not.toBe(capture);
      const patched = new App({ outdir: patchedDir });
      buildFleet(patched, sampleFleet(), { assets: testAssets() });
      patched.synth();
      process.env.FLEET_STOCK_SYNTH = "1";
      expect(withoutTokenStackTraces(() => Error.captureStackTrace)).toBe(capture);
      const stock = new App({ outdir: stockDir });
      buildFleet(stock, sampleFleet(), { assets: testAssets() });
      stock.synth();
      const files = filesUnder(patchedDir);
      expect(files.length).toBeGreaterThan(7);
      expect(filesUnder(stockDir)).toEqual(files);
      for (const f of files) expect({ f, text: readFileSync(join(stockDir, f), "utf8") }).toEqual({ f, text: readFileSync(join(patchedDir, f), "utf8") });
    } finally {
      if (previous === undefined) delete process.env.FLEET_STOCK_SYNTH;
      else process.env.FLEET_STOCK_SYNTH = previous;
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  it("rejects an unknown environment in only, naming it and the known ones", () => {
    expect(() => buildFleet(Testing.app(), sampleFleet(), { only: ["bravo", "delta"], assets: testAssets() })).toThrow(
      new UnknownEnvironmentError("unknown environment delta; known: alpha, bravo, charlie"),
    );
  });

  it("reports every bad workload setting of every environment at once, with file and field", () => {
    const config = sampleFleet();
    const envs = config.environments.map((e) =>
      e.name === "alpha" ? { ...e, config: { memoryMb: 64, logLevel: "loud" } } : e.name === "bravo" ? { ...e, config: { greting: "typo" } } : e,
    );
    let error: unknown;
    try {
      buildFleet(Testing.app(), { ...config, environments: envs }, { assets: testAssets() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkloadConfigError);
    expect((error as WorkloadConfigError).problems).toEqual([
      `${envs[0]?.file}: config.memoryMb: memoryMb must be at least 128 (found 64)`,
      `${envs[0]?.file}: config.logLevel: logLevel must be one of debug, info, warn, error (found "loud")`,
      `${envs[1]?.file}: config: unknown setting greting; allowed: memoryMb, logLevel, greeting, reservedConcurrency`,
    ]);
  });
});

describe("Function: prepareAssets", () => {
  it("fails with 'run npm run build' when a bundle is missing", () => {
    const root = fakeRepoRoot();
    rmSync(join(root, "dist", "deployer"), { recursive: true });
    expect(() => prepareAssets(mkdtempSync(join(tmpdir(), "out-")), root)).toThrow(MissingBundleError);
    expect(() => prepareAssets(mkdtempSync(join(tmpdir(), "out-")), root)).toThrow(/dist\/deployer\/index\.js does not exist: run npm run build/);
  });

  it("writes each shared file once, content-addressed, referenced from the stack directory", () => {
    const out = mkdtempSync(join(tmpdir(), "out-"));
    const assets = prepareAssets(out, fakeRepoRoot());
    expect(assets.deployerJs.terraformPath).toMatch(/^\.\.\/\.\.\/assets\/deployer-[0-9a-f]{16}\.js$/);
    expect(assets.deployerJs.terraformPath).toContain(assets.deployerJs.sha256Hex.slice(0, 16));
    expect(assets.trackerZip.sha256Base64).toBe(Buffer.from(assets.trackerZip.sha256Hex, "hex").toString("base64"));
  });

  it("finds the repository root from the stacks directory, not from the working directory", () => {
    expect(repoRoot(join(REPO_ROOT, "stacks"))).toBe(REPO_ROOT);
    expect(repoRoot(join(REPO_ROOT, "dist", "cli"))).toBe(REPO_ROOT);
  });
});

function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}
