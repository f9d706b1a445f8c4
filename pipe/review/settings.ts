/**
 * The review's pipe variables, read with the pipe's own {@link Variables} (pipe/variables.ts): strict
 * booleans, YAML lists as NAME_COUNT + NAME_0…, secrets masked, every problem reported together.
 */
import { Variables, type Env } from "../variables";
import { DEFAULT_BUDGET } from "./render-markdown";

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

export function readSettings(env: Env): ReviewSettings {
  const v = new Variables(env);
  const workspace = v.string("BITBUCKET_WORKSPACE", { required: true, hint: "set by Bitbucket Pipelines" }) ?? "";
  const slug = v.string("BITBUCKET_REPO_SLUG", { required: true, hint: "set by Bitbucket Pipelines" }) ?? "";
  const prId = v.string("BITBUCKET_PR_ID", { pattern: /^\d+$/, hint: "a pull-request number" });
  const commit = v.string("BITBUCKET_COMMIT", { pattern: /^[0-9a-f]{7,40}$/, hint: "a hex commit id" });
  const buildNumber = v.string("BITBUCKET_BUILD_NUMBER", { pattern: /^\d+$/, hint: "a build number" });
  const token = v.secret("BITBUCKET_ACCESS_TOKEN");
  const oidcToken = v.secret("BITBUCKET_STEP_OIDC_TOKEN");
  const apiUrl = v.string("BITBUCKET_API_URL", { pattern: /^https?:\/\/\S+$/, hint: "an http(s) URL such as https://api.bitbucket.org/2.0" });
  const proxy = v.string("BITBUCKET_PROXY_URL", { pattern: /^http:\/\/[^\s/]+(:\d+)?\/?$/, hint: "http://host:port" });
  const planRoleArn = v.string("PLAN_ROLE_ARN", { pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, hint: "an IAM role ARN, e.g. arn:aws:iam::123456789012:role/fleet-plan-review" });
  const reviewPlan = env.REVIEW_PLAN ? v.boolean("REVIEW_PLAN", false) : undefined;
  const debug = v.boolean("DEBUG", false);
  const plans = v.array("REVIEW_PLANS", []);
  const synthCommand = v.array("SYNTH_COMMAND", DEFAULT_SYNTH_COMMAND);
  if (synthCommand.length === 0 && plans.length === 0) v.problem("review mode needs SYNTH_COMMAND (it synthesizes the destination branch too) or REVIEW_PLANS (pre-made terraform show -json files)");
  const budget = v.integer("REVIEW_COMMENT_BUDGET", DEFAULT_BUDGET, { min: 1000, max: 100_000 });
  const baseRef = v.string("REVIEW_BASE_REF") ?? (env.BITBUCKET_PR_DESTINATION_BRANCH ? `origin/${env.BITBUCKET_PR_DESTINATION_BRANCH}` : undefined);
  const terraform = v.string("TERRAFORM_BIN", { default: "terraform" }) ?? "terraform";
  v.check();
  return {
    workspace,
    slug,
    ...(prId ? { prId } : {}),
    ...(commit ? { commit } : {}),
    ...(buildNumber ? { buildNumber } : {}),
    ...(token ? { token } : {}),
    ...(apiUrl ? { apiUrl } : {}),
    ...(proxy ? { proxy } : {}),
    ...(plans.length ? { plans } : {}),
    runPlans: reviewPlan ?? planRoleArn !== undefined,
    ...(planRoleArn ? { planRoleArn } : {}),
    ...(oidcToken ? { oidcToken } : {}),
    synthCommand,
    ...(baseRef ? { baseRef } : {}),
    budget,
    terraform,
    debug,
  };
}
