/**
 * `fleet rollout start|status|halt|resume|run`: one version through the fleet's waves under the policy of
 * fleet.yaml `rollout:` (docs/rollout.md). Every subcommand reads and writes only the central bucket:
 * the state and commands under rollouts/<app>/, releases under releases/.
 *
 *   start  --app A --version V [--reason T]           plan, store, release the first tenants
 *   status [--rollout ID] [--format table|json|html] [--out FILE]   exit 1 when halted or a tenant failed
 *   halt   --rollout ID [--reason T]                  no new tenant starts
 *   resume --rollout ID [--reason T]                  retry the failed and never-started tenants
 *   run    --app A --version V [--interval S] [--timeout M]   start (or continue) and drive it to the end
 * Common: [--dir environments] [--bucket B].
 */
import { FleetError, UsageError } from "../../core/errors";
import { formatRolloutTable, newestRollout, requestCommand, rolloutExitCode, startRollout, summarize, type RolloutState } from "../../core/rollout";
import { isValidVersion } from "../../core/version";
import { parse } from "../args";
import type { CommandContext } from "../context";
import { openRollouts, rolloutIdOption, type RolloutContext } from "../rollout/context";
import { writeRolloutStatusPage } from "./status-html";
import { runRollout } from "../rollout/run";

const USAGE = `Usage: fleet rollout <start|status|halt|resume|run> [options]
  start  --app A --version V [--reason TEXT]            start a rollout (waves, tolerance, budget from fleet.yaml rollout:)
  status [--rollout ID] [--format table|json|html] [--out FILE]
                                                        the newest (or given) rollout; exit 1 when halted or a tenant failed
  halt   --rollout ID [--reason TEXT]                   stop starting tenants (those in flight finish)
  resume --rollout ID [--reason TEXT]                   retry failed and never-started tenants
  run    --app A --version V [--reason TEXT] [--interval SECONDS] [--timeout MINUTES]
                                                        start or continue, and drive the rollout until it is over
Common options: --dir environments  --bucket B (default: central.artifactBucket)
`;

const COMMON = { dir: { type: "string" }, bucket: { type: "string" }, help: { type: "boolean" } } as const;

function version(sub: string, app: string | undefined, v: string | undefined): string {
  if (!app) throw new UsageError(`fleet rollout ${sub}: --app is required`);
  if (!v) throw new UsageError(`fleet rollout ${sub}: --version is required`);
  if (!isValidVersion(v)) throw new UsageError(`fleet rollout ${sub}: --version ${JSON.stringify(v)} is not a SemVer version without build metadata (e.g. 1.4.2)`);
  return v;
}

async function withRollouts<T>(ctx: CommandContext, sub: string, opts: { dir?: string | undefined; bucket?: string | undefined; app?: string | undefined }, fn: (rc: RolloutContext) => Promise<T>): Promise<T> {
  const rc = openRollouts(ctx, `rollout ${sub}`, opts);
  try {
    return await fn(rc);
  } catch (err) {
    if (err instanceof FleetError) throw err;
    const e = err as { name?: string; message?: string };
    throw new FleetError(`fleet rollout ${sub}: could not use s3://${rc.store.bucket}: ${e.name ?? "Error"}: ${e.message ?? String(err)}`, { cause: err });
  } finally {
    rc.close();
  }
}

async function stateOf(rc: RolloutContext, id: string | undefined): Promise<RolloutState> {
  if (id === undefined) {
    const newest = await newestRollout(rc.store, rc.app);
    if (!newest) throw new FleetError(`no rollout of ${rc.app} in s3://${rc.store.bucket}: start one with fleet rollout start --app ${rc.app} --version V`);
    return newest;
  }
  const found = await rc.store.readState(rc.app, id);
  if (!found) throw new FleetError(`no rollout ${id} of ${rc.app} in s3://${rc.store.bucket}`);
  return found.state;
}

