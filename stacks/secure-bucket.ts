/** A private S3 bucket with the settings every fleet bucket shares. */
import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";

export interface SecureBucketProps {
  readonly name: string;
  /** Days a replaced or deleted object version is kept. @default 90 */
  readonly noncurrentDays?: number;
  /**
   * Versioning (and the lifecycle that expires old versions). Off for buckets whose keys are content-addressed
   * and never rewritten. @default true
   */
  readonly versioned?: boolean;
  /** Provider of the bucket's account, when the stack has more than one. @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The last of the bucket's settings: depend on it before relying on them. */
  readonly publicAccessBlock: S3BucketPublicAccessBlock;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const provider = props.provider ? { provider: props.provider } : {};
    this.bucket = new S3Bucket(this, "bucket", { ...provider, bucket: props.name });
    const versioned = props.versioned ?? true;
    // Versioning: every object version stays addressable by its version-id (the deployer reads by version-id).
    if (versioned) new S3BucketVersioningA(this, "versioning", { ...provider, bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } });
    // SSE-S3, not SSE-KMS: cross-account readers (one deployer role per tenant, 30 to 1,000 of them) then need
    // no KMS grant. SSE-KMS would need a customer managed key whose key policy names every tenant role (the AWS
    // managed aws/s3 key cannot be shared at all) and kms:Decrypt in every tenant policy; the bucket key
    // setting only matters for SSE-KMS, so it is not set.
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", { ...provider,
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", { ...provider,
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    // ACLs off: the bucket owner owns every object, access is by policy only.
    new S3BucketOwnershipControls(this, "ownership", { ...provider, bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    if (!versioned) return;
    new S3BucketLifecycleConfiguration(this, "lifecycle", { ...provider,
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-noncurrent-and-abort-incomplete-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentDays ?? 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
  }
}
