/** The `bootstrap` stack: its StackSet, the state bucket, the roles the backends assume, and its settings in fleet.yaml. */
import { parseFleet } from "../../core/config/parse";
import { formatIssue } from "../../core/errors";
import { TYPE_ACTIONS, grantsFor, unknownTypes } from "../../stacks/provisioner-actions";
import { FLEET_YAML, validFleet } from "../config/fixtures";
import { resources, single } from "../stacks/fixture";
import { MANAGEMENT_ACCOUNT, OPERATOR_ARN, bootstrapFleet, synthBootstrap } from "./bootstrap-fixture";

type Statement = { Sid?: string; Action: string[]; Resource: (string | { "Fn::Sub": string })[] };
type Template = { Resources: Record<string, { Properties: { RoleName: string; AssumeRolePolicyDocument: { Statement: { Principal: unknown; Condition: unknown }[] }; Policies: { PolicyDocument: { Statement: Statement[] } }[] } }> };

describe("BootstrapStack", () => {
  const fleet = synthBootstrap(bootstrapFleet(30));
  const stack = fleet.stacks.get("bootstrap")!;
  const template = JSON.parse(fleet.template) as Template;
  const role = (name: string) => Object.values(template.Resources).find((r) => r.Properties.RoleName === name)!.Properties;

  it("declares a service-managed StackSet that deploys by itself to the configured units", () => {
    // Assess
    expect(single(stack, "aws_cloudformation_stack_set")).toMatchObject({
      name: "fleet-account-baseline",
      permission_model: "SERVICE_MANAGED",
      auto_deployment: { enabled: true, retain_stacks_on_account_removal: false },
      call_as: "DELEGATED_ADMIN",
      capabilities: ["CAPABILITY_NAMED_IAM"],
      template_body: fleet.template,
    });
    expect(single(stack, "aws_cloudformation_stack_set_instance")).toMatchObject({
      call_as: "DELEGATED_ADMIN",
      deployment_targets: { organizational_unit_ids: ["ou-ab12-cdef3456", "ou-ab12-9876zyxw"] },
      stack_set_instance_region: "eu-west-1",
    });
  });

  it("runs in the management account and reaches the central account through the configured role", () => {
    // Assess
    const providers = stack.provider.aws;
    expect(providers[0]).toMatchObject({ allowed_account_ids: [MANAGEMENT_ACCOUNT] });
    expect(providers[1]).toMatchObject({
      alias: "central",
      allowed_account_ids: ["210987654321"],
      assume_role: [{ role_arn: "arn:aws:iam::210987654321:role/OrganizationAccountAccessRole" }],
    });
  });

  it("creates the state bucket versioned, encrypted, TLS-only and closed to the public", () => {
    // Assess
    expect(single(stack, "aws_s3_bucket")).toMatchObject({ bucket: "acme-fleet-tfstate", provider: "aws.central" });
    expect(single(stack, "aws_s3_bucket_versioning")).toMatchObject({ versioning_configuration: { status: "Enabled" } });
    expect(single(stack, "aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] });
    expect(single(stack, "aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const policy = JSON.parse(single(stack, "aws_s3_bucket_policy").policy as string) as { Statement: { Effect: string; Condition: unknown }[] };
    expect(policy.Statement).toEqual([expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
  });

  it("creates the role every central and tenant backend assumes, and every workload backend's role exists in central", () => {
    // Prepare
    const created = new Set(Object.values(resources(stack, "aws_iam_role")).map((r) => `arn:aws:iam::210987654321:role/${String(r.name)}`));
    for (const r of Object.values(resources(fleet.stacks.get("central"), "aws_iam_role"))) created.add(`arn:aws:iam::210987654321:role/${String(r.name)}`);

    // Act
    const assumed = [...fleet.stacks].filter(([id]) => id !== "bootstrap").map(([id, s]) => [id, (s.terraform.backend.s3.assume_role as { role_arn: string }).role_arn] as const);

    // Assess
    expect(assumed).toHaveLength(1 + 30 * 2);
    expect(assumed.filter(([, arn]) => !created.has(arn))).toEqual([]);
  });

  it("lets fleet-provisioner deploy exactly the resource types the tenant stack synthesizes, on fleet-owned names only", () => {
    // Prepare
    const tenantTypes = Object.keys(fleet.stacks.get("tenant-t0000")!.resource).sort();
    const statements = role("fleet-provisioner").Policies.at(0)!.PolicyDocument.Statement;

    // Act
    const granted = new Set(statements.flatMap((s) => s.Action));
    const expected = new Set(tenantTypes.flatMap((t) => Object.entries(TYPE_ACTIONS).filter(([type]) => type === t).flatMap(([, a]) => [...a.read, ...a.write, ...(a.list ?? [])])));

    // Assess
    expect([...granted].sort()).toEqual([...expected].sort());
    expect(granted.has("cloudformation:CreateStack")).toBe(false);
    const listOnly = statements.filter((s) => s.Sid === "ListOnly");
    expect(listOnly.flatMap((s) => s.Action).filter((a) => !/:(Describe|List)/.test(a))).toEqual([]);
    const scoped = statements.filter((s) => s.Sid !== "ListOnly").flatMap((s) => s.Resource.map((r) => (typeof r === "string" ? r : r["Fn::Sub"])));
    expect(scoped.filter((r) => !/\$\{AWS::AccountId\}.*fleet|fleet-deployer-\$\{AWS::AccountId\}/.test(r))).toEqual([]);
  });

  it("gives fleet-plan only reading actions, and trusts only the central review role", () => {
    // Prepare
    const plan = role("fleet-plan");
    const actions = plan.Policies.at(0)!.PolicyDocument.Statement.flatMap((s) => s.Action);

    // Assess
    expect(actions.filter((a) => !/:(Get|List|Describe|BatchGet)/.test(a))).toEqual([]);
    expect(plan.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::210987654321:role/fleet-plan-review" } } }),
    ]);
    expect(role("fleet-provisioner").AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({ Condition: { ArnLike: { "aws:PrincipalArn": OPERATOR_ARN } } })]);
  });

  it("names a resource type whose permissions nobody has written down yet", () => {
    // Act
    const unknown = unknownTypes(["aws_sqs_queue", "aws_dynamodb_table", "aws_sqs_queue"]);

    // Assess
    expect(unknown).toEqual(["aws_dynamodb_table"]);
    expect(grantsFor(["aws_dynamodb_table"], { partition: "aws", account: "1", region: "*", buckets: [], prefixes: ["fleet-"] }, { write: true })).toEqual([]);
  });
});

describe("fleet.yaml bootstrap settings", () => {
  it("reports each bad value with file, line and column, all in one run", () => {
    // Prepare
    const text = `${FLEET_YAML}bootstrap:\n  accountId: "999988887777"\n  organizationalUnitIds: [ou-bad]\n  operatorPrincipalArn: admins\n  callAs: ROOT\n`;
    const files = Object.entries({ ...validFleet(), "environments/fleet.yaml": text }).map(([path, t]) => ({ path, text: t }));

    // Act
    const lines = parseFleet(files, { dir: "environments" }).issues.map(formatIssue);

    // Assess
    expect(lines).toEqual([
      expect.stringMatching(/^environments\/fleet\.yaml:22:27: bootstrap\.organizationalUnitIds\[0\]: .*OU id such as ou-ab12-cdef3456.*found the text "ou-bad"/),
      expect.stringMatching(/^environments\/fleet\.yaml:23:25: bootstrap\.operatorPrincipalArn: an IAM principal ARN.*found the text "admins"/),
      expect.stringMatching(/^environments\/fleet\.yaml:24:11: bootstrap\.callAs: found the text "ROOT"; allowed: SELF, DELEGATED_ADMIN/),
    ]);
  });

  it("is optional, and when present reaches the config with its defaults", () => {
    // Prepare
    const text = `${FLEET_YAML}bootstrap:\n  accountId: "999988887777"\n  organizationalUnitIds: [ou-ab12-cdef3456]\n  operatorPrincipalArn: ${OPERATOR_ARN}\n`;
    const files = Object.entries({ ...validFleet(), "environments/fleet.yaml": text }).map(([path, t]) => ({ path, text: t }));

    // Act
    const { config, issues } = parseFleet(files, { dir: "environments" });

    // Assess
    expect(issues).toEqual([]);
    expect(config?.bootstrap).toEqual({ accountId: "999988887777", organizationalUnitIds: ["ou-ab12-cdef3456"], operatorPrincipalArn: OPERATOR_ARN, callAs: "SELF", centralAccessRoleName: "OrganizationAccountAccessRole" });
  });
});
