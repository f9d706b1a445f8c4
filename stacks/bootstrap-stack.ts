/**
 * `bootstrap`: what every other stack needs before it can be deployed, created by this stack instead of by
 * hand. Deployed once by an administrator of the management (or a delegated-admin) account:
 *
 * - a service-managed StackSet, auto-deployed to the fleet's organizational units, whose template
 *   (stacks/bootstrap-template.ts) creates `fleet-provisioner` and `fleet-plan` in every account of those
 *   units: a new account that joins the unit gets them by itself, and an account that leaves loses them;
 * - in the central account: the Terraform state bucket (versioned, encrypted, TLS-only, no public access),
 *   `fleet-state-admin` (the role the central and tenant stacks' backends assume) and the central account's
 *   own `fleet-provisioner`, allowed what the central stack deploys.
 *
 * The per-environment state roles of the workload backends are created by the central stack, which changes
 * with the list of environments anyway: onboarding a tenant then never needs the management account.
 *
 * A stack cannot keep its state in the bucket it creates: this one keeps it locally
 * (`terraform.bootstrap.tfstate` at the repository root); docs/lifecycle.md says how to keep it.
 */
import { LocalBackend } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudformationStackSet } from "@cdktf/provider-aws/lib/cloudformation-stack-set";
import { CloudformationStackSetInstance } from "@cdktf/provider-aws/lib/cloudformation-stack-set-instance";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import type { FleetConfig } from "../core/config/schema";
import { FleetStack, REQUIRED_TERRAFORM } from "./base";
import { QUOTA_READ_ACTIONS, accountBaselineTemplate, templateBody } from "./bootstrap-template";
import { UnknownResourceTypeError } from "./errors";
import { type PolicyDocument, type PolicyStatement, policy, policyJson } from "./iam";
import { BOOTSTRAP_STACK_ID, CENTRAL_STACK_ID, tenantStackId } from "../core/stack-ids";
import { NAMES, arn, partitionOf, stateKey } from "./names";
import { grantsFor, unknownTypes } from "./provisioner-actions";
import { SecureBucket } from "./secure-bucket";

export interface BootstrapStackProps {
  readonly config: FleetConfig & { readonly bootstrap: NonNullable<FleetConfig["bootstrap"]> };
  /** Resource types the tenant stack synthesizes: what `fleet-provisioner` in a tenant account may deploy. */
  readonly tenantTypes: readonly string[];
  /** Resource types of the workload stack: `fleet-plan` reads them too (drift checks). */
  readonly workloadTypes: readonly string[];
  /** Resource types of the central stack: what the central account's `fleet-provisioner` may deploy. */
  readonly centralTypes: readonly string[];
}

/** Trust by account plus `aws:PrincipalArn` (see bootstrap-template.ts for why). */
function operatorTrust(principalArn: string): PolicyDocument {
  const [, partition = "aws", , , account = ""] = principalArn.split(":");
  return policy({ Effect: "Allow", Principal: { AWS: arn.accountRoot(partition, account) }, Action: "sts:AssumeRole", Condition: { ArnLike: { "aws:PrincipalArn": principalArn } } });
}

export class BootstrapStack extends FleetStack {
  /** The template the StackSet deploys (tests create it as a stack in the local AWS). */
  readonly baselineTemplate: string;

  constructor(scope: Construct, props: BootstrapStackProps) {
    super(scope, BOOTSTRAP_STACK_ID);
    const { config, tenantTypes, workloadTypes, centralTypes } = props;
    const b = config.bootstrap;
    const c = config.central;
    const p = partitionOf(c.region);
    const unknown = unknownTypes([...tenantTypes, ...workloadTypes, ...centralTypes]);
    if (unknown.length > 0) {
      throw new UnknownResourceTypeError(
        `the bootstrap roles cannot be derived: the stacks synthesize ${unknown.join(", ")}, which stacks/provisioner-actions.ts does not list; add the IAM actions each needs there`,
      );
    }

    // Relative to cdktf.out/stacks/bootstrap, where terraform runs: the repository root, which a new synth
    // does not wipe (cdktf's default would be an absolute path, different on every machine).
    new LocalBackend(this, { path: "../../../terraform.bootstrap.tfstate" });
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
    const tags = { ...config.defaults.tags, fleet: config.app.name, environment: "bootstrap", "managed-by": "cdktf-fleet" };
    // The administrator's own credentials in the management account: no role exists there to assume yet.
    const management = new AwsProvider(this, "aws", { region: c.region, allowedAccountIds: [b.accountId], defaultTags: [{ tags }] });
    const central = new AwsProvider(this, "aws-central", {
      alias: "central",
      region: c.region,
      allowedAccountIds: [c.accountId],
      ...(c.accountId === b.accountId ? {} : { assumeRole: [{ roleArn: arn.role(p, c.accountId, b.centralAccessRoleName), sessionName: "fleet-bootstrap" }] }),
      defaultTags: [{ tags }],
    });

    this.baselineTemplate = this.stackSet(props, management);
    this.centralBaseline(props, central);
  }

