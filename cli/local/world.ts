/**
 * The local world of `fleet local`: the local AWS (moto) provisioned from the synthesized stacks, one
 * account per tenant; the local CodeBuild running the bundled deployer; the handler stand-ins drained into
 * the bundled Lambda handler. Everything started here registers its cleanup before it can fail.
 */
import { join, resolve } from "node:path";
import { BUILD_VAR } from "../../core/build-variables";
import { prepareApplyStep, type ApplyStep } from "./apply-standin";
import { startCodeBuildServer, type CodeBuildServer } from "./codebuild-server";
import { startDrainer, type Drainer } from "./drainer";
import { CONTROLLER_FUNCTION, type Bundles } from "./functions";
import { ContainerPool, type InvokeResult } from "./lambda-host";
import type { Cleanup, LocalRunOptions, RunClock, World } from "./model";
import { checkMotoInstalled, startLocalAws, type LocalAws } from "./moto";
import type { Progress } from "./progress";
import { applyPlan, createHealthAlarms, localClients, planProvisioning, type Clients, type ProvisionPlan } from "./provision";
import { writeSampleApp } from "./sample-app";
import { envOfBuild, statusReader, type StatusReader } from "./status-reader";
import { synthesizeFleet } from "./synth";
import { prepareScenarioApply } from "./scenarios/faults";
import { ChainTracker } from "./tracker";
import { worldWithActions } from "./world-actions";

export interface OpenContext {
  readonly options: LocalRunOptions;
  /** The run's own temporary directory. */
  readonly work: string;
  readonly bundles: Bundles;
  readonly progress: Progress;
  readonly clock: RunClock;
  /** Run in reverse order when the run ends, whether it succeeded or not. */
  readonly cleanups: Cleanup[];
}

export interface LocalWorld {
  readonly world: World;
  readonly codebuild: CodeBuildServer;
  readonly drainer: Drainer;
  readonly aws: LocalAws;
  /** With a scenario: the file its apply step reads the injected apply failures from. */
  readonly faultsFile?: string;
}

export async function openWorld(ctx: OpenContext): Promise<LocalWorld> {
  const { options, work, progress } = ctx;
  const { aws, synthOut, plan, clients, keyToAccount, config } = await provisionLocalAws(ctx);
  const scenarioApply = options.scenario ? prepareScenarioApply(join(work, "tools")) : undefined;
  const apply: ApplyStep = scenarioApply
    ? { command: scenarioApply.command, description: "apply step: the scenario's (applies nothing, fails where the scenario injects apply-fails): the subject is rollout control" }
    : prepareApplyStep(join(work, "tools"), options.applyCommand ? { override: options.applyCommand } : {});
  progress.text(`    ${apply.description}`);

  const tracker = new ChainTracker();
  const app = config.app.name;
  const bucket = config.central.artifactBucket;
  const centralS3 = await clients.s3({ account: config.central.accountId, region: config.central.region });
  const status = statusReader({ centralS3, bucket, app, tracker, progress });
  const codebuild = await startLocalCodeBuild(ctx, { plan, aws, keyToAccount, apply, tracker, status });
  const hooks: World["hooks"] = {};
  const drainer = startHandlerDrainer(ctx, { plan, clients, aws, codebuild, tracker, hooks });
  ctx.clock.mark("ready");

  const appDir = join(work, "app");
  writeSampleApp(appDir, synthOut, config);
  const base = { config, app, bucket, progress, tracker, codebuild, centralS3, clients, standIns: plan.standIns, hooks, waveTimeoutMs: (options.waveTimeoutSeconds ?? 90) * 1000 };
  const world = worldWithActions(base, { work, appDir, status, t0: ctx.clock.t0, timings: ctx.clock.timings });
  progress.setNames(config.environments.map((e) => e.name));
  return { world, codebuild, drainer, aws, ...(scenarioApply ? { faultsFile: scenarioApply.faultsFile } : {}) };
}

interface Provisioned {
  readonly aws: LocalAws;
  readonly synthOut: string;
  readonly config: World["config"];
  readonly plan: ProvisionPlan;
  readonly clients: Clients;
  /** Access key id → account: the local CodeBuild refuses another account's credentials, as IAM would. */
  readonly keyToAccount: Map<string, string>;
}

/** Starts moto while the fleet synthesizes (they overlap), then creates what the stacks describe. */
async function provisionLocalAws({ options, work, progress, clock, cleanups }: OpenContext): Promise<Provisioned> {
  checkMotoInstalled(options.python);
  progress.step("starting the local AWS (moto server) …");
  const awsStarting = startLocalAws(options.python === undefined ? {} : { python: options.python });
  awsStarting.catch(() => undefined);

  const synthOut = join(work, "cdktf.out");
  const synth = synthesizeFleet(resolve(options.dir), synthOut);
  const config = synth.config;
  clock.mark("synthesized");
  progress.step(`synthesized ${synth.plumbing.length} plumbing stacks and ${config.environments.length} workload stacks from ${options.dir}`);
  options.afterSynth?.(synthOut);
  const plan = planProvisioning(synth.plumbing);

  const aws = await awsStarting;
  cleanups.push(() => aws.stop());
  clock.mark("moto");
  progress.step(`local AWS on ${aws.endpoint}`);

  const accounts = [...new Set([config.central.accountId, ...plan.standIns.map((s) => s.placement.account), ...plan.projects.map((p) => p.account)])];
  const keyToAccount = new Map<string, string>();
  for (const a of accounts) keyToAccount.set((await aws.credentialsFor(a)).accessKeyId, a);
  const clients = localClients(aws.endpoint, (a) => aws.credentialsFor(a));
  cleanups.push(() => clients.destroy());
  await applyPlan(plan, clients);
  const alarms = await createHealthAlarms(config, clients);
  clock.mark("provisioned");
  const counts = Object.entries(plan.counts).map(([t, n]) => `${t} ×${n}`).join(", ");
  progress.step(`provisioned from the synthesized JSON: ${counts}`);
  if (alarms > 0) progress.text(`    ${alarms} health alarm${alarms === 1 ? "" : "s"} of the environments created in their accounts (state OK): in AWS the application owns them`);
  for (const n of plan.notes) progress.text(`    ${n}`);
  for (const w of plan.warnings) progress.text(`  ⚠ ${w}`);
  return { aws, synthOut, config, plan, clients, keyToAccount };
}

