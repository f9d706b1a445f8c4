/**
 * `fleet local`: the whole chain on a local AWS, nothing from AWS. Synthesize the fleet, start moto,
 * provision from the synthesized stacks, package and publish the sample app with the pipe's own functions,
 * release it wave by wave, and let moto's S3 and EventBridge carry the events to each tenant's stand-in
 * queue, drained into the bundled handler, which starts builds on the local CodeBuild, which runs the
 * bundled deployer against moto. Ends with `fleet status` and a verdict per tenant.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import type { FleetConfig } from "../../core/config/schema";
import { BUILD_VAR } from "../../core/build-variables";
import { releaseKey, statusKey } from "../../core/keys";
import { deployedVersionParameterName } from "../../core/parameters";
import { RELEASE_SCHEMA, StatusSchema, type Release, type Status } from "../../core/records";
import { stackDir, workloadStackId } from "../../core/stack-ids";
import { formatReleaseId } from "../../core/version";
import { packageTree } from "../../pipe/package";
import { publishArtifact } from "../../pipe/publish";
import { releaseVersion } from "../../pipe/release";
import type { Output } from "../context";
import { prepareApplyStep } from "./apply-standin";
import { startCodeBuildServer, type Build, type CodeBuildServer } from "./codebuild-server";
import { startDrainer, type DrainerHooks } from "./drainer";
import { ChainError } from "./errors";
import { ContainerPool } from "./lambda-host";
import { checkMotoInstalled, startLocalAws, type LocalAws } from "./moto";
import { Progress } from "./progress";
import { applyPlan, localClients, planProvisioning, type Clients, type LambdaStandIn } from "./provision";
import { synthesizeFleet } from "./synth";
import { ChainTracker, isFinal, type ReleaseTrack } from "./tracker";

export interface LocalRunOptions {
  /** The fleet's environments directory. */
  readonly dir: string;
  readonly drill?: boolean;
  readonly out: Output;
  /** The version the run publishes and releases. @default 1.0.0 */
  readonly version?: string;
  /** FLEET_APPLY_COMMAND for every build instead of the stand-in terraform apply (the benchmark passes ["true"]). */
  readonly applyCommand?: readonly string[];
  /** How long one wave may take before the run names the tenants that got nothing. @default 90 */
  readonly waveTimeoutSeconds?: number;
  /** No per-tenant progress lines (large benchmark fleets). */
  readonly quiet?: boolean;
  /** Keep the work directory (synthesized stacks, build logs) and print where it is. */
  readonly keepWorkDir?: boolean;
  /** The Python that runs moto (FLEET_PYTHON). @default python3 */
  readonly python?: string;
  /** Build processes at once on this machine. @default 4 */
  readonly maxBuilds?: number;
  /** Handler containers alive at once. @default 8 */
  readonly maxContainers?: number;
  /** Called with the synthesized output before provisioning: tests break the routing here to see the run fail as AWS would. */
  readonly afterSynth?: (outdir: string) => void;
  /** Prints the `fleet status` table at the end (from cli/commands/status). @default true */
  readonly statusTable?: (env: Record<string, string>, out: Output) => Promise<void>;
}

export interface TenantOutcome {
  readonly env: string;
  readonly expectedVersion: string | undefined;
  readonly deployedVersion: string | undefined;
  readonly lastResult: string | undefined;
  readonly ok: boolean;
  readonly note?: string;
}

export interface FaultOutcome {
  readonly fault: string;
  readonly expected: string;
  readonly observed: string;
  readonly ok: boolean;
}

export interface LocalRunResult {
  readonly ok: boolean;
  readonly tenants: readonly TenantOutcome[];
  readonly buildsStarted: number;
  readonly builds: readonly Pick<Build, "id" | "projectName" | "buildStatus">[];
  readonly drill?: readonly FaultOutcome[];
  readonly problems: readonly string[];
  /** Milliseconds since the run started, per phase; and the chain's own clock for the benchmark. */
  readonly timings: Readonly<Record<string, number>>;
  /** Per release, ms since the start: written, first delivered to the handler, build started, final status. */
  readonly releases: readonly ReleaseTiming[];
}

