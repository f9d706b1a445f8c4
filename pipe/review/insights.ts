/**
 * Code Insights report and annotations for the reviewed commit
 * (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-reports/). Pure: builds the bodies;
 * bitbucket.ts sends them. Limits respected here: at most 6 data fields, details
 * ≤ 2000 chars, title ≤ 450, annotation summary non-empty and ≤ 450 chars, ≤ 100 annotations per POST
 * and ≤ 1000 per report.
 */
import { createHash } from "node:crypto";
import { reasonText } from "./change-lines";
import { oneLine } from "./inert";
import type { Review } from "./review-model";
import { verdict } from "./render-markdown";

export const REPORT_ID = "cdktf-fleet-plan-review";
export const ANNOTATION_BATCH = 100;
export const MAX_ANNOTATIONS = 1000;
const MAX_SUMMARY = 450;
const MAX_DETAILS = 2000;

export interface ReportData {
  readonly title: string;
  readonly type: "NUMBER" | "TEXT" | "BOOLEAN" | "LINK";
  readonly value: number | string | boolean | { text: string; href: string };
}

export interface ReportBody {
  readonly title: string;
  readonly details: string;
  readonly report_type: "TEST";
  readonly reporter: string;
  readonly result: "PASSED" | "FAILED";
  readonly data: readonly ReportData[];
  readonly link?: string;
}

export interface Annotation {
  readonly external_id: string;
  readonly title: string;
  readonly annotation_type: "BUG";
  readonly summary: string;
  readonly details?: string;
  readonly severity: "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";
  readonly result: "FAILED";
}

/** Resource types whose destruction loses data: their destroys and destroy-first replaces are CRITICAL. */
const STATEFUL_TYPE_RE = /^aws_(s3_bucket|db_instance|rds_cluster|dynamodb_table|efs_file_system|kms_key|ebs_volume|elasticache_|opensearch_domain|elasticsearch_domain|secretsmanager_secret|ssm_parameter|sqs_queue|backup_vault|cloudwatch_log_group)/;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function buildReport(review: Review, options: { link?: string } = {}): ReportBody {
  const t = review.totals;
  const c = t.counts;
  const details = clip(
    [
      verdict(review),
      review.mode === "synth" ? "Synthesized configuration compared with the destination branch; no Terraform plan was made." : "",
      ...review.notes,
      c.replace > 0 ? "A replace is counted once (Terraform's own Plan line counts it as 1 add + 1 destroy)." : "",
      review.failed.length ? `Failed: ${review.failed.map((s) => s.stack).join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("\n"),
    MAX_DETAILS,
  );
  return {
    title: "Terraform plan review",
    details,
    report_type: "TEST",
    reporter: "cdktf-fleet",
    result: t.failed > 0 ? "FAILED" : "PASSED",
    data: [
      { title: "Stacks changed", type: "NUMBER", value: t.changed },
      { title: "To add", type: "NUMBER", value: c.create },
      { title: "To change", type: "NUMBER", value: c.update },
      { title: "To replace", type: "NUMBER", value: c.replace },
      { title: "To destroy", type: "NUMBER", value: c.delete },
      { title: "Failed stacks", type: "NUMBER", value: t.failed },
    ],
    ...(options.link ? { link: options.link } : {}),
  };
}

function externalId(...parts: string[]): string {
  // Stable across re-runs of the same commit, short, and free of characters the API may reject.
  return `cf-${createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32)}`;
}

/** One annotation per destroy or replace in each stack, and one per failed stack; at most 1000. */
export function buildAnnotations(review: Review): Annotation[] {
  const out: Annotation[] = [];
  for (const s of review.failed) {
    out.push({
      external_id: externalId("failed", s.stack),
      title: clip(oneLine(`Plan failed: ${s.stack}`), 450),
      annotation_type: "BUG",
      summary: clip(oneLine(`${s.stack}: ${s.error ?? "the plan failed"}`.replace(/\s+/g, " ")), MAX_SUMMARY),
      severity: "CRITICAL",
      result: "FAILED",
    });
  }
  for (const s of review.stacks) {
    if (s.status === "errored") continue;
    for (const r of s.resources) {
      if (r.kind !== "delete" && r.kind !== "replace") continue;
      const what = r.kind === "delete" ? (review.mode === "synth" ? "removed from the configuration" : "will be destroyed") : r.replaceOrder === "create-before-destroy" ? "will be replaced (create, then destroy)" : "will be replaced (destroy, then create)";
      const extras = [r.replacePaths.length ? `forces replacement: ${r.replacePaths.join(", ")}` : "", r.actionReason ? `reason: ${reasonText(r.actionReason)}` : ""].filter(Boolean).join("; ");
      const stateful = STATEFUL_TYPE_RE.test(r.type);
      const destroyFirst = r.kind === "delete" || r.replaceOrder === "delete-before-create";
      out.push({
        external_id: externalId(s.stack, r.kind, r.address),
        title: clip(oneLine(`${r.kind === "delete" ? "Destroy" : "Replace"} ${r.address} (${s.stack})`), 450),
        annotation_type: "BUG",
        summary: clip(oneLine(`${s.stack}: ${r.address} ${what}${extras ? ` — ${extras}` : ""}`), MAX_SUMMARY),
        severity: stateful && destroyFirst ? "CRITICAL" : destroyFirst ? "HIGH" : "MEDIUM",
        result: "FAILED",
      });
    }
  }
  return out.slice(0, MAX_ANNOTATIONS);
}

export function batches<T>(items: readonly T[], size = ANNOTATION_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