interface CodeBuildDeps {
  readonly plan: ProvisionPlan;
  readonly aws: LocalAws;
  readonly keyToAccount: Map<string, string>;
  readonly apply: ApplyStep;
  readonly tracker: ChainTracker;
  readonly status: StatusReader;
}

async function startLocalCodeBuild({ options, work, bundles, progress, cleanups }: OpenContext, d: CodeBuildDeps): Promise<CodeBuildServer> {
  const codebuild = await startCodeBuildServer({
    projects: d.plan.projects,
    workDir: join(work, "builds"),
    command: [process.execPath, bundles.deployer],
    awsEnv: (account, region) => d.aws.envFor(account, region),
    // Builds run on this machine's Node (20 here), not CodeBuild's 22: keep the SDK's Node 20 notice out of the logs.
    // A health bake looks at the alarms every half second locally (20 s in AWS): bakes here last seconds.
    extraEnv: () => ({ [BUILD_VAR.applyCommand]: JSON.stringify(d.apply.command), [BUILD_VAR.healthPollSeconds]: "0.5", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }),
    accountOfAccessKey: (k) => d.keyToAccount.get(k),
    maxRunning: options.maxBuilds ?? 4,
    onBuildStarted: (b) => {
      d.tracker.builds.push(b);
      progress.tenant(envOfBuild(b), "build started", b.id);
    },
    onBuildFinished: (b) => {
      void d.status.readFinalStatus(b);
    },
  });
  cleanups.push(() => codebuild.close());
  cleanups.push(() => codebuild.idle());
  return codebuild;
}

interface DrainerDeps {
  readonly plan: ProvisionPlan;
  readonly clients: Clients;
  readonly aws: LocalAws;
  readonly codebuild: CodeBuildServer;
  readonly tracker: ChainTracker;
  readonly hooks: World["hooks"];
}

/** Each stand-in queue drained into the bundled handler, in containers like Lambda's, with its retries. */
function startHandlerDrainer({ options, work, bundles, progress, cleanups }: OpenContext, d: DrainerDeps): Drainer {
  const pool = new ContainerPool(join(work, "lambda"), options.maxContainers ?? 8);
  cleanups.push(() => pool.stop());
  const { tracker, hooks } = d;
  const drainer = startDrainer({
    standIns: d.plan.standIns,
    clients: d.clients,
    pool,
    maxInFlight: options.maxContainers ?? 8,
    envFor: async (s) => ({
      ...pick(process.env, ["PATH", "HOME", "TMPDIR", "LANG"]),
      ...(await d.aws.envFor(s.placement.account, s.placement.region)),
      AWS_ENDPOINT_URL_CODEBUILD: d.codebuild.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: s.functionName,
      AWS_MAX_ATTEMPTS: "1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...s.environment,
      FLEET_LOCAL_HANDLER_BUNDLE: bundles.functions[s.functionName] ?? bundles.handler,
    }),
    hooks: {
      before: (s, e) => hooks.before?.(s, e) ?? "invoke",
      onReceived: (s, e, attempt, queuedAt) => {
        if (s.functionName === CONTROLLER_FUNCTION) return;
        tracker.received(e.env, e.key, attempt, queuedAt);
        progress.tenant(e.env, attempt > 1 ? `retry #${attempt - 1}` : "event received", e.key);
      },
      onInvoked: (s, e, r, _attempt, final) => {
        if (s.functionName === CONTROLLER_FUNCTION) return controllerLine(progress, e.key, r);
        const delivery = [...tracker.deliveriesFor(e.key)].reverse().find((x) => x.outcome === undefined);
        if (delivery) tracker.invoked(delivery, r, final);
        if (!r.ok) progress.tenant(e.env, final === "retry" ? "handler threw" : "on-failure", `${r.error?.name}: ${r.error?.message}${final === "retry" ? " → retried later (async invoke)" : " → on-failure queue"}`);
        else if (delivery?.outcome === "drop") progress.tenant(e.env, "dropped", delivery.reason ?? "");
      },
      onError: (s, err) => tracker.errors.push(`${s.stack}: ${err.message}`),
    },
  });
  cleanups.push(() => drainer.stop());
  return drainer;
}

/** The controller's steps that did something (wrote releases, or failed), one line each. */
function controllerLine(progress: Progress, key: string, r: InvokeResult): void {
  const result = (r.result ?? {}) as { phase?: string | null; written?: number };
  if (!r.ok) progress.tenant("controller", "step failed", `${r.error?.name}: ${r.error?.message} (${key || "schedule"})`);
  else if ((result.written ?? 0) > 0) progress.tenant("controller", "step", `${result.phase ?? "?"}: ${result.written} release${result.written === 1 ? "" : "s"} written (${key || "schedule"})`);
}

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (env[n] !== undefined) out[n] = env[n];
  return out;
}