  /** The StackSet: the per-account roles in every account of the fleet's organizational units. */
  private stackSet(props: BootstrapStackProps, management: AwsProvider): string {
    const { config, tenantTypes, workloadTypes } = props;
    const b = config.bootstrap;
    const c = config.central;
    const p = partitionOf(c.region);
    const template = templateBody(
      accountBaselineTemplate({
        deployTypes: tenantTypes,
        readTypes: [...tenantTypes, ...workloadTypes],
        operatorPrincipalArn: b.operatorPrincipalArn,
        centralAccountId: c.accountId,
        centralPartition: p,
        app: config.app.name,
      }),
    );
    const stackSet = new CloudformationStackSet(this, "baseline", {
      provider: management,
      name: NAMES.baselineStackSet,
      description: `Roles every account of ${config.app.name}'s fleet needs (fleet-provisioner, fleet-plan)`,
      permissionModel: "SERVICE_MANAGED",
      // An account joining the unit gets the roles; one leaving loses them (nothing lingers with access).
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: b.callAs,
      capabilities: ["CAPABILITY_NAMED_IAM"],
      templateBody: template,
      // One failing account must not stop the other 999: tolerate a tenth, deploy to a quarter at a time.
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25 },
      // The API fills in the administration role of a service-managed StackSet; without this every plan shows a change.
      lifecycle: { ignoreChanges: ["administration_role_arn"] },
    });
    new CloudformationStackSetInstance(this, "baseline-instances", {
      provider: management,
      stackSetName: stackSet.name,
      callAs: b.callAs,
      // IAM is global: one region per account is enough.
      stackSetInstanceRegion: c.region,
      deploymentTargets: { organizationalUnitIds: [...b.organizationalUnitIds] },
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25 },
    });

    return template;
  }

  /** In the central account: the state bucket and the roles that must exist before any other stack. */
  private centralBaseline(props: BootstrapStackProps, central: AwsProvider): void {
    const { config, centralTypes } = props;
    const b = config.bootstrap;
    const c = config.central;
    const p = partitionOf(c.region);
    const state = new SecureBucket(this, "state-bucket", { name: c.stateBucket, provider: central });
    new S3BucketPolicy(this, "state-bucket-policy", {
      provider: central,
      bucket: state.bucket.id,
      policy: policyJson(
        policy({
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn.bucket(p, c.stateBucket), arn.objects(p, c.stateBucket, "*")],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      ),
      dependsOn: [state.publicAccessBlock],
    });

    const operator = operatorTrust(b.operatorPrincipalArn);
    const role = (id: string, name: string, description: string, trust: PolicyDocument, policyName: string, doc: PolicyDocument) => {
      const r = new IamRole(this, `${id}-role`, { provider: central, name, description, assumeRolePolicy: policyJson(trust) });
      new IamRolePolicy(this, `${id}-policy`, { provider: central, name: policyName, role: r.name, policy: policyJson(doc) });
    };
    const centralScope = { partition: p, account: c.accountId, region: c.region, buckets: [c.artifactBucket], prefixes: ["fleet-"] };
    const statements = (write: boolean): PolicyStatement[] =>
      grantsFor(centralTypes, centralScope, { write }).map((g) => ({ Sid: g.sid, Effect: "Allow", Action: g.actions, Resource: g.resources }));

    role("state-admin", NAMES.stateAdminRole, "Assumed by the S3 backends of the central and tenant stacks", operator, "plumbing-state", stateAdminPolicy(config));
    const deploys = "Deploys the fleet's central stack (cdktf deploy); allowed only what that stack creates";
    role("central-provisioner", NAMES.provisionerRole, deploys, operator, "deploy-central-stack", policy(...statements(true)));
    // Plan review and the doctor (read only). The central account is not in the bootstrap units (its
    // provisioner differs), so its fleet-plan is here.
    const assumePlan = policy({ Sid: "AssumePlanRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: arn.role(p, "*", NAMES.planRole) });
    role("plan-review", NAMES.planReviewRole, "Plan review and fleet doctor: assumes fleet-plan (read only) in every account", operator, "assume-fleet-plan", assumePlan);
    const reads = policy(...statements(false), { Sid: "Quotas", Effect: "Allow", Action: [...QUOTA_READ_ACTIONS], Resource: "*" });
    const reviewTrust = operatorTrust(arn.role(p, c.accountId, NAMES.planReviewRole));
    role("central-plan", NAMES.planRole, "Reads the central stack's resources for plan review, drift checks and fleet doctor; changes nothing", reviewTrust, "read-central-resources", reads);
  }
}

/** State of the central and every tenant stack (keys `central/…`, `tenant-<env>/…`) and their lock files. */
export function stateAdminPolicy(config: FleetConfig): PolicyDocument {
  const p = partitionOf(config.central.region);
  const bucket = config.central.stateBucket;
  const keys = [stateKey(CENTRAL_STACK_ID), stateKey(tenantStackId("*"))];
  return policy(
    { Sid: "State", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: keys.map((k) => arn.objects(p, bucket, k)) },
    { Sid: "Lock", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: keys.map((k) => arn.objects(p, bucket, `${k}.tflock`)) },
    { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: arn.bucket(p, bucket), Condition: { StringLike: { "s3:prefix": [`${CENTRAL_STACK_ID}/*`, tenantStackId("*")] } } },
  );
}
