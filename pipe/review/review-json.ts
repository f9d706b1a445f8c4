/**
 * The JSON form of a review (`fleet review --format json` and the detail file in the pipe's storage
 * dir). Built only from summaries, which hold masked values; the plan's `variables`, `prior_state`,
 * `planned_values` and `configuration` never reach it.
 */
import type { Review } from "./review-model";
import { verdict } from "./render-markdown";

export const REVIEW_JSON_SCHEMA = "cdktf-fleet/plan-review@1";

export function reviewJson(review: Review, extra: { commit?: string } = {}) {
  return {
    schema: REVIEW_JSON_SCHEMA,
    mode: review.mode,
    verdict: verdict(review),
    ...(extra.commit ? { commit: extra.commit } : {}),
    notes: review.notes,
    totals: review.totals,
    destructive: review.destructive,
    clusters: review.clusters.map((c) => ({ stacks: c.stacks, lines: c.lines })),
    unchanged: review.unchanged,
    stacks: review.stacks,
  };
}
