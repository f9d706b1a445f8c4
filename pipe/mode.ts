/**
 * Which job the pipe does in this step: `review` on pull-request pipelines
 * (`BITBUCKET_PR_ID` set), `publish` on branch and tag builds, `release` only when asked for with
 * `MODE: 'release'` (a manual promote step), `rollout` only when asked for with `MODE: 'rollout'` (start a
 * rollout through the waves, typically the step after publish on merge). `MODE` always wins.
 */
import type { Env, Variables } from "./variables";

export const MODES = ["publish", "review", "release", "rollout"] as const;
export type Mode = (typeof MODES)[number];

export function detectMode(env: Env, vars: Variables): Mode {
  const explicit = vars.string("MODE", { allowed: MODES });
  if (explicit !== undefined) return explicit as Mode;
  if (env.BITBUCKET_PR_ID !== undefined && env.BITBUCKET_PR_ID !== "") return "review";
  return "publish";
}
