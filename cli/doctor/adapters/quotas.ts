/**
 * Service Quotas: the current values the fleet depends on, found by service and quota name (names are what
 * the console and the documentation show; codes differ per compute type for CodeBuild).
 */
import { ListServiceQuotasCommand, type ServiceQuotasClient, type ServiceQuota } from "@aws-sdk/client-service-quotas";
import type { Probe, QuotaFacts } from "../facts";
import { errorText } from "./probe";

/** `BUILD_GENERAL1_SMALL` → `Linux/Small`, as CodeBuild names its concurrency quotas. */
export function codebuildQuotaName(computeType: string): RegExp {
  const size = computeType.replace(/^BUILD_GENERAL1_/, "").toLowerCase();
  const word = size === "2xlarge" ? "2XLarge" : size === "xlarge" ? "XLarge" : size.charAt(0).toUpperCase() + size.slice(1);
  return new RegExp(`^Concurrently running builds for Linux/${word} environment$`, "i");
}

async function list(client: ServiceQuotasClient, service: string): Promise<ServiceQuota[]> {
  const out: ServiceQuota[] = [];
  let token: string | undefined;
  do {
    const res = await client.send(new ListServiceQuotasCommand({ ServiceCode: service, NextToken: token }));
    out.push(...(res.Quotas ?? []));
    token = res.NextToken;
  } while (token);
  return out;
}

async function find(client: ServiceQuotasClient, service: string, name: RegExp): Promise<Probe<number>> {
  try {
    const q = (await list(client, service)).find((x) => name.test(x.QuotaName ?? ""));
    return q?.Value === undefined ? { state: "missing" } : { state: "found", value: q.Value };
  } catch (err) {
    if (/NoSuchResource/.test((err as Error).name)) return { state: "missing" };
    return { state: "unknown", error: errorText(err) };
  }
}

export async function quotaFacts(client: ServiceQuotasClient, computeType: string): Promise<QuotaFacts> {
  const [lambdaConcurrency, rulesPerBus, codebuildConcurrentBuilds] = await Promise.all([
    find(client, "lambda", /^Concurrent executions$/i),
    find(client, "events", /rules per event bus/i),
    find(client, "codebuild", codebuildQuotaName(computeType)),
  ]);
  return { lambdaConcurrency, rulesPerBus, codebuildConcurrentBuilds };
}