export interface ReleaseTiming {
  readonly env: string;
  readonly result: string | undefined;
  readonly written: number;
  /** The event reached the tenant's stand-in queue (routing done). */
  readonly queued?: number;
  readonly delivered?: number;
  readonly buildStarted?: number;
  readonly finished?: number;
}

/** Everything a scenario (the plain run, the drill) works with. */
export interface World {
  readonly config: FleetConfig;
  readonly app: string;
  readonly bucket: string;
  readonly progress: Progress;
  readonly tracker: ChainTracker;
  readonly codebuild: CodeBuildServer;
  readonly centralS3: S3Client;
  readonly clients: Clients;
  readonly standIns: readonly LambdaStandIn[];
  readonly hooks: { before?: DrainerHooks["before"] };
  readonly waveTimeoutMs: number;
  /** Publishes the sample app as `version` (the pipe's package + publish). */
  publish(version: string): Promise<{ sha256: string }>;
  /** Writes releases with the pipe's release function and tracks them. */
  release(version: string, targets: readonly string[], reason: string): Promise<ReleaseTrack[]>;
  /** Writes one release object directly (the drill's tampered release). */
  writeRelease(env: string, version: string, patch: Partial<Release>): Promise<ReleaseTrack>;
  /** Waits until every release has a final status record; returns what is still missing, in words. */
  waitFor(tracks: readonly ReleaseTrack[]): Promise<string[]>;
  deployedVersion(env: string): Promise<string | undefined>;
}

