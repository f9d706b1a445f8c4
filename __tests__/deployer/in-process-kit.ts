/**
 * What the in-process deployer tests share: a moto server with the central bucket, the deployer's real
 * adapters wired as index.ts wires them (ports over moto, the real extraction and apply runner), and
 * small helpers to publish a release and read back its status records. Call `inProcessDeploys()` at the
 * top of a `describeWithMoto` block: it starts moto before the tests and stops it after.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { statusKey } from "../../core/keys";
import type { Status } from "../../core/records";
import { runApply } from "../../deployer/apply";
import { readDeployerConfig, type DeployerConfig } from "../../deployer/config";
import type { DeployPorts } from "../../deployer/ports";
import { extractArchive } from "../../deployer/extract";
import { CentralBucket } from "../../deployer/s3-store";
import { DeployedVersionParameter } from "../../deployer/ssm-store";
import { startMoto, type Moto } from "../helpers/moto";
import { removeDir, tempDir } from "../helpers/fs";
import { APP, BUCKET, clients, createCentralBucket, deployerEnv, publishArtifact, stackFile, statusHistory, writeRelease, zipWithCli, type Clients, type Published } from "./fixtures";

/** An apply command (argv as FLEET_APPLY_COMMAND spells it) that runs `script` in node. */
export const nodeCommand = (script: string, ...args: string[]): string => JSON.stringify([process.execPath, "-e", script, ...args]);

export interface InProcessKit {
  readonly moto: () => Moto;
  readonly aws: () => Clients;
  readonly cloudwatch: () => CloudWatchClient;
  /** Publishes `version` (by default a workload stack for `env` alone in the zip) and releases it to `env`. */
  release(env: string, version: string, opts?: { overrides?: Parameters<typeof writeRelease>[1]["overrides"]; files?: Record<string, string> }): Promise<Published>;
  /** The deployer's configuration for a published release, read from its environment variables. */
  configOf(env: string, p: Published, extra?: Record<string, string>): DeployerConfig;
  /** The ports index.ts wires, on moto; `log` collects the build log. */
  portsOf(config: DeployerConfig, overrides?: Partial<DeployPorts>): { ports: DeployPorts; log: { out: string[]; err: string[] } };
  /** A work directory, made as index.ts makes it before the deploy. */
  workIn(name: string): string;
  /** A file path in this run's temporary directory. */
  path(name: string): string;
  /** Every status record of the release, oldest first. */
  history(env: string, p: Published): Promise<Status[]>;
}

export function inProcessDeploys(): InProcessKit {
  let moto: Moto | undefined;
  let aws: Clients | undefined;
  let cloudwatch: CloudWatchClient | undefined;
  let dir = "";
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the in-process kit is used before its beforeAll ran");
    return value;
  };

  beforeAll(async () => {
    moto = await startMoto();
    aws = clients(moto);
    cloudwatch = new CloudWatchClient({ endpoint: moto.endpoint, region: moto.env.AWS_REGION ?? "eu-west-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    await createCentralBucket(aws.s3, moto.env.AWS_REGION ?? "eu-west-1");
    dir = tempDir("fleet-deploy-inproc-");
  });

  afterAll(async () => {
    aws?.s3.destroy();
    aws?.ssm.destroy();
    cloudwatch?.destroy();
    await moto?.stop();
    if (dir) removeDir(dir);
  });

  return {
    moto: () => need(moto),
    aws: () => need(aws),
    cloudwatch: () => need(cloudwatch),
    async release(env, version, opts = {}) {
      const zip = zipWithCli(opts.files ?? { [stackFile(env)]: '{"resource":{}}\n' });
      const sha256 = await publishArtifact(need(aws).s3, version, zip);
      return writeRelease(need(aws).s3, { env, version, sha256, ...(opts.overrides ? { overrides: opts.overrides } : {}) });
    },
    configOf: (env, p, extra = {}) => readDeployerConfig(deployerEnv(need(moto), env, p, extra)),
    portsOf(config, overrides = {}) {
      const log = { out: [] as string[], err: [] as string[] };
      const ports: DeployPorts = {
        bucket: new CentralBucket(need(aws).s3, BUCKET),
        deployedVersion: new DeployedVersionParameter(need(aws).ssm, config.deployedVersionParameter),
        extract: extractArchive,
        apply: runApply,
        out: (line) => log.out.push(line),
        err: (line) => log.err.push(line),
        now: () => new Date(),
        processEnv: { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: "1" },
        ...overrides,
      };
      return { ports, log };
    },
    workIn(name) {
      const path = join(dir, name);
      mkdirSync(path, { recursive: true });
      return path;
    },
    path: (name) => join(dir, name),
    history: (env, p) => statusHistory(need(aws).s3, statusKey(env, APP, p.release.releaseId)),
  };
}
