/**
 * The pipe's result file: `$BITBUCKET_PIPE_STORAGE_DIR/result.json`, readable by later
 * pipes of the same pipeline (through the shared storage dir) and by people debugging a run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type StepStatus = "passed" | "failed" | "skipped" | "not-run";

export interface PipeResult {
  mode: string;
  ok: boolean;
  message: string;
  app?: string;
  version?: string;
  bucket?: string;
  artifactKey?: string;
  manifestKey?: string;
  sha256?: string;
  size?: number;
  files?: number;
  alreadyPublished?: boolean;
  gate: { lint: StepStatus; test: StepStatus; sonar: StepStatus; sonarProjectKey?: string; sonarAnalysisId?: string; sonarDashboardUrl?: string };
  releases: { env: string; key: string; releaseId: string }[];
  review?: { ok: boolean; summary: string };
  /** The status page left by a release: the file in the storage dir, and its key and link when uploaded. */
  statusPage?: { file: string; key?: string; url?: string };
  /** MODE rollout: the rollout started (or found running). */
  rolloutId?: string;
  finishedAt?: string;
}

export const RESULT_FILE = "result.json";

export function writeResult(storageDir: string, result: PipeResult): string {
  mkdirSync(storageDir, { recursive: true });
  const file = join(storageDir, RESULT_FILE);
  writeFileSync(file, `${JSON.stringify({ ...result, finishedAt: new Date().toISOString() }, null, 2)}\n`);
  return file;
}
