/**
 * The doctor's AWS clients for one account: it assumes that account's read-only `fleet-plan` role with the
 * caller's credentials, then reads with it. Endpoints follow the standard settings of the command's
 * environment (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`), so a local AWS can stand in.
 */
import { CodeBuildClient } from "@aws-sdk/client-codebuild";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { IAMClient } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { arn, partitionOf } from "../../../stacks/names";

type Env = Readonly<Record<string, string | undefined>>;
type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export interface AccountClients {
  readonly iam: IAMClient;
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly lambda: LambdaClient;
  readonly codebuild: CodeBuildClient;
  readonly ssm: SSMClient;
  readonly quotas: ServiceQuotasClient;
  destroy(): void;
}

const endpointOf = (env: Env, service: string): { endpoint?: string } => {
  const e = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return e ? { endpoint: e } : {};
};

function callerCredentials(env: Env): { credentials?: Credentials } {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return {};
  return { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } };
}

/** Assumes `roleName` in `account` (throws the STS error when it cannot: the caller reports it). */
export async function clientsFor(env: Env, account: string, region: string, roleName: string): Promise<AccountClients> {
  const sts = new STSClient({ region, ...endpointOf(env, "STS"), ...callerCredentials(env) });
  try {
    const res = await sts.send(new AssumeRoleCommand({ RoleArn: arn.role(partitionOf(region), account, roleName), RoleSessionName: "fleet-doctor", DurationSeconds: 900 }));
    const c = res.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS returned no credentials for ${roleName} in ${account}`);
    const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
    const base = { region, credentials };
    const made = {
      iam: new IAMClient({ ...base, ...endpointOf(env, "IAM") }),
      events: new EventBridgeClient({ ...base, ...endpointOf(env, "EVENTBRIDGE") }),
      sqs: new SQSClient({ ...base, ...endpointOf(env, "SQS") }),
      lambda: new LambdaClient({ ...base, ...endpointOf(env, "LAMBDA") }),
      codebuild: new CodeBuildClient({ ...base, ...endpointOf(env, "CODEBUILD") }),
      ssm: new SSMClient({ ...base, ...endpointOf(env, "SSM") }),
      quotas: new ServiceQuotasClient({ ...base, ...endpointOf(env, "SERVICE_QUOTAS") }),
    };
    return { ...made, destroy: () => Object.values(made).forEach((c) => c.destroy()) };
  } finally {
    sts.destroy();
  }
}
