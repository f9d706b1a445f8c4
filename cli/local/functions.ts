/**
 * The Lambda functions the local run stands in for, and the bundle each runs: the tenants' assets_tracker
 * and the central rollout controller (names as the stacks give them, stacks/tenant-stack.ts and
 * stacks/rollout-controller.ts). The local run checks that every bundle exists before it starts.
 */
import { join } from "node:path";

export const CONTROLLER_FUNCTION = "fleet-rollout-controller";

export interface Bundles {
  /** The bundle of any function not named in `functions` (the assets tracker). */
  readonly handler: string;
  readonly deployer: string;
  readonly functions: Readonly<Record<string, string>>;
}

export function bundlesIn(root: string): Bundles {
  return {
    handler: join(root, "dist", "lambdas", "assets_tracker", "index.js"),
    deployer: join(root, "dist", "deployer", "index.js"),
    functions: { [CONTROLLER_FUNCTION]: join(root, "dist", "lambdas", "rollout_controller", "index.js") },
  };
}
