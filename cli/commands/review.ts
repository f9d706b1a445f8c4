/**
 * `fleet review --plans <file|dir>... [--format markdown|json]`: summarizes `terraform show -json`
 * outputs the way the pipe does in pull requests and prints the comment (or the JSON summary), so a
 * reviewer can run it by hand. Exit 0 whatever the plans contain (destroys included); 1 when a plan file
 * cannot be read or is not plan JSON (every bad file is named); 2 on bad usage.
 */
import { UsageError } from "../../core/errors";
import { summarizePlanFiles } from "../../pipe/review/load-plans";
import { renderMarkdown } from "../../pipe/review/render-markdown";
import { reviewJson } from "../../pipe/review/review-json";
import { buildReview } from "../../pipe/review/review-model";
import { outputFormat, parse } from "../args";
import { reviewSpec } from "../specs/review";
import type { CommandContext } from "../context";

export async function review(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(reviewSpec, ctx.argv);
  // `--plans a.json b.json dir/` reads naturally, so positionals after --plans count as plans too.
  const paths = [...(values.plans ?? []), ...positionals];
  if (paths.length === 0) throw new UsageError("fleet review: --plans <file|dir>... is required (terraform show -json outputs, or directories of them)");
  const format = outputFormat("review", values, ["markdown", "json"]);
  let budget: number | undefined;
  if (values.budget !== undefined) {
    budget = Number(values.budget);
    if (!Number.isInteger(budget) || budget < 1000) throw new UsageError(`fleet review: --budget must be an integer ≥ 1000 (characters), got ${JSON.stringify(values.budget)}`);
  }
  const result = buildReview(summarizePlanFiles(paths, ctx.cwd, { detail: format === "json" }), { mode: "plan" });
  if (format === "json") ctx.stdout.write(JSON.stringify(reviewJson(result), null, 2) + "\n");
  else ctx.stdout.write(renderMarkdown(result, budget === undefined ? {} : { budget }) + "\n");
  return 0;
}
