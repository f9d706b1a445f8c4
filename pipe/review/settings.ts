/**
 * The review's pipe variables, read strictly and all at once (every problem reported together).
 * Booleans accept only true/false; arrays arrive Bitbucket-style as NAME_COUNT + NAME_0…NAME_{n-1}
 * (never re-split from a string); the token is never echoed.
 */
import { ReviewSettingsError } from "./errors";
import { DEFAULT_BUDGET } from "./render-markdown";

type Env = Readonly<Record<string, string | undefined>>;

export interface ReviewSettings {
  readonly workspace: string;
  readonly slug: string;
  readonly prId?: string;
  readonly commit?: string;
  readonly buildNumber?: string;
  /** Repository/workspace access token (pullrequest:write); without it: report only, no comment. */
  readonly token?: string;
  readonly apiUrl?: string;
  readonly proxy?: string;
  /** Pre-made `terraform show -json` outputs: summarized as they are, no synth, no plan. */
  readonly plans?: readonly string[];
  /** Run terraform plan per changed stack (PLAN_ROLE_ARN set, or REVIEW_PLAN: 'true'). */
  readonly runPlans: boolean;
  readonly planRoleArn?: string;
  readonly oidcToken?: string;
  readonly synthCommand: readonly string[];
  readonly baseRef?: string;
  readonly budget: number;
  readonly terraform: string;
  readonly debug: boolean;
}

/** `npx cdktf synth`: works for any cdktf repository (it runs the app named in cdktf.json). */
export const DEFAULT_SYNTH_COMMAND = ["npx", "cdktf", "synth"] as const;

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === "" ? undefined : v;
}

function bool(env: Env, name: string, problems: string[]): boolean | undefined {
  const v = str(env, name);
  if (v === undefined) return undefined;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  problems.push(`${name}: must be 'true' or 'false', got ${JSON.stringify(v)}`);
  return undefined;
}

/** NAME_COUNT + NAME_<i>, or a single NAME as a one-item list. */
function list(env: Env, name: string, problems: string[]): string[] | undefined {
  const count = str(env, `${name}_COUNT`);
  if (count === undefined) {
    const single = str(env, name);
    return single === undefined ? undefined : [single];
  }
  if (!/^\d+$/.test(count)) {
    problems.push(`${name}_COUNT: must be a whole number, got ${JSON.stringify(count)}`);
    return undefined;
  }
  const items: string[] = [];
  for (let i = 0; i < Number(count); i++) {
    const item = env[`${name}_${i}`];
    if (item === undefined) problems.push(`${name}_${i}: missing (${name}_COUNT is ${count})`);
    else items.push(item);
  }
  return items;
}

export function readSettings(env: Env): ReviewSettings {
  const problems: string[] = [];
  const workspace = str(env, "BITBUCKET_WORKSPACE");
  const slug = str(env, "BITBUCKET_REPO_SLUG");
  if (!workspace) problems.push("BITBUCKET_WORKSPACE: missing (set by Bitbucket Pipelines)");
  if (!slug) problems.push("BITBUCKET_REPO_SLUG: missing (set by Bitbucket Pipelines)");
  const prId = str(env, "BITBUCKET_PR_ID");
  if (prId !== undefined && !/^\d+$/.test(prId)) problems.push(`BITBUCKET_PR_ID: must be a number, got ${JSON.stringify(prId)}`);
  const commit = str(env, "BITBUCKET_COMMIT");
  if (commit !== undefined && !/^[0-9a-f]{7,40}$/.test(commit)) problems.push(`BITBUCKET_COMMIT: must be a hex commit id, got ${JSON.stringify(commit)}`);
  const apiUrl = str(env, "BITBUCKET_API_URL");
  if (apiUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(apiUrl)) problems.push(`BITBUCKET_API_URL: must be an http(s) URL, got ${JSON.stringify(apiUrl)}`);
  const proxy = str(env, "BITBUCKET_PROXY_URL");
  if (proxy !== undefined && !/^http:\/\/[^\s/]+(:\d+)?\/?$/.test(proxy)) problems.push(`BITBUCKET_PROXY_URL: must be http://host:port, got ${JSON.stringify(proxy)}`);
  const planRoleArn = str(env, "PLAN_ROLE_ARN");
  if (planRoleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(planRoleArn)) problems.push(`PLAN_ROLE_ARN: must be an IAM role ARN (arn:aws:iam::123456789012:role/name), got ${JSON.stringify(planRoleArn)}`);
  const reviewPlan = bool(env, "REVIEW_PLAN", problems);
  const debug = bool(env, "DEBUG", problems) ?? false;
  const plans = list(env, "REVIEW_PLANS", problems);
  const synthCommand = list(env, "SYNTH_COMMAND", problems) ?? [...DEFAULT_SYNTH_COMMAND];
  if (synthCommand.length === 0) problems.push("SYNTH_COMMAND_COUNT: must be at least 1 (the argv of the synth command)");
  const budgetText = str(env, "REVIEW_COMMENT_BUDGET");
  const budget = budgetText === undefined ? DEFAULT_BUDGET : Number(budgetText);
  if (!Number.isInteger(budget) || budget < 1000 || budget > 100_000) problems.push(`REVIEW_COMMENT_BUDGET: must be a whole number of characters between 1000 and 100000, got ${JSON.stringify(budgetText)}`);
  if (problems.length) throw new ReviewSettingsError(problems);
  const token = str(env, "BITBUCKET_ACCESS_TOKEN");
  const baseRef = str(env, "REVIEW_BASE_REF") ?? (str(env, "BITBUCKET_PR_DESTINATION_BRANCH") ? `origin/${env.BITBUCKET_PR_DESTINATION_BRANCH}` : undefined);
  const oidcToken = str(env, "BITBUCKET_STEP_OIDC_TOKEN");
  const buildNumber = str(env, "BITBUCKET_BUILD_NUMBER");
  return {
    workspace: workspace!,
    slug: slug!,
    ...(prId ? { prId } : {}),
    ...(commit ? { commit } : {}),
    ...(buildNumber ? { buildNumber } : {}),
    ...(token ? { token } : {}),
    ...(apiUrl ? { apiUrl } : {}),
    ...(proxy ? { proxy } : {}),
    ...(plans ? { plans } : {}),
    runPlans: reviewPlan ?? planRoleArn !== undefined,
    ...(planRoleArn ? { planRoleArn } : {}),
    ...(oidcToken ? { oidcToken } : {}),
    synthCommand,
    ...(baseRef ? { baseRef } : {}),
    budget,
    terraform: str(env, "TERRAFORM_BIN") ?? "terraform",
    debug,
  };
}
