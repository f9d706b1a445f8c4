/** A generated fleet with a `bootstrap` section, synthesized: the bootstrap stack's JSON and template. */
import { Testing } from "cdktf";
import type { FleetConfig } from "../../core/config/schema";
import { buildFleet } from "../../stacks/fleet";
import { type StackJson, generatedFleet, testAssets } from "../stacks/fixture";

export const MANAGEMENT_ACCOUNT = "999988887777";
export const OPERATOR_ARN = "arn:aws:iam::999988887777:role/platform-admins";

export function bootstrapFleet(n: number, overrides: Partial<NonNullable<FleetConfig["bootstrap"]>> = {}): FleetConfig {
  return {
    ...generatedFleet(n),
    bootstrap: {
      accountId: MANAGEMENT_ACCOUNT,
      organizationalUnitIds: ["ou-ab12-cdef3456", "ou-ab12-9876zyxw"],
      operatorPrincipalArn: OPERATOR_ARN,
      callAs: "DELEGATED_ADMIN",
      centralAccessRoleName: "OrganizationAccountAccessRole",
      ...overrides,
    },
  };
}

export interface SynthesizedBootstrap {
  readonly config: FleetConfig;
  readonly stacks: ReadonlyMap<string, StackJson>;
  readonly template: string;
}

export function synthBootstrap(config: FleetConfig): SynthesizedBootstrap {
  const app = Testing.app();
  const fleet = buildFleet(app, config, { assets: testAssets() });
  if (!fleet.bootstrap) throw new Error("no bootstrap stack was built");
  const stacks = new Map(fleet.stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as StackJson]));
  return { config, stacks, template: fleet.bootstrap.baselineTemplate };
}
