/**
 * The sample fleet provisioned on the local AWS as `fleet local` provisions it (the chain's own provisioning
 * from the synthesized stacks), plus what that provisioning stands in for and the doctor looks at: IAM roles
 * (the stacks' and the bootstrap ones), the tracker function's configuration with the tenant rule targeting
 * it (the chain targets a stand-in queue instead, since moto cannot run it) and the CodeBuild projects (the
 * chain serves them from its own CodeBuild server). Service Quotas is the local stand-in server.
 * No release is published here: moto swallows an S3 → EventBridge delivery to a Lambda target it cannot run,
 * which is why the chain itself never targets the function in moto.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodeBuildClient, CreateProjectCommand } from "@aws-sdk/client-codebuild";
import { PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentials } from "../../cli/local/moto";
import { applyPlan, localClients, planProvisioning, type Clients } from "../../cli/local/provision";
import { type ServiceQuotasServer, startServiceQuotasServer } from "../../cli/local/service-quotas-server";
import { synthesizeFleet } from "../../cli/local/synth";
import { listResources, readStack, type Placement, type TfResource } from "../../cli/local/terraform-json";
import { Resolver } from "../../cli/local/terraform-resolver";
import { zipSync } from "../../stacks/zip";
import type { FleetConfig } from "../../core/config/schema";
import { NAMES } from "../../stacks/names";
import { type Moto, startMoto } from "../helpers/moto";

export interface DoctorWorld {
  readonly config: FleetConfig;
  readonly moto: Moto;
  readonly quotas: ServiceQuotasServer;
  readonly clients: Clients;
  /** Environment for `fleet doctor` (the caller's credentials, endpoints of the local AWS and quota server). */
  readonly env: Record<string, string>;
  credentialsFor(account: string): Promise<AwsCredentials>;
  stop(): Promise<void>;
}

const REGION = "eu-west-1";

