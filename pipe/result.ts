/**
 * The pipe's result files in `$BITBUCKET_PIPE_STORAGE_DIR`, readable by later commands and pipes of the
 * pipeline through `$BITBUCKET_PIPE_SHARED_STORAGE_DIR`: `result.json` (everything, for people debugging a
 * run) and `outputs.env` (`KEY=value` lines for the next step: version, artifact key, SHA-256), which a step
 * appends to `$BITBUCKET_PIPELINES_VARIABLES_PATH` to hand them on as output variables.
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

export const OUTPUTS_FILE = "outputs.env";

/**
 * `FLEET_…=value` lines. A value is written only when it is one line of plain characters (names, versions,
 * keys, hex), so that the file is safe to `source` and to append to the variables file; the rest is in
 * result.json.
 */
export function outputsEnv(result: PipeResult): string {
  const values: Record<string, string | undefined> = {
    FLEET_RESULT: result.ok ? "succeeded" : "failed",
    FLEET_MODE: result.mode,
    FLEET_APP: result.app,
    FLEET_VERSION: result.version,
    FLEET_BUCKET: result.bucket,
    FLEET_ARTIFACT_KEY: result.artifactKey,
    FLEET_MANIFEST_KEY: result.manifestKey,
    FLEET_SHA256: result.sha256,
    FLEET_RELEASE_IDS: result.releases.length > 0 ? result.releases.map((r) => `${r.env}:${r.releaseId}`).join(",") : undefined,
  };
  return Object.entries(values)
    .filter((e): e is [string, string] => e[1] !== undefined && /^[\w.:/,@+-]*$/.test(e[1]))
    .map(([k, v]) => `${k}=${v}\n`)
    .join("");
}

export function writeResult(storageDir: string, result: PipeResult): string {
  mkdirSync(storageDir, { recursive: true });
  const file = join(storageDir, RESULT_FILE);
  writeFileSync(file, `${JSON.stringify({ ...result, finishedAt: new Date().toISOString() }, null, 2)}\n`);
  writeFileSync(join(storageDir, OUTPUTS_FILE), outputsEnv(result));
  return file;
}