/** The repository root: where dist/ (the bundles) and package.json are. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "cdktf-fleet") return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new ChainError(`cannot find the cdktf-fleet checkout above ${from}`);
    dir = up;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SAMPLE_README = `# payments-api (sample)

The application artifact of the local run: this file, and the synthesized stacks in cdktf.out/. The
deployer applies cdktf.out/stacks/workload-<env>.
`;

export async function runLocal(options: LocalRunOptions): Promise<LocalRunResult> {
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const mark = (name: string) => (timings[name] = Date.now() - t0);
  const progress = new Progress(options.out, options.quiet);
  const root = repoRoot();
  const handlerBundle = join(root, "dist", "lambdas", "assets_tracker", "index.js");
  const deployerBundle = join(root, "dist", "deployer", "index.js");
  for (const f of [handlerBundle, deployerBundle]) if (!existsSync(f)) throw new ChainError(`${f} is missing: run npm run build first (npx fleet builds it for you)`);

  const work = mkdtempSync(join(tmpdir(), "fleet-local-"));
  const cleanups: (() => Promise<void> | void)[] = [];
  let aws: LocalAws | undefined;
  try {
    checkMotoInstalled(options.python);
    progress.step("starting the local AWS (moto server) …");
    const awsStarting = startLocalAws(options.python === undefined ? {} : { python: options.python });
    awsStarting.catch(() => undefined);

    const synthOut = join(work, "cdktf.out");
    const synth = synthesizeFleet(resolve(options.dir), synthOut);
    const config = synth.config;
    mark("synthesized");
    progress.step(`synthesized ${synth.plumbing.length} plumbing stacks and ${config.environments.length} workload stacks from ${options.dir}`);
    options.afterSynth?.(synthOut);
    const plan = planProvisioning(synth.plumbing);

    aws = await awsStarting;
    const localAws = aws;
    cleanups.push(() => localAws.stop());
    mark("moto");
    progress.step(`local AWS on ${aws.endpoint}`);

    const accounts = [...new Set([config.central.accountId, ...plan.standIns.map((s) => s.placement.account), ...plan.projects.map((p) => p.account)])];
    const keyToAccount = new Map<string, string>();
    for (const a of accounts) keyToAccount.set((await aws.credentialsFor(a)).accessKeyId, a);
    const clients = localClients(aws.endpoint, (a) => localAws.credentialsFor(a));
    cleanups.push(() => clients.destroy());
    await applyPlan(plan, clients);
    mark("provisioned");
    const counts = Object.entries(plan.counts).map(([t, n]) => `${t} ×${n}`).join(", ");
    progress.step(`provisioned from the synthesized JSON: ${counts}`);
    for (const n of plan.notes) progress.text(`    ${n}`);
    for (const w of plan.warnings) progress.text(`  ⚠ ${w}`);

    const apply = prepareApplyStep(join(work, "tools"), options.applyCommand ? { override: options.applyCommand } : {});
    progress.text(`    ${apply.description}`);

    const tracker = new ChainTracker();
    const app = config.app.name;
    const bucket = config.central.artifactBucket;
    const central = { account: config.central.accountId, region: config.central.region };
    const centralS3 = await clients.s3(central);

    const codebuild = await startCodeBuildServer({
      projects: plan.projects,
      workDir: join(work, "builds"),
      command: [process.execPath, deployerBundle],
      awsEnv: (account, region) => localAws.envFor(account, region),
      // Builds run on this machine's Node (20 here), not CodeBuild's 22: keep the SDK's Node 20 notice out of the logs.
      extraEnv: () => ({ [BUILD_VAR.applyCommand]: JSON.stringify(apply.command), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }),
      accountOfAccessKey: (k) => keyToAccount.get(k),
      maxRunning: options.maxBuilds ?? 4,
      onBuildStarted: (b) => {
        tracker.builds.push(b);
        progress.tenant(envOfBuild(b), "build started", b.id);
      },
      onBuildFinished: (b) => {
        void readFinalStatus(b);
      },
    });
    cleanups.push(() => codebuild.close());
    cleanups.push(() => codebuild.idle());

    const envOfBuild = (b: Build) => b.environmentVariables.find((v) => v.name === BUILD_VAR.environment)?.value ?? b.projectName;
    const readStatus = async (env: string, releaseId: string): Promise<Status | undefined> => {
      try {
        const res = await centralS3.send(new GetObjectCommand({ Bucket: bucket, Key: statusKey(env, app, releaseId) }));
        const parsed = StatusSchema.safeParse(JSON.parse((await res.Body?.transformToString()) ?? ""));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    };
    const readFinalStatus = async (b: Build): Promise<void> => {
      const env = envOfBuild(b);
      const key = b.overrides.find((v) => v.name === BUILD_VAR.releaseKey)?.value ?? "";
      const releaseId = b.overrides.find((v) => v.name === BUILD_VAR.releaseId)?.value ?? "";
      const track = tracker.releases.get(key);
      // The deployer wrote its last record before it exited; a miss here is the local AWS being slow under
      // load (a read error), so ask again a few times before calling it "no status record".
      let s = await readStatus(env, releaseId);
      for (let i = 0; i < 5 && !isFinal(s); i++) {
        await sleep(200 * (i + 1));
        s = await readStatus(env, releaseId);
      }
      if (track && isFinal(s)) {
        track.final = s;
        track.finalAt = Date.now();
      } else if (track) {
        track.final = { schema: "cdktf-fleet/status@1", env, app, releaseId, version: track.version, phase: "finished", result: "failed", buildId: b.id, startedAt: new Date(b.startTime * 1000).toISOString(), error: `build ended ${b.buildStatus} without a final status record: ${b.logTail.slice(-2).join(" | ")}` };
        track.finalAt = Date.now();
      }
      const f = track?.final;
      if (!f) return;
      if (f.result === "succeeded") progress.tenant(env, `deployed ${f.version}`, `${b.id} (${b.endTime && ((b.endTime - b.startTime) * 1).toFixed(1)} s)`);
      else progress.tenant(env, `${f.result}`, `${f.version}: ${f.error ?? ""}`);
      if (b.buildStatus !== "SUCCEEDED" && f.result !== "skipped") for (const line of b.logTail.slice(-4)) progress.tenant(env, "  build log", line);
    };

    const pool = new ContainerPool(join(work, "lambda"), options.maxContainers ?? 8);
    cleanups.push(() => pool.stop());
    const hooks: World["hooks"] = {};
    const drainer = startDrainer({
      standIns: plan.standIns,
      clients,
      pool,
      maxInFlight: options.maxContainers ?? 8,
      envFor: async (s) => ({
        ...pick(process.env, ["PATH", "HOME", "TMPDIR", "LANG"]),
        ...(await localAws.envFor(s.placement.account, s.placement.region)),
        AWS_ENDPOINT_URL_CODEBUILD: codebuild.endpoint,
        AWS_LAMBDA_FUNCTION_NAME: s.functionName,
        AWS_MAX_ATTEMPTS: "1",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...s.environment,
        FLEET_LOCAL_HANDLER_BUNDLE: handlerBundle,
      }),
      hooks: {
        before: (s, e) => hooks.before?.(s, e) ?? "invoke",
        onReceived: (_s, e, attempt, queuedAt) => {
          tracker.received(e.env, e.key, attempt, queuedAt);
          progress.tenant(e.env, attempt > 1 ? `retry #${attempt - 1}` : "event received", e.key);
        },
        onInvoked: (_s, e, r, _attempt, final) => {
          const d = [...tracker.deliveriesFor(e.key)].reverse().find((x) => x.outcome === undefined);
          if (d) tracker.invoked(d, r, final);
          if (!r.ok) progress.tenant(e.env, final === "retry" ? "handler threw" : "on-failure", `${r.error?.name}: ${r.error?.message}${final === "retry" ? " → retried later (async invoke)" : " → on-failure queue"}`);
          else if (d?.outcome === "drop") progress.tenant(e.env, "dropped", d.reason ?? "");
        },
        onError: (s, err) => tracker.errors.push(`${s.stack}: ${err.message}`),
      },
    });
    cleanups.push(() => drainer.stop());
    mark("ready");

    // The sample app: a README and the synthesized stacks, packaged by the pipe's own function.
    const appDir = join(work, "app");
    mkdirSync(appDir, { recursive: true });
    writeFileSync(join(appDir, "README.md"), SAMPLE_README);
    copyWorkloadStacks(synthOut, join(appDir, "cdktf.out"), config);
    const published = new Map<string, { sha256: string }>();

    const world: World = {
      config,
      app,
      bucket,
      progress,
      tracker,
      codebuild,
      centralS3,
      clients,
      standIns: plan.standIns,
      hooks,
      waveTimeoutMs: (options.waveTimeoutSeconds ?? 90) * 1000,
      async publish(version) {
        const known = published.get(version);
        if (known) return known;
        writeFileSync(join(appDir, "VERSION"), `${version}\n`);
        const zip = join(work, `${app}-${version}.zip`);
        const pkg = await packageTree({ root: appDir, out: zip });
        const res = await publishArtifact({ s3: centralS3, bucket, app, version, file: zip, sha256: pkg.sha256, files: pkg.files, manifestFields: { buildNumber: "local", branch: "local", gate: { lint: "skipped", test: "skipped", sonar: "skipped" } } });
        progress.step(`published ${app} ${version}: s3://${bucket}/${res.artifactKey} (${pkg.files} files, ${pkg.size} bytes, sha256 ${pkg.sha256.slice(0, 12)}…)`);
        published.set(version, { sha256: pkg.sha256 });
        return { sha256: pkg.sha256 };
      },
      async release(version, targets, reason) {
        const writtenAt = Date.now();
        const written = await releaseVersion({ s3: centralS3, bucket, fleet: config, app, version, targets, requestedBy: "fleet local", reason });
        if (timings.firstReleaseWrite === undefined) timings.firstReleaseWrite = writtenAt - t0;
        return written.map((w) => tracker.addRelease({ env: w.env, key: w.key, releaseId: w.releaseId, version, writtenAt }));
      },
      async writeRelease(env, version, patch) {
        const releaseId = formatReleaseId(new Date(), randomBytes(4).toString("hex"));
        const key = releaseKey(env, app, version, releaseId);
        const record: Release = { schema: RELEASE_SCHEMA, env, app, version, artifactKey: `artifacts/${app}/${version}/${app}-${version}.zip`, artifactSha256: published.get(version)?.sha256 ?? "0".repeat(64), releaseId, requestedBy: "fleet local --drill", reason: "drill", allowDowngrade: false, createdAt: new Date().toISOString(), ...patch };
        const writtenAt = Date.now();
        await centralS3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(record), ContentType: "application/json", IfNoneMatch: "*" }));
        return tracker.addRelease({ env, key, releaseId, version, writtenAt });
      },
      async waitFor(tracks) {
        const deadline = Date.now() + world.waveTimeoutMs;
        let lastCatchUp = 0;
        while (Date.now() < deadline && tracks.some((t) => !isFinal(t.final))) {
          // A build can finish before the release call that caused it returns (the pipe writes hundreds of
          // release objects one by one): its status was not matched to a release yet, so read it now.
          if (Date.now() - lastCatchUp > 1000) {
            lastCatchUp = Date.now();
            for (const t of tracks.filter((x) => !isFinal(x.final))) {
              const done = tracker.buildsFor(t.key).filter((b) => b.buildComplete).pop();
              if (done) await readFinalStatus(done);
            }
          }
          await sleep(100);
        }
        return tracks.filter((t) => !isFinal(t.final)).map((t) => tracker.diagnose(t, routeHint(config, t.env)));
      },
      async deployedVersion(env) {
        const e = config.environments.find((x) => x.name === env);
        if (!e) return undefined;
        try {
          const ssm = await clients.ssm({ account: e.accountId, region: e.region });
          return (await ssm.send(new GetParameterCommand({ Name: deployedVersionParameterName(env, app) }))).Parameter?.Value;
        } catch {
          return undefined;
        }
      },
    };
    progress.setNames(config.environments.map((e) => e.name));

    let scenario: ScenarioResult;
    if (options.drill) {
      const { runDrill } = await import("./drill");
      scenario = await runDrill(world, options.version);
    } else {
      scenario = await runWaves(world, options.version ?? "1.0.0");
    }
    mark("chain");
    await codebuild.idle();
    await drainer.stop();

    // Chain clock (benchmark): release write → last build started, → last final status record.
    const starts = tracker.builds.map((b) => b.startTime * 1000);
    const finals = [...tracker.releases.values()].map((r) => (r.final?.finishedAt ? Date.parse(r.final.finishedAt) : r.finalAt ?? 0));
    if (starts.length > 0) timings.lastBuildStarted = Math.max(...starts) - t0;
    if (finals.length > 0) timings.lastStatus = Math.max(...finals) - t0;

    const tenants: TenantOutcome[] = [];
    for (const e of config.environments) {
      const expected = scenario.expected.get(e.name);
      const deployed = await world.deployedVersion(e.name);
      const last = [...tracker.releases.values()].filter((r) => r.env === e.name).sort((a, b) => (a.releaseId < b.releaseId ? -1 : 1)).pop();
      const ok = expected === undefined ? true : expected.version === deployed;
      tenants.push({ env: e.name, expectedVersion: expected?.version, deployedVersion: deployed, lastResult: last?.final?.result, ok, ...(expected?.note ? { note: expected.note } : {}) });
    }

    const centralEnv = { ...(await aws.envFor(config.central.accountId, config.central.region)) };
    if (options.statusTable) progress.text("\nfleet status (read from the local central bucket):");
    if (options.statusTable) await options.statusTable({ ...centralEnv, FLEET_LOCAL_DIR: resolve(options.dir) }, options.out);

    const problems = [...scenario.problems];
    for (const t of tenants) if (!t.ok) problems.push(`${t.env} runs ${t.deployedVersion ?? "nothing"}, expected ${t.expectedVersion}${t.lastResult ? ` (last release: ${t.lastResult})` : ""}`);
    const drillOk = scenario.faults ? scenario.faults.every((f) => f.ok) : true;
    const ok = problems.length === 0 && drillOk;
    progress.text("");
    if (scenario.faults) {
      progress.text("fault drill:");
      for (const f of scenario.faults) progress.text(`  ${f.ok ? "✔" : "✖"} ${f.fault}: ${f.observed}${f.ok ? "" : ` (expected: ${f.expected})`}`);
    }
    for (const t of tenants) progress.text(`  ${t.ok ? "✔" : "✖"} ${t.env}: runs ${t.deployedVersion ?? "nothing"}${t.expectedVersion ? ` (expected ${t.expectedVersion})` : ""}${t.note ? ` — ${t.note}` : ""}`);
    for (const p of problems) progress.text(`  ✖ ${p}`);
    for (const e of tracker.errors.slice(0, 5)) progress.text(`  ⚠ drainer: ${e}`);
    progress.text(`${tracker.builds.length} build${tracker.builds.length === 1 ? "" : "s"} started; ${((Date.now() - t0) / 1000).toFixed(1)} s in all${options.keepWorkDir ? `; work dir kept: ${work}` : ""}`);
    return {
      ok,
      tenants,
      buildsStarted: tracker.builds.length,
      builds: tracker.builds.map((b) => ({ id: b.id, projectName: b.projectName, buildStatus: b.buildStatus })),
      ...(scenario.faults ? { drill: scenario.faults } : {}),
      problems,
      timings,
      releases: [...tracker.releases.values()].map((r) => {
        const d = tracker.deliveriesFor(r.key)[0];
        const b = tracker.buildsFor(r.key)[0];
        const fin = r.final?.finishedAt ? Date.parse(r.final.finishedAt) : r.finalAt;
        return {
          env: r.env,
          result: r.final?.result,
          written: r.writtenAt - t0,
          ...(d?.queuedAt !== undefined ? { queued: d.queuedAt - t0 } : {}),
          ...(d ? { delivered: d.at - t0 } : {}),
          ...(b ? { buildStarted: b.startTime * 1000 - t0 } : {}),
          ...(fin ? { finished: fin - t0 } : {}),
        };
      }),
    };
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // best effort: the next cleanup (moto) must still run
      }
    }
    if (!options.keepWorkDir) rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The application's share of the synthesized output: cdktf's manifest, each workload stack and the assets
 * they reference. The tenant plumbing is not part of the app artifact (the SRE team deploys it), and leaving
 * it out keeps the artifact small at fleet scale.
 */
