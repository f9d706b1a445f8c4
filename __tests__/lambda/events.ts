/**
 * The S3 "Object Created" fixtures of __tests__/fixtures/events/, read once and handed out as deep copies
 * (structuredClone) so that a test that edits its event cannot leak into another.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TrackerConfig } from "../../lambdas/assets_tracker/config";

export const FIXTURES = ["put-object", "complete-multipart-upload", "moto-put-object", "put-object-plain-key"] as const;
export type FixtureName = (typeof FIXTURES)[number];

/** Loose on purpose: tests reach into the fixture to break one field at a time. */
export interface S3EventFixture {
  [field: string]: unknown;
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  detail: {
    [field: string]: unknown;
    bucket: { name: string };
    object: { [field: string]: unknown; key: string; size: number; "version-id"?: string | null };
  };
}

const cache = new Map<FixtureName, S3EventFixture>();

export function fixturePath(name: FixtureName): string {
  return join(__dirname, "..", "fixtures", "events", `${name}.json`);
}

export function loadEvent(name: FixtureName): S3EventFixture {
  let event = cache.get(name);
  if (!event) {
    event = JSON.parse(readFileSync(fixturePath(name), "utf8")) as S3EventFixture;
    cache.set(name, event);
  }
  return structuredClone(event);
}

/** The alpha environment of environments/ (fleet.yaml: central 210987654321, bucket acme-fleet-artifacts). */
export const ALPHA: TrackerConfig = {
  environment: "alpha",
  artifactBucket: "acme-fleet-artifacts",
  centralAccountId: "210987654321",
  codeBuildProject: "fleet-deploy-alpha",
  appName: "payments-api",
};

export const ALPHA_ENV: Record<string, string> = {
  FLEET_ENVIRONMENT: ALPHA.environment,
  FLEET_ARTIFACT_BUCKET: ALPHA.artifactBucket,
  FLEET_CENTRAL_ACCOUNT_ID: ALPHA.centralAccountId,
  FLEET_CODEBUILD_PROJECT: ALPHA.codeBuildProject,
  FLEET_APP_NAME: ALPHA.appName,
};
