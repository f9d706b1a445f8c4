/**
 * The bootstrap StackSet's template is deployable: created as a CloudFormation stack in every account of a
 * generated 30-tenant fleet on the local AWS, it creates `fleet-provisioner` and `fleet-plan`, and both can
 * be assumed. The StackSet itself (service-managed, auto-deployment) is accepted with the same template.
 */
import { CloudFormationClient, CreateStackCommand, CreateStackSetCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { NAMES } from "../../stacks/names";
import { type Moto, describeWithMoto, startMoto } from "../helpers/moto";
import { bootstrapFleet, synthBootstrap } from "./bootstrap-fixture";

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

describeWithMoto("Bootstrap template on the local AWS", () => {
  let moto: Moto;
  const fleet = synthBootstrap(bootstrapFleet(30));
  const region = "eu-west-1";

  beforeAll(async () => {
    moto = await startMoto({ region });
  }, 60_000);
  afterAll(async () => moto?.stop());

  const sts = (credentials?: Credentials) =>
    new STSClient({ endpoint: moto.endpoint, region, credentials: credentials ?? { accessKeyId: "testing", secretAccessKey: "testing" } });

  async function assume(roleArn: string, from?: Credentials): Promise<Credentials> {
    const res = await sts(from).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "bootstrap-test" }));
    const c = res.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error(`no credentials for ${roleArn}`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  }

  it("creates both roles in every tenant account, and each can be assumed", async () => {
    // Prepare: what a StackSet instance does in each account of the unit, done per account here.
    const accounts = fleet.config.environments.map((e) => e.accountId);
    expect(accounts).toHaveLength(30);

    // Act
    const outcomes = await Promise.all(
      accounts.map(async (account) => {
        const admin = await assume(`arn:aws:iam::${account}:role/stackset-execution`);
        const cfn = new CloudFormationClient({ endpoint: moto.endpoint, region, credentials: admin });
        await cfn.send(new CreateStackCommand({ StackName: "fleet-account-baseline", TemplateBody: fleet.template, Capabilities: ["CAPABILITY_NAMED_IAM"] }));
        const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "fleet-account-baseline" }))).Stacks?.[0];
        const iam = new IAMClient({ endpoint: moto.endpoint, region, credentials: admin });
        const roles = await Promise.all([NAMES.provisionerRole, NAMES.planRole].map(async (name) => (await iam.send(new GetRoleCommand({ RoleName: name }))).Role?.Arn));
        const identities = await Promise.all(
          roles.map(async (roleArn) => (await sts(await assume(roleArn ?? "", admin)).send(new GetCallerIdentityCommand({}))).Arn),
        );
        for (const c of [cfn, iam]) c.destroy();
        return { account, status: stack?.StackStatus, roles, identities, outputs: (stack?.Outputs ?? []).map((o) => o.OutputKey).sort() };
      }),
    );

    // Assess
    for (const o of outcomes) {
      expect(o).toEqual({
        account: o.account,
        status: "CREATE_COMPLETE",
        roles: [`arn:aws:iam::${o.account}:role/fleet-provisioner`, `arn:aws:iam::${o.account}:role/fleet-plan`],
        identities: [
          `arn:aws:sts::${o.account}:assumed-role/fleet-provisioner/bootstrap-test`,
          `arn:aws:sts::${o.account}:assumed-role/fleet-plan/bootstrap-test`,
        ],
        outputs: ["PlanRoleArn", "ProvisionerRoleArn"],
      });
    }
  }, 120_000);

  it("is accepted as a service-managed StackSet with auto-deployment", async () => {
    // Prepare
    const admin = await assume("arn:aws:iam::999988887777:role/stackset-admin");
    const cfn = new CloudFormationClient({ endpoint: moto.endpoint, region, credentials: admin });

    // Act
    const res = await cfn.send(
      new CreateStackSetCommand({
        StackSetName: NAMES.baselineStackSet,
        TemplateBody: fleet.template,
        PermissionModel: "SERVICE_MANAGED",
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        Capabilities: ["CAPABILITY_NAMED_IAM"],
      }),
    );
    cfn.destroy();

    // Assess
    expect(res.StackSetId).toMatch(/^fleet-account-baseline:/);
  });
});
