/**
 * What `cdktf output central` prints after a deploy: everything a pipe user and an operator need from the
 * central account, named for where it goes (the pipe variable in each description).
 */
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { type EnvFacts, forwardDlqName } from "./names";

export interface CentralOutputFacts {
  readonly uploaderRoleArn: string;
  readonly reviewerRoleArn: string;
  readonly oidcProviderArn: string;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly region: string;
  readonly envs: readonly EnvFacts[];
}

export function addCentralOutputs(scope: Construct, f: CentralOutputFacts): void {
  new TerraformOutput(scope, "uploader_role_arn", { value: f.uploaderRoleArn, description: "The role the pipe assumes with Bitbucket OIDC in a release (deployment) step: the pipe's AWS_OIDC_ROLE_ARN" });
  new TerraformOutput(scope, "reviewer_role_arn", { value: f.reviewerRoleArn, description: "The read-only role of pull-request (review) steps: their AWS_OIDC_ROLE_ARN" });
  new TerraformOutput(scope, "artifact_bucket_name", { value: f.bucketName, description: "The central artifact bucket: the pipe's S3_BUCKET (and central.artifactBucket of fleet.yaml)" });
  new TerraformOutput(scope, "artifact_bucket_arn", { value: f.bucketArn, description: "ARN of the central artifact bucket" });
  new TerraformOutput(scope, "region", { value: f.region, description: "Region of the artifact bucket: the pipe's AWS_REGION" });
  new TerraformOutput(scope, "bitbucket_oidc_provider_arn", { value: f.oidcProviderArn, description: "The IAM OIDC identity provider trusted for the Bitbucket workspace" });
  const byEnv = (value: (e: EnvFacts) => string) => Object.fromEntries(f.envs.map((e) => [e.name, value(e)]));
  new TerraformOutput(scope, "tenant_inbound_bus_arns", { value: byEnv((e) => e.busArn), description: "Per environment: the tenant's event bus that receives its releases" });
  new TerraformOutput(scope, "forward_dlq_names", { value: byEnv((e) => forwardDlqName(e.name)), description: "Per environment: the central queue that keeps releases EventBridge could not deliver" });
}
