/** Small tenant plan JSONs for publishing tests: an update, a create, and optionally destroys. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export function tenantPlanJson(tenant: string, account: string, options: { destroys?: number; unique?: string; errored?: boolean } = {}): string {
  const changes: unknown[] = [
    {
      address: "aws_sqs_queue.inbound",
      type: "aws_sqs_queue",
      change: {
        actions: ["update"],
        before: { name: `fleet-${tenant}`, policy: `arn:aws:iam::${account}:root`, tags: { version: "1.0" } },
        after: { name: `fleet-${tenant}`, policy: `arn:aws:iam::${account}:root`, tags: { version: options.unique ?? "1.1" } },
        after_unknown: {},
        before_sensitive: {},
        after_sensitive: {},
      },
    },
    { address: "aws_sqs_queue.dlq", type: "aws_sqs_queue", change: { actions: ["create"], before: null, after: { name: `fleet-${tenant}-dlq` }, after_unknown: { arn: true } } },
  ];
  for (let i = 0; i < (options.destroys ?? 0); i++) {
    changes.push({ address: `aws_s3_bucket.old[${i}]`, type: "aws_s3_bucket", action_reason: "delete_because_count_index", change: { actions: ["delete"], before: { bucket: `old-${tenant}-${i}` }, after: null } });
  }
  return JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", errored: options.errored === true, resource_changes: changes });
}

/** Writes `tenant-<name>.json` files for n tenants into dir. */
export function writeTenantPlans(dir: string, n: number, options: (i: number) => Parameters<typeof tenantPlanJson>[2] = () => ({})): void {
  for (let i = 0; i < n; i++) {
    const name = `t${String(i).padStart(3, "0")}`;
    writeFileSync(join(dir, `tenant-${name}.json`), tenantPlanJson(name, String(200000000000 + i), options(i)));
  }
}
