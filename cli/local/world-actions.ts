/**
 * What a scenario does to the local world: publish the sample app, write releases (with the pipe's own
 * functions, or one hand-made record for the drill), wait for the final status records, read versions.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { releaseKey } from "../../core/keys";
import { RELEASE_SCHEMA, type Release } from "../../core/records";
import { formatReleaseId } from "../../core/version";
import { packageTree } from "../../pipe/package";
import { publishArtifact } from "../../pipe/publish";
import { releaseVersion } from "../../pipe/release";
import type { FleetConfig } from "../../core/config/schema";
import type { World } from "./model";
import type { StatusReader } from "./status-reader";
import { readDeployedVersion } from "./status-reader";
import { isFinal } from "./tracker";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Actions = Pick<World, "publish" | "release" | "writeRelease" | "waitFor" | "deployedVersion">;
type Base = Omit<World, keyof Actions>;

export interface ActionContext {
  /** Where the sample app lives and its zips are written. */
  readonly work: string;
  readonly appDir: string;
  readonly status: StatusReader;
  /** The run's start (ms) and its phase timings: the first release write is recorded there. */
  readonly t0: number;
  readonly timings: Record<string, number>;
}

export function worldWithActions(base: Base, ctx: ActionContext): World {
  const { config, app, bucket, centralS3, progress, tracker } = base;
  const published = new Map<string, { sha256: string }>();
  const world: World = {
    ...base,
    async publish(version) {
      const known = published.get(version);
      if (known) return known;
      writeFileSync(join(ctx.appDir, "VERSION"), `${version}\n`);
      const zip = join(ctx.work, `${app}-${version}.zip`);
      const pkg = await packageTree({ root: ctx.appDir, out: zip });
      const res = await publishArtifact({ s3: centralS3, bucket, app, version, file: zip, sha256: pkg.sha256, files: pkg.files, manifestFields: { buildNumber: "local", branch: "local", gate: { lint: "skipped", test: "skipped", sonar: "skipped" } } });
      progress.step(`published ${app} ${version}: s3://${bucket}/${res.artifactKey} (${pkg.files} files, ${pkg.size} bytes, sha256 ${pkg.sha256.slice(0, 12)}…)`);
      published.set(version, { sha256: pkg.sha256 });
      return { sha256: pkg.sha256 };
    },
    async release(version, targets, reason) {
      const writtenAt = Date.now();
      const written = await releaseVersion({ s3: centralS3, bucket, fleet: config, app, version, targets, requestedBy: "fleet local", reason });
      if (ctx.timings.firstReleaseWrite === undefined) ctx.timings.firstReleaseWrite = writtenAt - ctx.t0;
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
            if (done) await ctx.status.readFinalStatus(done);
          }
        }
        await sleep(100);
      }
      return tracks.filter((t) => !isFinal(t.final)).map((t) => tracker.diagnose(t, routeHint(config, t.env)));
    },
    deployedVersion: (env) => readDeployedVersion(base.clients, config, env),
  };
  return world;
}

function routeHint(config: FleetConfig, env: string): string {
  const e = config.environments.find((x) => x.name === env);
  return `central rule fleet-forward-${env} on the default bus of ${config.central.accountId} ${config.central.region} → bus fleet-inbound in ${e?.accountId} ${e?.region} → rule fleet-assets-tracker; check the synthesized patterns, the target bus ARN and the account`;
}
