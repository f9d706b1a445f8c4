/**
 * The pipe's role may make the status page after a release (list and read status records, write the one
 * page) and nothing more under status/: it can never write or forge a tenant's status record.
 */
import { STATUS_PAGE_KEY } from "../../core/keys";
import { uploaderPolicy } from "../../stacks/central-policies";
import { sampleFleet } from "./fixture";
import { policyAllows } from "./policy-eval";

describe("uploader policy: the status page", () => {
  const fleet = sampleFleet();
  const doc = uploaderPolicy(fleet);
  const bucket = `arn:aws:s3:::${fleet.central.artifactBucket}`;
  const principal = { arn: `arn:aws:sts::${fleet.central.accountId}:assumed-role/fleet-uploader/bitbucket-payments-9`, account: fleet.central.accountId, tags: {} };
  const allows = (action: string, resource: string, context?: Record<string, string>) => policyAllows(doc, { principal, action, resource, ...(context ? { context } : {}) }) !== undefined;

  it("lists status/, reads a record and writes status/index.html", () => {
    expect(allows("s3:ListBucket", bucket, { "s3:prefix": "status/" })).toBe(true);
    expect(allows("s3:GetObject", `${bucket}/status/alpha/payments-api/20261130T100000Z-00000001.json`)).toBe(true);
    expect(allows("s3:PutObject", `${bucket}/${STATUS_PAGE_KEY}`)).toBe(true);
  });

  it("cannot write a status record or anything else under status/", () => {
    expect(allows("s3:PutObject", `${bucket}/status/alpha/payments-api/20261130T100000Z-00000001.json`)).toBe(false);
    expect(allows("s3:PutObject", `${bucket}/status/index.html.json`)).toBe(false);
    expect(allows("s3:DeleteObject", `${bucket}/${STATUS_PAGE_KEY}`)).toBe(false);
  });
});
