import { ProvisionError } from "../errors";
import type { Clients } from "./clients";
import type { ProvisionPlan } from "./types";

/** Runs the planned calls phase by phase; calls within a phase run concurrently (bounded). */
export async function applyPlan(plan: ProvisionPlan, clients: Clients, concurrency = 8): Promise<void> {
  const phases = [...new Set(plan.steps.map((s) => s.phase))].sort((a, b) => a - b);
  for (const phase of phases) {
    const queue = plan.steps.filter((s) => s.phase === phase);
    const errors: string[] = [];
    await Promise.all(
      Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
        for (let step = queue.shift(); step; step = queue.shift()) {
          try {
            await step.run(clients);
          } catch (err) {
            errors.push(`${step.resource.stack} ${step.resource.address} (${step.resource.placement.account} ${step.resource.placement.region}): ${(err as Error).name}: ${(err as Error).message}`);
          }
        }
      }),
    );
    if (errors.length > 0) throw new ProvisionError(`the local AWS refused ${errors.length} call${errors.length === 1 ? "" : "s"} while provisioning:\n  ${errors.join("\n  ")}`);
  }
}