function copyWorkloadStacks(from: string, to: string, config: FleetConfig): void {
  cpSync(join(from, "manifest.json"), join(to, "manifest.json"));
  const assets = new Set<string>();
  for (const e of config.environments) {
    const stack = stackDir(workloadStackId(e.name));
    cpSync(join(from, stack), join(to, stack), { recursive: true });
    const text = readFileSync(join(from, stack, "cdk.tf.json"), "utf8");
    for (const m of text.matchAll(/\.\.\/\.\.\/assets\/([A-Za-z0-9._/-]+)/g)) assets.add(m[1]);
  }
  for (const a of assets) cpSync(join(from, "assets", a), join(to, "assets", a), { recursive: true });
}

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (env[n] !== undefined) out[n] = env[n];
  return out;
}

function routeHint(config: FleetConfig, env: string): string {
  const e = config.environments.find((x) => x.name === env);
  return `central rule fleet-forward-${env} on the default bus of ${config.central.accountId} ${config.central.region} → bus fleet-inbound in ${e?.accountId} ${e?.region} → rule fleet-assets-tracker; check the synthesized patterns, the target bus ARN and the account`;
}

export interface ScenarioResult {
  /** Per environment: the version it must run at the end. */
  readonly expected: Map<string, { version: string; note?: string }>;
  readonly problems: string[];
  readonly faults?: FaultOutcome[];
}