export async function startDoctorWorld(dir: string): Promise<DoctorWorld> {
  const moto = await startMoto({ region: REGION });
  const out = mkdtempSync(join(tmpdir(), "fleet-doctor-"));
  const cache = new Map<string, Promise<AwsCredentials>>();
  const sts = new STSClient({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  const credentialsFor = (account: string) => {
    let c = cache.get(account);
    if (!c) {
      c = sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/admin`, RoleSessionName: "world" })).then((r) => ({
        accessKeyId: r.Credentials?.AccessKeyId ?? "",
        secretAccessKey: r.Credentials?.SecretAccessKey ?? "",
        sessionToken: r.Credentials?.SessionToken ?? "",
      }));
      cache.set(account, c);
    }
    return c;
  };
  // moto does not check signatures: asking its STS who owns a key needs only the key.
  const accountOfAccessKey = async (accessKeyId: string) => {
    const who = new STSClient({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId, secretAccessKey: "unused" } });
    try {
      return (await who.send(new GetCallerIdentityCommand({}))).Account;
    } finally {
      who.destroy();
    }
  };
  const quotas = await startServiceQuotasServer({ accountOfAccessKey });
  const clients = localClients(moto.endpoint, credentialsFor);
  try {
    const synth = synthesizeFleet(dir, out);
    const plan = planProvisioning(synth.plumbing);
    await applyPlan(plan, clients);
    const stacks = synth.plumbing.map((s) => readStack(s.id, s.file));
    const all = stacks.flatMap((s) => {
      const resources = listResources(s);
      const resolver = new Resolver(s, resources);
      return resources.map((r) => ({ r, config: resolver.config(r) }));
    });
    const accounts = [...new Map(all.map(({ r }) => [r.placement.account, r.placement])).values()];
    await Promise.all(accounts.map((p) => createRoles(moto.endpoint, p, credentialsFor, all.filter(({ r }) => r.placement.account === p.account && r.type === "aws_iam_role"), synth.config)));
    // The tenants' trackers (what doctor checks); the central rollout controller is not among its checks.
    const trackers = all.filter(({ r, config }) => r.type === "aws_lambda_function" && config.function_name === NAMES.trackerFunction);
    await Promise.all(trackers.map(({ r, config }) => createFunction(moto.endpoint, r, config, credentialsFor, clients, all)));
    await Promise.all(all.filter(({ r }) => r.type === "aws_codebuild_project").map(({ r, config }) => createProject(moto.endpoint, r, config, credentialsFor)));
    return {
      config: synth.config,
      moto,
      quotas,
      clients,
      env: { ...moto.env, AWS_ENDPOINT_URL_SERVICE_QUOTAS: quotas.endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      credentialsFor,
      async stop() {
        clients.destroy();
        sts.destroy();
        await quotas.close();
        await moto.stop();
        rmSync(out, { recursive: true, force: true });
      },
    };
  } catch (err) {
    clients.destroy();
    await quotas.close();
    await moto.stop();
    throw err;
  }
}

type Resolved = { r: TfResource; config: Record<string, unknown> };

/** A nested block of Terraform JSON: an object, or a list of one. */
function block<T>(v: unknown): T | undefined {
  return (Array.isArray(v) ? v[0] : v) as T | undefined;
}

async function createRoles(endpoint: string, p: Placement, creds: (a: string) => Promise<AwsCredentials>, roles: Resolved[], config: FleetConfig): Promise<void> {
  const iam = new IAMClient({ endpoint, region: p.region, credentials: await creds(p.account) });
  // The bootstrap roles (StackSet in tenant accounts, the bootstrap stack in central), then the stacks' own.
  const names = [NAMES.provisionerRole, NAMES.planRole, ...(p.account === config.central.accountId ? [NAMES.stateAdminRole, NAMES.planReviewRole] : []), ...roles.map(({ config: c }) => String(c.name))];
  for (const name of names) await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }));
  iam.destroy();
}

async function createFunction(endpoint: string, r: TfResource, config: Record<string, unknown>, creds: (a: string) => Promise<AwsCredentials>, clients: Clients, all: Resolved[]): Promise<void> {
  const credentials = await creds(r.placement.account);
  const lambda = new LambdaClient({ endpoint, region: r.placement.region, credentials });
  const variables = block<{ variables?: Record<string, string> }>(config.environment)?.variables ?? {};
  const fn = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: String(config.function_name),
      Runtime: "nodejs22.x",
      Handler: String(config.handler),
      Role: `arn:aws:iam::${r.placement.account}:role/${NAMES.trackerRole}`,
      Code: { ZipFile: zipSync([{ name: "index.js", data: Buffer.from("exports.handler = async () => {};\n") }]) },
      Environment: { Variables: variables },
    }),
  );
  lambda.destroy();
  // The tenant rule targets the function, as in AWS (the chain's stand-in queue is for running it).
  const target = all.find(({ r: t }) => t.stack === r.stack && t.type === "aws_cloudwatch_event_target");
  const dlq = block<{ arn?: string }>(target?.config.dead_letter_config)?.arn;
  const events = await clients.events(r.placement);
  await events.send(
    new PutTargetsCommand({
      Rule: NAMES.trackerRule,
      EventBusName: NAMES.inboundBus,
      Targets: [{ Id: "assets-tracker", Arn: fn.FunctionArn ?? "", ...(dlq ? { DeadLetterConfig: { Arn: dlq } } : {}) }],
    }),
  );
}

async function createProject(endpoint: string, r: TfResource, config: Record<string, unknown>, creds: (a: string) => Promise<AwsCredentials>): Promise<void> {
  const codebuild = new CodeBuildClient({ endpoint, region: r.placement.region, credentials: await creds(r.placement.account) });
  const env = block<{ compute_type?: string; image?: string }>(config.environment);
  await codebuild.send(
    new CreateProjectCommand({
      name: String(config.name),
      // moto wants a source location even for NO_SOURCE.
      source: { type: "NO_SOURCE", buildspec: "version: 0.2", location: "none" },
      artifacts: { type: "NO_ARTIFACTS" },
      environment: { type: "LINUX_CONTAINER", image: env?.image ?? "aws/codebuild/amazonlinux-x86_64-standard:5.0", computeType: (env?.compute_type ?? "BUILD_GENERAL1_SMALL") as "BUILD_GENERAL1_SMALL" },
      serviceRole: String(config.service_role),
    }),
  );
  codebuild.destroy();
}
