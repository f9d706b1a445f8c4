/**
 * `cdktf output central` gives a pipe user what the pipe needs (role ARN, bucket, region) and an operator
 * the per-environment buses and dead-letter queues, each pointing at the resource the stack creates.
 */
import { sampleFleet, synthFleet } from "./fixture";

interface Output {
  value: unknown;
  description: string;
}

describe("Stack: central outputs", () => {
  const config = sampleFleet();
  const central = synthFleet(config).stacks.get("central") as { output?: Record<string, Output> } | undefined;
  const outputs = central?.output ?? {};

  it("names the uploader and reviewer roles, the artifact bucket and its region, from the resources themselves", () => {
    expect(outputs.uploader_role_arn?.value).toBe("${aws_iam_role.uploader-role.arn}");
    expect(outputs.uploader_role_arn?.description).toContain("AWS_OIDC_ROLE_ARN");
    expect(outputs.reviewer_role_arn?.value).toBe("${aws_iam_role.reviewer-role.arn}");
    expect(outputs.artifact_bucket_name?.value).toMatch(/^\$\{aws_s3_bucket\.artifacts.*\.bucket\}$/);
    expect(outputs.artifact_bucket_name?.description).toContain("S3_BUCKET");
    expect(outputs.artifact_bucket_arn?.value).toMatch(/^\$\{aws_s3_bucket\.artifacts.*\.arn\}$/);
    expect(outputs.region?.value).toBe(config.central.region);
    expect(outputs.bitbucket_oidc_provider_arn?.value).toBe("${aws_iam_openid_connect_provider.bitbucket-oidc.arn}");
  });

  it("maps every environment to its inbound bus ARN and its forwarding dead-letter queue", () => {
    const names = config.environments.map((e) => e.name).sort();
    const buses = outputs.tenant_inbound_bus_arns?.value as Record<string, string>;
    expect(Object.keys(buses).sort()).toEqual(names);
    for (const e of config.environments) expect(buses[e.name]).toBe(`arn:aws:events:${e.region}:${e.accountId}:event-bus/fleet-inbound`);
    const dlqs = outputs.forward_dlq_names?.value as Record<string, string>;
    for (const e of config.environments) expect(dlqs[e.name]).toBe(`fleet-forward-dlq-${e.name}`);
    // The queues exist under those names in the same stack.
    const queues = Object.values((central as { resource?: Record<string, Record<string, { name?: string }>> }).resource?.aws_sqs_queue ?? {}).map((q) => q.name);
    expect(queues).toEqual(expect.arrayContaining(Object.values(dlqs)));
  });
});
