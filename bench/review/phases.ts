/**
 * In-process phase timings of one review over a directory of plans (run by run.mjs after bundling this
 * file with esbuild): where the time goes between reading the files and the finished comment.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parsePlan } from "../../pipe/review/plan-schema";
import { renderMarkdown } from "../../pipe/review/render-markdown";
import { buildReview } from "../../pipe/review/review-model";
import { summarizePlan } from "../../pipe/review/summarize";

const dir = process.argv[2] ?? ".";
const phases: Record<string, number> = {};
let t = performance.now();
const lap = (name: string) => {
  const now = performance.now();
  phases[name] = Math.round(now - t);
  t = now;
};
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
// Like `fleet review`: each plan is summarized right after parsing and then dropped; the phases below
// are summed over files.
const sum: Record<string, number> = { read: 0, "JSON.parse": 0, "schema + secret collection": 0, summarize: 0 };
const summaries = files.map((f) => {
  let a = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    sum[name] = (sum[name] ?? 0) + now - a;
    a = now;
  };
  const text = readFileSync(join(dir, f), "utf8");
  step("read");
  const raw = JSON.parse(text) as unknown;
  step("JSON.parse");
  const p = parsePlan(raw);
  if (!p.ok) throw new Error(p.problems.join("; "));
  step("schema + secret collection");
  const s = summarizePlan(f.replace(/\.json$/, ""), p.plan, p.secrets);
  step("summarize");
  return s;
});
for (const [k, v] of Object.entries(sum)) phases[k] = Math.round(v);
t = performance.now();
const review = buildReview(summaries, { mode: "plan" });
lap("cluster + destructive groups");
renderMarkdown(review);
lap("render");
process.stdout.write(JSON.stringify(phases) + "\n");
