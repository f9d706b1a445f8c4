/**
 * `fleet rollback --app A --to <env|wave:N|failed>... [--version V] [--reason T] [--dir D] [--bucket B]`:
 * release again, with allowDowngrade, the version each target last ran successfully (or --version). All or
 * nothing like `fleet release`: a target without a version to go back to, on hold, or pinned elsewhere
 * refuses the whole request before anything is written. The choice is core/rollout/rollback-plan.ts.
 */
import { FleetError, UsageError } from "../../core/errors";
import type { Status } from "../../core/records";
import { failedEnvironments, rollbackVersion } from "../../core/rollout/rollback-plan";
import { isValidVersion } from "../../core/version";
import { releaseVersion, resolveTargets } from "../../pipe/release";
import { createS3 } from "../../pipe/aws";
import { parse } from "../args";
import type { CommandContext } from "../context";
import { openRollouts } from "../rollout/context";

export async function rollback(ctx: CommandContext): Promise<number> {
  // --help is answered from cli/specs/rollback.ts by cli/main.ts.
  const { values, positionals } = parse(
    "rollback",
    ctx.argv,
    { app: { type: "string" }, to: { type: "string", multiple: true }, version: { type: "string" }, reason: { type: "string" }, dir: { type: "string" }, bucket: { type: "string" } },
    true,
  );
  const targets = [...(values.to ?? []), ...positionals].flatMap((t) => t.split(",")).map((t) => t.trim()).filter((t) => t !== "");
  if (!values.app) throw new UsageError("fleet rollback: --app is required");
  if (targets.length === 0) throw new UsageError("fleet rollback: --to <env|wave:N|failed> is required (one or more)");
  if (values.version !== undefined && !isValidVersion(values.version)) throw new UsageError(`fleet rollback: --version ${JSON.stringify(values.version)} is not a SemVer version without build metadata`);
  const rc = openRollouts(ctx, "rollback", { dir: values.dir, bucket: values.bucket, app: values.app });
  try {
    if (rc.app !== rc.fleet.app.name) throw new FleetError(`fleet rollback: app ${rc.app} is not this fleet's app (${rc.fleet.app.name})`);
    const ids = await rc.store.listStatusIds(rc.app);
    const records = new Map<string, Status[]>();
    await Promise.all(
      [...ids.entries()].map(async ([env, list]) => {
        // The newest few records decide (the newest and the two versions before it); older ones never do.
        const found = await Promise.all(list.slice(-10).map((id) => rc.store.readStatus(env, rc.app, id)));
        records.set(env, found.filter((r): r is Status => r !== undefined));
      }),
    );
    const named = targets.filter((t) => t !== "failed");
    const envs = new Set<string>(targets.includes("failed") ? failedEnvironments(records) : []);
    if (named.length > 0) {
      const { envs: resolved, problems } = resolveTargets({ ...rc.fleet, environments: rc.fleet.environments.map((e) => ({ ...e, hold: false, pin: undefined })) }, named, "0.0.0");
      if (problems.length > 0) throw new FleetError(`fleet rollback refused, nothing written:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
      resolved.forEach((e) => envs.add(e));
    }
    if (envs.size === 0) {
      ctx.stdout.write("✔ no environment's newest release failed: nothing to roll back\n");
      return 0;
    }
    const choices = [...envs].sort().map((env) => rollbackVersion(env, records.get(env) ?? [], values.version));
    const problems = choices.flatMap((c) => (c.problem ? [c.problem] : []));
    const byVersion = new Map<string, string[]>();
    for (const c of choices) if (c.version) byVersion.set(c.version, [...(byVersion.get(c.version) ?? []), c.env]);
    // Holds and pins of every group are checked before the first group is written.
    for (const [v, list] of byVersion) problems.push(...resolveTargets(rc.fleet, list, v).problems);
    if (problems.length > 0) throw new FleetError(`fleet rollback refused, nothing written:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    const s3 = createS3(ctx.env, { region: ctx.env.AWS_REGION ?? rc.fleet.central.region });
    try {
      for (const [v, list] of byVersion) {
        const written = await releaseVersion({ s3, bucket: rc.store.bucket, fleet: rc.fleet, app: rc.app, version: v, targets: list, requestedBy: rc.who, reason: `rollback${values.reason ? `: ${values.reason}` : ""}`, allowDowngrade: true });
        ctx.stdout.write(written.map((w) => `✔ rolled back ${w.env} to ${rc.app} ${v}: ${w.key}\n`).join(""));
      }
    } finally {
      s3.destroy();
    }
    return 0;
  } finally {
    rc.close();
  }
}