/** The plain run: publish, then release wave by wave; a wave that does not fully deploy stops the promotion. */
async function runWaves(world: World, version: string): Promise<ScenarioResult> {
  const { config, progress } = world;
  const expected = new Map<string, { version: string; note?: string }>();
  const problems: string[] = [];
  await world.publish(version);
  const waves = [...new Set(config.environments.map((e) => e.wave))].sort((a, b) => a - b);
  for (const wave of waves) {
    const envs = config.environments.filter((e) => e.wave === wave);
    const targets = envs.filter((e) => !e.hold && (e.pin === undefined || e.pin === version));
    for (const e of envs.filter((x) => !targets.includes(x))) progress.step(`wave ${wave}: ${e.name} not released (${e.hold ? "on hold" : `pinned to ${e.pin}`} in ${e.file})`);
    if (targets.length === 0) continue;
    progress.step(`wave ${wave}: releasing ${version} to ${targets.map((e) => e.name).join(", ")}`);
    const tracks = await world.release(version, targets.map((e) => e.name), `local run, wave ${wave}`);
    for (const t of tracks) expected.set(t.env, { version });
    const missing = await world.waitFor(tracks);
    if (missing.length > 0) {
      problems.push(...missing.map((m) => `wave ${wave}: ${m}`));
      problems.push(`stopped after wave ${wave}: later waves were not released`);
      break;
    }
    const failed = tracks.filter((t) => t.final?.result !== "succeeded");
    if (failed.length > 0) {
      problems.push(...failed.map((t) => `wave ${wave}: ${t.env} ${t.final?.result}: ${t.final?.error ?? ""}`));
      problems.push(`stopped after wave ${wave}: later waves were not released`);
      break;
    }
    progress.step(`wave ${wave}: ${tracks.length} tenant${tracks.length === 1 ? "" : "s"} on ${version}`);
  }
  return { expected, problems };
}
