/**
 * Review mode of the pipe (pull requests): summarize → detail file → Code Insights report → sticky
 * comment. What is summarized, in order of preference:
 *   1. REVIEW_PLANS: pre-made `terraform show -json` files (an earlier step planned);
 *   2. PLAN_ROLE_ARN or REVIEW_PLAN: 'true': synth diff to find the changed stacks, then a terraform
 *      plan of each;
 *   3. otherwise the synth diff alone (no credentials needed), and the comment says so.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadFleet } from "../../core/config/loader";
import { untrustedChildEnv } from "../../core/secrets";
import { BitbucketClient } from "./bitbucket";
import { DETAIL_MARKDOWN, writeDetail } from "./detail";
import { buildAnnotations, buildReport, REPORT_ID } from "./insights";
import { summarizePlanFiles } from "./load-plans";
import { planStacks } from "./plan-runner";
import { renderMarkdown, verdict } from "./render-markdown";
import { buildReview, type ReviewMode } from "./review-model";
import { readSettings, type ReviewSettings } from "./settings";
import type { StackSummary } from "./summarize";
import { resolveBase, synthesize, synthesizeCommit, synthOutDir } from "./synth-adapter";
import { synthDiff } from "./synth-diff";

export interface RunReviewOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  storageDir: string;
  log: (line: string) => void;
}

/** Tenant name → account id from the fleet config (FLEET_DIR) when it loads; clustering works without it too. */
function accountIds(cwd: string, fleetDir: string, log: (line: string) => void): Record<string, string> {
  const dir = join(cwd, fleetDir);
  if (!existsSync(join(dir, "fleet.yaml"))) return {};
  try {
    return Object.fromEntries(loadFleet(dir).environments.map((e) => [e.name, e.accountId]));
  } catch (err) {
    log(`note: ${fleetDir}/ did not load (${(err as Error).message.split("\n")[0]}); clustering factors out account ids by pattern only`);
    return {};
  }
}


async function summarize(s: ReviewSettings, o: RunReviewOptions): Promise<{ stacks: StackSummary[]; mode: ReviewMode; notes: string[] }> {
  if (s.plans) {
    const stacks = summarizePlanFiles(s.plans, o.cwd, { detail: true });
    o.log(`summarized ${stacks.length} plan file(s) from REVIEW_PLANS`);
    return { stacks, mode: "plan", notes: [] };
  }
  const baseRef = s.baseRef ?? "HEAD";
  // The pull request's code runs here (its synth, and the providers and data sources of its plan): it
  // gets an allow-listed environment, never the step's tokens. Only a plan without a plan role, in a
  // step that was given credentials for it (REVIEW_PLAN), gets the step's AWS credentials.
  const env = untrustedChildEnv(o.env);
  const planEnv = untrustedChildEnv(o.env, { aws: true, awsCredentials: !s.planRoleArn });
  o.log(`synthesizing the pull request head with ${JSON.stringify(s.synthCommand)}`);
  const head = await synthesize(o.cwd, s.synthCommand, env);
  const baseCommit = await resolveBase(o.cwd, baseRef, o.log);
  o.log(`synthesizing the destination (${baseRef}, merge base ${baseCommit.slice(0, 12)}) in a worktree`);
  const base = await synthesizeCommit(o.cwd, baseCommit, s.synthCommand, env);
  const diff = synthDiff(base, head);
  if (!s.runPlans) {
    return { stacks: diff, mode: "synth", notes: ["Synth diff only: no plan credentials configured (set PLAN_ROLE_ARN, or REVIEW_PLAN: 'true' when the step already has credentials), so no Terraform plan was made."] };
  }
  // Removed stacks cannot be planned from the head; they stay as the synth diff reports them.
  const toPlan = diff.filter((d) => d.status === "changes" && d.stackChange !== "removed").map((d) => d.stack);
  o.log(`${toPlan.length} of ${diff.length} stacks changed; planning them`);
  const planned = await planStacks({
    stacksDir: join(o.cwd, synthOutDir(o.cwd), "stacks"),
    stacks: toPlan,
    terraform: s.terraform,
    env: planEnv,
    ...(s.planRoleArn ? { planRoleArn: s.planRoleArn } : {}),
    ...(s.oidcToken ? { oidcToken: s.oidcToken } : {}),
    sessionName: `fleet-plan-review-${s.buildNumber ?? "local"}`,
    log: o.log,
  });
  const byName = new Map(planned.map((p) => [p.stack, p]));
  const stacks = diff.map((d) => byName.get(d.stack) ?? (d.stackChange === "removed" ? d : { ...d, status: "no-changes" as const, resources: [], outputs: [], warnings: [] }));
  return { stacks, mode: "plan", notes: [] };
}

