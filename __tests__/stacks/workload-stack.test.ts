/** The sample workload stack: settings from the environment's config, safe defaults. */
import { Testing } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import "cdktf/lib/testing/adapters/jest";
import { WorkloadConfigSchema } from "../../stacks/workload-config";
import { type SynthesizedFleet, sampleFleet, synthFleet } from "./fixture";

Testing.setupJest();

describe("Stack: workload-<env>", () => {
  let fleet: SynthesizedFleet;
  beforeAll(() => {
    fleet = synthFleet(sampleFleet());
  });

  it("sizes and configures charlie's function from charlie.yaml", () => {
    expect(fleet.raw.get("workload-charlie")).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "payments-api-charlie",
      runtime: "nodejs22.x",
      memory_size: 1024,
      reserved_concurrent_executions: 10,
      environment: { variables: { LOG_LEVEL: "warn", GREETING: "Hello from charlie", FLEET_ENVIRONMENT: "charlie" } },
    });
  });

  it("puts the function behind an IAM-authenticated URL and its role inside the tenant's boundary", () => {
    const raw = fleet.raw.get("workload-alpha");
    expect(raw).toHaveResourceWithProperties(LambdaFunctionUrl, { authorization_type: "AWS_IAM" });
    expect(raw).toHaveResourceWithProperties(IamRole, { name: "payments-api-alpha-fn", permissions_boundary: "arn:aws:iam::012345678901:policy/fleet-workload-boundary-alpha" });
  });

  it("defaults every setting and reserves no concurrency when config is empty", () => {
    expect(WorkloadConfigSchema.parse({})).toEqual({ memoryMb: 256, logLevel: "info", greeting: "Hello" });
  });
});
