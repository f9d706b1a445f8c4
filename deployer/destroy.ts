/**
 * A decommissioning release (`action: "destroy"`): the environment's own deployer destroys its workload, so
 * the pull model holds to the end (the central account never reaches into the tenant). The differences from
 * a deploy live here, in one place:
 * - it runs even while the environment is on hold (the hold keeps new versions out; this is how it ends);
 * - terraform destroys instead of applying (an apply command given in FLEET_APPLY_COMMAND gets FLEET_ACTION);
 * - afterwards the deployed-version parameter says nothing is deployed (`0.0.0`, as the tenant stack starts it).
 */
import { BUILD_VAR } from "../core/build-variables";
import type { Release } from "../core/records";
import { defaultApplyCommands } from "./apply";
import type { DeployerConfig } from "./config";
import { DeployFailedError } from "./errors";
import type { DeployPorts } from "./ports";

/** The deployed-version value that means "nothing deployed". */
export const NOTHING_DEPLOYED = "0.0.0";

export const isDestroy = (release: Pick<Release, "action">): boolean => release.action === "destroy";

export function defaultDestroyCommands(terraformBin: string, lockTimeout: string): string[][] {
  return [
    [terraformBin, "init", "-input=false", "-no-color"],
    [terraformBin, "destroy", "-auto-approve", "-input=false", "-no-color", `-lock-timeout=${lockTimeout}`],
  ];
}

/** The commands of this release, and what the apply command's environment must say about it. */
export function commandsFor(release: Pick<Release, "action">, config: Pick<DeployerConfig, "applyCommand" | "terraformBin" | "lockTimeout">): { commands: string[][]; env: Record<string, string> } {
  const destroy = isDestroy(release);
  const commands = config.applyCommand
    ? [[...config.applyCommand]]
    : destroy
      ? defaultDestroyCommands(config.terraformBin, config.lockTimeout)
      : defaultApplyCommands(config.terraformBin, config.lockTimeout);
  return { commands, env: { [BUILD_VAR.action]: destroy ? "destroy" : "deploy" } };
}

/** After the destroy: the parameter says nothing is deployed; the message says what was destroyed. */
export async function recordDestroyed({ config, ports }: { config: Pick<DeployerConfig, "releaseId">; ports: Pick<DeployPorts, "deployedVersion"> }, release: Pick<Release, "version">): Promise<string> {
  const name = ports.deployedVersion.name;
  try {
    await ports.deployedVersion.put(NOTHING_DEPLOYED);
  } catch (err) {
    throw new DeployFailedError(`destroyed, but ${name} was not set to ${NOTHING_DEPLOYED}: ${(err as Error).message}`);
  }
  return `destroyed the workload of ${release.version} (release ${config.releaseId}); ${name} = ${NOTHING_DEPLOYED}`;
}