export async function rollout(ctx: CommandContext): Promise<number> {
  const [sub, ...argv] = ctx.argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    ctx.stdout.write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  const sctx = { ...ctx, argv };
  const help = (): number => {
    ctx.stdout.write(USAGE);
    return 0;
  };
  switch (sub) {
    case "start": {
      const { values: v } = parse("rollout start", argv, { ...COMMON, app: { type: "string" }, version: { type: "string" }, reason: { type: "string" } });
      if (v.help) return help();
      const ver = version(sub, v.app, v.version);
      return withRollouts(sctx, sub, v, async (rc) => {
        const r = await startRollout(rc.store, { fleet: rc.fleet, app: rc.app, version: ver, requestedBy: rc.who, reason: v.reason ?? "" });
        ctx.stdout.write(`✔ started rollout ${r.state.rolloutId} of ${rc.app} ${ver}\n${r.log.map((l) => `  ${l}\n`).join("")}`);
        ctx.stdout.write(`  follow it: fleet rollout status --rollout ${r.state.rolloutId}\n`);
        return 0;
      });
    }
    case "status": {
      const { values: v } = parse("rollout status", argv, { ...COMMON, app: { type: "string" }, rollout: { type: "string" }, format: { type: "string", default: "table" }, out: { type: "string" } });
      if (v.help) return help();
      if (v.format !== "table" && v.format !== "json" && v.format !== "html") throw new UsageError(`fleet rollout status: --format must be table, json or html, got ${JSON.stringify(v.format)}`);
      if (v.out !== undefined && v.format !== "html") throw new UsageError("fleet rollout status: --out writes the status page: use it with --format html");
      const id = v.rollout === undefined ? undefined : rolloutIdOption("rollout status", v.rollout);
      return withRollouts(sctx, sub, v, async (rc) => {
        const state = await stateOf(rc, id);
        const summary = summarize(state);
        // The status page: the fleet's records and this rollout's waves, policy and halt reason.
        if (v.format === "html") await writeRolloutStatusPage(ctx, { fleet: rc.fleet, bucket: rc.store.bucket, app: rc.app, state, out: v.out });
        else ctx.stdout.write(v.format === "json" ? `${JSON.stringify(summary, null, 2)}\n` : formatRolloutTable(summary));
        return rolloutExitCode(summary);
      });
    }
    case "halt":
    case "resume": {
      const { values: v } = parse(`rollout ${sub}`, argv, { ...COMMON, app: { type: "string" }, rollout: { type: "string" }, reason: { type: "string" } });
      if (v.help) return help();
      const id = rolloutIdOption(`rollout ${sub}`, v.rollout);
      return withRollouts(sctx, sub, v, async (rc) => {
        const r = await requestCommand(rc.store, rc.app, id, sub, rc.who, v.reason ?? "");
        ctx.stdout.write(`✔ ${sub} of rollout ${id} recorded; it is now ${r.state.phase}\n${r.log.map((l) => `  ${l}\n`).join("")}`);
        return 0;
      });
    }
    case "run": {
      const { values: v } = parse("rollout run", argv, {
        ...COMMON,
        app: { type: "string" },
        version: { type: "string" },
        reason: { type: "string" },
        interval: { type: "string", default: "15" },
        timeout: { type: "string", default: "720" },
      });
      if (v.help) return help();
      const ver = version(sub, v.app, v.version);
      const interval = Number(v.interval);
      const timeout = Number(v.timeout);
      if (!(interval > 0 && interval <= 3600)) throw new UsageError(`fleet rollout run: --interval is seconds between steps, > 0 and ≤ 3600; got ${JSON.stringify(v.interval)}`);
      if (!(timeout > 0)) throw new UsageError(`fleet rollout run: --timeout is minutes > 0; got ${JSON.stringify(v.timeout)}`);
      return withRollouts(sctx, sub, v, (rc) => runRollout(rc, { version: ver, reason: v.reason ?? "", intervalMs: interval * 1000, timeoutMs: timeout * 60_000, out: ctx.stdout }));
    }
    default:
      throw new UsageError(`fleet rollout: unknown subcommand ${JSON.stringify(sub)}\n\n${USAGE}`);
  }
}
