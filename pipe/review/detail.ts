/**
 * The full masked detail, written to the pipe's storage directory (BITBUCKET_PIPE_STORAGE_DIR), where a
 * later step or a pipeline artifact can pick it up: `plan-review.json` (every stack's masked summary)
 * and `plan-review.md` (the comment without the size budget).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMarkdown } from "./render-markdown";
import { reviewJson } from "./review-json";
import type { Review } from "./review-model";

export const DETAIL_JSON = "plan-review.json";
export const DETAIL_MARKDOWN = "plan-review.md";

function writeAtomic(file: string, text: string): void {
  // No half-written detail file if the step is killed mid-write.
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

export function writeDetail(dir: string, review: Review, extra: { commit?: string } = {}): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, DETAIL_JSON);
  const markdown = join(dir, DETAIL_MARKDOWN);
  writeAtomic(json, JSON.stringify(reviewJson(review, extra), null, 2) + "\n");
  writeAtomic(markdown, renderMarkdown(review, { budget: Number.MAX_SAFE_INTEGER, ...(extra.commit ? { commit: extra.commit } : {}) }) + "\n");
  return { json, markdown };
}
