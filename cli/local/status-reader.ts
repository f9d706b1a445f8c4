/**
 * Reads what the deployers wrote: the status record of a release in the local central bucket, and the
 * deployed-version parameter of a tenant. A build that ended without a final record is reported as failed
 * with the last lines of its log, so the user sees why.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { BUILD_VAR } from "../../core/build-variables";
import type { FleetConfig } from "../../core/config/schema";
import { statusKey } from "../../core/keys";
import { deployedVersionParameterName } from "../../core/parameters";
import { StatusSchema, type Status } from "../../core/records";
import type { Build } from "./codebuild-server";
import type { Progress } from "./progress";
import type { Clients } from "./provision";
import { isFinal, type ChainTracker } from "./tracker";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const envOfBuild = (b: Build): string => b.environmentVariables.find((v) => v.name === BUILD_VAR.environment)?.value ?? b.projectName;
const overrideOf = (b: Build, name: string): string => b.overrides.find((v) => v.name === name)?.value ?? "";

export interface StatusReaderDeps {
  readonly centralS3: S3Client;
  readonly bucket: string;
  readonly app: string;
  readonly tracker: ChainTracker;
  readonly progress: Progress;
}

export interface StatusReader {
  readStatus(env: string, releaseId: string): Promise<Status | undefined>;
  /** Files the final status of a finished build under its release, and prints it. */
  readFinalStatus(b: Build): Promise<void>;
}

export function statusReader(d: StatusReaderDeps): StatusReader {
  const readStatus = async (env: string, releaseId: string): Promise<Status | undefined> => {
    try {
      const res = await d.centralS3.send(new GetObjectCommand({ Bucket: d.bucket, Key: statusKey(env, d.app, releaseId) }));
      const parsed = StatusSchema.safeParse(JSON.parse((await res.Body?.transformToString()) ?? ""));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };
  const readFinalStatus = async (b: Build): Promise<void> => {
    const env = envOfBuild(b);
    const releaseId = overrideOf(b, BUILD_VAR.releaseId);
    const track = d.tracker.releases.get(overrideOf(b, BUILD_VAR.releaseKey));
    // The deployer wrote its last record before it exited; a miss here is the local AWS being slow under
    // load (a read error), so ask again a few times before calling it "no status record".
    let s = await readStatus(env, releaseId);
    for (let i = 0; i < 5 && !isFinal(s); i++) {
      await sleep(200 * (i + 1));
      s = await readStatus(env, releaseId);
    }
    if (track && s && isFinal(s)) {
      track.final = s;
      track.finalAt = Date.now();
    } else if (track) {
      track.final = { schema: "cdktf-fleet/status@1", env, app: d.app, releaseId, version: track.version, phase: "finished", result: "failed", buildId: b.id, startedAt: new Date(b.startTime * 1000).toISOString(), error: `build ended ${b.buildStatus} without a final status record: ${b.logTail.slice(-2).join(" | ")}` };
      track.finalAt = Date.now();
    }
    const f = track?.final;
    if (!f) return;
    if (f.result === "succeeded") d.progress.tenant(env, `deployed ${f.version}`, `${b.id} (${b.endTime && ((b.endTime - b.startTime) * 1).toFixed(1)} s)`);
    else d.progress.tenant(env, `${f.result}`, `${f.version}: ${f.error ?? ""}`);
    if (b.buildStatus !== "SUCCEEDED" && f.result !== "skipped") for (const line of b.logTail.slice(-4)) d.progress.tenant(env, "  build log", line);
  };
  return { readStatus, readFinalStatus };
}

/** The tenant's deployed-version parameter, or undefined when it cannot be read. */
export async function readDeployedVersion(clients: Clients, config: FleetConfig, env: string): Promise<string | undefined> {
  const e = config.environments.find((x) => x.name === env);
  if (!e) return undefined;
  try {
    const ssm = await clients.ssm({ account: e.accountId, region: e.region });
    return (await ssm.send(new GetParameterCommand({ Name: deployedVersionParameterName(env, config.app.name) }))).Parameter?.Value;
  } catch {
    return undefined;
  }
}
