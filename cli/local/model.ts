/**
 * What the rooms of the local run share: the run's options and result, and the World a scenario works
 * with (the local AWS, the local CodeBuild, the handler stand-ins, and the actions on them).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { FleetConfig } from "../../core/config/schema";
import type { Release } from "../../core/records";
import type { Output } from "../context";
import type { Build, CodeBuildServer } from "./codebuild-server";
import type { DrainerHooks } from "./drainer";
import type { Progress } from "./progress";
import type { Clients, LambdaStandIn } from "./provision";
import type { ScenarioReport } from "./scenarios/report";
import type { Scenario } from "./scenarios/scenario-file";
import type { ChainTracker, ReleaseTrack } from "./tracker";

export interface LocalRunOptions {
  /** The fleet's environments directory. */
  readonly dir: string;
  readonly drill?: boolean;
  /** A scenario file's rollouts instead of the plain wave-by-wave release (`dir` is then its generated fleet). */
  readonly scenario?: Scenario;
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
  /** Build processes at once on this machine. @default 4 */
  readonly maxBuilds?: number;
  /** The Python that runs moto (FLEET_PYTHON). @default python3 */
  readonly python?: string;
  /** Handler containers alive at once. @default 8 */
  readonly maxContainers?: number;
  /** Called with the synthesized output before provisioning: tests break the routing here to see the run fail as AWS would. */
  readonly afterSynth?: (outdir: string) => void;
  /** Prints the `fleet status` table at the end (from cli/commands/status). @default true */
  readonly statusTable?: (env: Record<string, string>, out: Output) => Promise<void>;
  /**
   * Runs after the scenario, while the chain still runs (tests of what comes after a release: decommissioning).
   * Its problems join the run's.
   */
  readonly afterScenario?: (world: World) => Promise<readonly string[]>;
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
  /** With a scenario: how its last rollout ended, per tenant (what `--report` writes). */
  readonly scenarioReport?: ScenarioReport;
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

export interface ScenarioResult {
  /** Per environment: the version it must run at the end. */
  readonly expected: Map<string, { version: string; note?: string }>;
  readonly problems: string[];
  readonly faults?: FaultOutcome[];
  readonly report?: ScenarioReport;
}

/** The run's clock: its start, and milliseconds since then per phase (the benchmark reads them). */
export interface RunClock {
  readonly t0: number;
  readonly timings: Record<string, number>;
  mark(name: string): void;
}

export type Cleanup = () => Promise<void> | void;