export async function runReview(options: RunReviewOptions): Promise<{ ok: boolean; summary: string }> {
  const s = readSettings(options.env);
  if (!s.plans && !s.baseRef) {
    return { ok: false, summary: "review mode needs the destination to compare with: BITBUCKET_PR_DESTINATION_BRANCH (set in pull-request pipelines) or REVIEW_BASE_REF, or pre-made plans in REVIEW_PLANS" };
  }
  const { stacks, mode, notes } = await summarize(s, options);
  // Read in the Code Insights report, where a token-less run publishes the review.
  const reviewNotes = s.token ? notes : [...notes, "No pull-request comment: set BITBUCKET_ACCESS_TOKEN (a repository access token with pullrequest:write) to get one."];
  const review = buildReview(stacks, { mode, notes: reviewNotes, accountIds: accountIds(options.cwd, options.env.FLEET_DIR || "environments", options.log) });
  const detail = writeDetail(options.storageDir, review, s.commit ? { commit: s.commit } : {});
  options.log(`full masked detail: ${detail.json}, ${detail.markdown}`);
  const pointer = `the Code Insights report "Terraform plan review" and ${DETAIL_MARKDOWN} in the pipe's storage directory`;
  const markdown = renderMarkdown(review, { budget: s.budget, detailPointer: pointer, ...(s.commit ? { commit: s.commit } : {}) });
  const repo = { workspace: s.workspace, slug: s.slug };
  const problems: string[] = [];
  const client = new BitbucketClient({ ...(s.token ? { token: s.token } : {}), ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}), ...(s.proxy ? { proxy: s.proxy } : {}) });
  if (s.commit) {
    try {
      const link = s.buildNumber ? `https://bitbucket.org/${s.workspace}/${s.slug}/pipelines/results/${s.buildNumber}` : undefined;
      const annotations = buildAnnotations(review);
      const r = await client.publishReport(repo, s.commit, REPORT_ID, buildReport(review, link ? { link } : {}), annotations);
      options.log(`Code Insights report ${REPORT_ID} on ${s.commit.slice(0, 12)}: ${annotations.length} annotation(s) in ${r.batches} batch(es)${s.token ? "" : " (through the pipelines auth proxy)"}`);
    } catch (err) {
      problems.push(`Code Insights report not published: ${(err as Error).message}`);
    }
  } else options.log("no BITBUCKET_COMMIT: no Code Insights report");
  if (!s.token) options.log("no BITBUCKET_ACCESS_TOKEN: no pull-request comment (the pipelines proxy cannot write comments); the review is in the Code Insights report only");
  else if (!s.prId) options.log("no BITBUCKET_PR_ID: not a pull-request pipeline, no comment");
  else {
    try {
      const c = await client.upsertComment(repo, s.prId, markdown);
      options.log(`pull-request comment ${c.action}${c.id !== undefined ? ` (#${c.id})` : ""}; found by ${c.matchedBy}; ${markdown.length} characters`);
    } catch (err) {
      problems.push(`pull-request comment not posted: ${(err as Error).message}`);
    }
  }
  for (const p of problems) options.log(`ERROR: ${p}`);
  const failedPlans = review.totals.failed > 0;
  const summary = [verdict(review), ...problems].join("; ");
  return { ok: !failedPlans && problems.length === 0, summary };
}
