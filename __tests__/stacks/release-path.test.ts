/**
 * Only the release path may release: the uploader role trusts OIDC tokens of the configured Bitbucket
 * deployment environments only (a pull-request step's token is refused), and review steps get a role of
 * their own that reads artifacts and status records and can write nothing.
 */
import { globMatch, parsePolicy, policyAllows } from "./policy-eval";
import { resources, sampleFleet, synthFleet, type SynthesizedFleet } from "./fixture";

const ISSUER = "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc";
const REPO = "{0f6e2a9c-1b77-4c3e-9d11-5b1c2f0e7a1d}";
const RELEASE_ENV = "{3c9a7e21-5d4b-4f6a-8b2c-1e0d9f8a7b6c}";
const OTHER_ENV = "{11111111-2222-4333-8444-555555555555}";
const STEP = "{9d8c7b6a-5f4e-4d3c-8b2a-190817263544}";

/** Does the trust policy's `sub` condition accept a token with this subject? */
function subAccepted(trust: unknown, sub: string): boolean {
  const doc = parsePolicy(trust);
  return doc.Statement.some((s) => {
    const like = (s.Condition?.StringLike ?? {})[`${ISSUER}:sub`];
    const patterns = like === undefined ? [] : typeof like === "string" ? [like] : like;
    return patterns.some((p) => globMatch(p, sub));
  });
}

describe("Stack: central, who may release", () => {
  let fleet: SynthesizedFleet;
  let roles: Record<string, { name: string; assume_role_policy: unknown }>;
  let policies: Record<string, { name: string; role: string; policy: unknown }>;
  beforeAll(() => {
    fleet = synthFleet(sampleFleet());
    roles = resources(fleet.stacks.get("central"), "aws_iam_role") as typeof roles;
    policies = resources(fleet.stacks.get("central"), "aws_iam_role_policy") as typeof policies;
  });
  const role = (name: string) => Object.values(roles).find((r) => r.name === name)!;

  it("lets a step of a configured deployment environment assume the uploader, and refuses a pull-request step or another environment", () => {
    const trust = role("fleet-uploader").assume_role_policy;
    expect(subAccepted(trust, `${REPO}:${RELEASE_ENV}:${STEP}`)).toBe(true);
    // A step outside any deployment environment (a pull-request pipeline, a branch build): `{repo}:{step}`.
    expect(subAccepted(trust, `${REPO}:${STEP}`)).toBe(false);
    expect(subAccepted(trust, `${REPO}:${OTHER_ENV}:${STEP}`)).toBe(false);
    expect(subAccepted(trust, `{aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee}:${RELEASE_ENV}:${STEP}`)).toBe(false);
  });

  it("gives review steps a role that reads artifacts and status and cannot put anything", () => {
    const reviewer = role("fleet-reviewer");
    expect(subAccepted(reviewer.assume_role_policy, `${REPO}:${STEP}`)).toBe(true);
    const doc = parsePolicy(Object.values(policies).find((p) => String(p.role).includes("reviewer-role"))!.policy);
    const principal = { arn: "arn:aws:iam::210987654321:role/fleet-reviewer", account: "210987654321", tags: {} };
    const bucket = "arn:aws:s3:::acme-fleet-artifacts";
    const can = (action: string, key: string) => policyAllows(doc, { principal, action, resource: `${bucket}/${key}` }) !== undefined;
    expect(can("s3:GetObject", "artifacts/payments-api/1.0.0/manifest.json")).toBe(true);
    expect(can("s3:GetObject", "status/alpha/payments-api/20260101T000000Z-0123abcd.json")).toBe(true);
    for (const key of ["artifacts/payments-api/1.0.0/x.zip", "releases/alpha/payments-api/1.0.0/r.json", "status/alpha/x.json"]) {
      expect(can("s3:PutObject", key)).toBe(false);
      expect(can("s3:DeleteObject", key)).toBe(false);
    }
    expect(can("s3:GetObject", "releases/alpha/payments-api/1.0.0/r.json")).toBe(false);
  });

  it("lets the uploader read the bucket's versioning, which publish checks", () => {
    const doc = parsePolicy(Object.values(policies).find((p) => String(p.role).includes("uploader-role") && p.name === "publish")!.policy);
    const principal = { arn: "arn:aws:iam::210987654321:role/fleet-uploader", account: "210987654321", tags: {} };
    expect(policyAllows(doc, { principal, action: "s3:GetBucketVersioning", resource: "arn:aws:s3:::acme-fleet-artifacts" })).toBeDefined();
  });
});
