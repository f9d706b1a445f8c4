/**
 * `workload-<env>`: the application's own infrastructure in one tenant account: what the deployer applies
 * from the artifact's `cdktf.out`. A small but realistic sample: a Lambda function behind a function URL, its
 * role (inside the permissions boundary the tenant stack defines) and its log group, sized from `config`.
 */
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import type { FleetConfig } from "../core/config/schema";
import type { FleetAssets } from "./assets";
import { FleetStack, configureStack } from "./base";
import { policyJson, serviceTrust } from "./iam";
import { type EnvFacts, arn, stateRoleName, workloadBoundaryName, workloadFunctionName, workloadFunctionRoleName, workloadRoleName, workloadStackId } from "./names";
import { workloadBoundary } from "./tenant-policies";
import type { WorkloadConfig } from "./workload-config";
import { LOG_RETENTION_DAYS } from "./tenant-stack";

export interface WorkloadStackProps {
  readonly config: FleetConfig;
  readonly facts: EnvFacts;
  readonly settings: WorkloadConfig;
  readonly assets: FleetAssets;
}

export class WorkloadStack extends FleetStack {
  constructor(scope: Construct, props: WorkloadStackProps) {
    const { config, facts: e, settings, assets } = props;
    const id = workloadStackId(e.name);
    super(scope, id);
    // Applied by the tenant's CodeBuild deployer: its provider assumes the workload role (the application's
    // permissions only) and its backend the per-environment state role (this stack's state key only).
    configureStack(this, id, config, { account: e.account, region: e.region, roleName: workloadRoleName(e.name), environment: e.name, tags: e.env.tags }, { roleName: stateRoleName(e.name) });

    const app = config.app.name;
    const fnName = workloadFunctionName(app, e.name);
    const logGroup = new CloudwatchLogGroup(this, "function-logs", { name: `/aws/lambda/${fnName}`, retentionInDays: LOG_RETENTION_DAYS });
    const role = new IamRole(this, "function-role", {
      name: workloadFunctionRoleName(app, e.name),
      assumeRolePolicy: policyJson(serviceTrust("lambda.amazonaws.com", e.account)),
      // The workload role may only create roles inside this boundary (tenant-policies.ts).
      permissionsBoundary: arn.policy(e.partition, e.account, workloadBoundaryName(e.name)),
    });
    // The function's rights equal its boundary: writing its own logs.
    new IamRolePolicy(this, "function-role-policy", { name: "logs", role: role.name, policy: policyJson(workloadBoundary(config, e)) });
    const fn = new LambdaFunction(this, "function", {
      functionName: fnName,
      role: role.arn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: assets.workloadZip.terraformPath,
      sourceCodeHash: assets.workloadZip.sha256Base64,
      memorySize: settings.memoryMb,
      timeout: 10,
      architectures: ["arm64"],
      ...(settings.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: settings.reservedConcurrency }),
      environment: { variables: { LOG_LEVEL: settings.logLevel, GREETING: settings.greeting, FLEET_ENVIRONMENT: e.name } },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      dependsOn: [logGroup],
    });
    // AWS_IAM, not NONE: NONE would put a public, unauthenticated endpoint into every tenant account; with
    // AWS_IAM, callers sign with SigV4 and need lambda:InvokeFunctionUrl, granted deliberately per consumer.
    const url = new LambdaFunctionUrl(this, "function-url", { functionName: fn.functionName, authorizationType: "AWS_IAM" });
    new TerraformOutput(this, "function_url", { value: url.functionUrl });
  }
}
