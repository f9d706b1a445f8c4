/**
 * Stack ids: the names of the synthesized stacks (`cdktf.out/stacks/<id>/`), of their state keys, and of the
 * tenants the review groups plans by. The stacks, the deployer, the local run and the review all derive
 * them from here, so a renamed stack cannot leave one part looking in the wrong directory.
 */
export const CENTRAL_STACK_ID = "central";
/** The stack for the management (or delegated-admin) account: StackSet, state bucket, state-admin role. */
export const BOOTSTRAP_STACK_ID = "bootstrap";
export const TENANT_STACK_PREFIX = "tenant-";
export const WORKLOAD_STACK_PREFIX = "workload-";

export const tenantStackId = (env: string): string => `${TENANT_STACK_PREFIX}${env}`;
export const workloadStackId = (env: string): string => `${WORKLOAD_STACK_PREFIX}${env}`;

/** A synthesized stack's directory relative to the synth output directory, e.g. `stacks/workload-alpha`. */
export const stackDir = (stackId: string): string => `stacks/${stackId}`;

/** The environment a tenant or workload stack belongs to; undefined for the central stack and unknown ids. */
export function environmentOfStack(stackId: string): string | undefined {
  for (const prefix of [TENANT_STACK_PREFIX, WORKLOAD_STACK_PREFIX]) {
    if (stackId.startsWith(prefix) && stackId.length > prefix.length) return stackId.slice(prefix.length);
  }
  return undefined;
}
