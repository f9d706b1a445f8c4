/**
 * What deploy.ts needs from the outside world, as ports: index.ts wires the AWS adapters, the real
 * extraction and apply; tests may wire their own. Nothing here does I/O.
 */
import type { ApplyOutcome, ApplyPlan } from "./apply";
import type { ArchiveLimits } from "../core/entry-rules";
import type { ExtractResult } from "./extract";
import type { AlarmReader } from "./health";
import type { CentralBucket } from "./s3-store";
import type { DeployedVersionParameter } from "./ssm-store";

export interface DeployPorts {
  readonly bucket: Pick<CentralBucket, "bucket" | "getJson" | "getStored" | "getStatus" | "listKeys" | "download" | "putStatus">;
  readonly deployedVersion: Pick<DeployedVersionParameter, "name" | "get" | "put">;
  readonly extract: (zipPath: string, targetDir: string, limits: ArchiveLimits) => Promise<ExtractResult>;
  readonly apply: (plan: ApplyPlan, writeLine: (line: string) => void) => Promise<ApplyOutcome>;
  /** Progress and command output (the build log). */
  readonly out: (line: string) => void;
  /** The one failure line. */
  readonly err: (line: string) => void;
  readonly now: () => Date;
  /** Aborted when the build is being stopped; see apply.ts. */
  readonly signal?: AbortSignal;
  /**
   * Rejects with any error the process did not expect (an exception thrown outside every promise chain, a
   * rejection nobody handled): the deploy then ends like any other failure, with one line and a record.
   */
  readonly unexpected?: Promise<never>;
  /** The environment the apply command inherits. */
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  /** The health bake's alarm reader and wait; needed only when the configuration has a health gate. */
  readonly health?: { readonly alarms: AlarmReader; readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> };
}
