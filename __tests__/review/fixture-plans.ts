/** The real plan JSON fixtures (copied from shared/fixtures/terraform-plans with SOURCES.md). */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const PLAN_FIXTURES_DIR = join(__dirname, "..", "fixtures", "plans");

export const PLAN_FIXTURES = [
  "aws-iam-data-read-and-create-tf1.5.json",
  "aws-lambda-events-mixed-with-drift-tf1.0.json",
  "aws-s3-create-update-delete-noop-tf1.2.json",
  "empty-no-changes-tf1.13.json",
  "local-file-forget-tf1.13.json",
  "local-file-replace-sensitive-tf1.13.json",
  "null-outputs-sensitive-unknown-tf1.2.json",
  "null-replace-tainted-tf1.15.json",
] as const;

/** A fresh copy of the decoded fixture, so tests may edit it. */
export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(PLAN_FIXTURES_DIR, name), "utf8")) as Record<string, unknown>;
}
