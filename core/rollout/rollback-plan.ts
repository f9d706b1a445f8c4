/**
 * What `fleet rollback` releases where, pure: per environment, the version it should run again.
 * - Its newest release failed (or was refused): the version it last ran successfully (re-apply what worked).
 * - Otherwise: the newest succeeded version before the one it runs now.
 * `--version V` overrides both. `failed` as a target means every environment whose newest record failed
 * or was refused.
 */
import type { Status } from "../records";
import { compareReleaseIds } from "../version";

export interface RollbackChoice {
  readonly env: string;
  readonly version?: string;
  /** Why there is no version to go back to. */
  readonly problem?: string;
}

/** Environments whose newest status record says failed or refused. */
export function failedEnvironments(records: ReadonlyMap<string, readonly Status[]>): string[] {
  const out: string[] = [];
  for (const [env, list] of records) {
    const newest = [...list].sort((a, b) => compareReleaseIds(b.releaseId, a.releaseId))[0];
    if (newest && (newest.result === "failed" || newest.result === "refused")) out.push(env);
  }
  return out.sort();
}

export function rollbackVersion(env: string, records: readonly Status[], version: string | undefined): RollbackChoice {
  if (version !== undefined) return { env, version };
  const newestFirst = [...records].sort((a, b) => compareReleaseIds(b.releaseId, a.releaseId));
  const newest = newestFirst[0];
  const succeeded = newestFirst.filter((r) => r.result === "succeeded");
  const running = succeeded[0];
  if (!newest || !running) return { env, problem: `${env} has no succeeded deploy to go back to; give --version` };
  if (newest.result === "failed" || newest.result === "refused") return { env, version: running.version };
  const before = succeeded.find((r) => r.version !== running.version);
  if (!before) return { env, problem: `${env} ran no version before ${running.version}; give --version` };
  return { env, version: before.version };
}
