/**
 * Gathers the facts of the central account and each selected environment (facts.ts), a few accounts at a
 * time. An account the doctor cannot get into is one fact (`access`), not a crash: the other accounts are
 * still checked.
 */
import type { Environment, FleetConfig } from "../../core/config/schema";
import { deployedVersionParameterName } from "../../core/parameters";
import { NAMES, deployProjectName, forwardDlqName, forwardRuleName } from "../../stacks/names";
import { type AccountClients, clientsFor } from "./adapters/clients";
import { projectFact } from "./adapters/codebuild";
import { busFact, ruleFact } from "./adapters/events";
import { roleFacts } from "./adapters/iam";
import { functionFact } from "./adapters/lambda";
import { errorText } from "./adapters/probe";
import { quotaFacts } from "./adapters/quotas";
import { queueFact } from "./adapters/sqs";
import { parameterFact } from "./adapters/ssm";
import { centralRoles, tenantRoles } from "./evaluate";
import type { CentralFacts, DoctorFacts, Probe, QuotaFacts, TenantFacts } from "./facts";

type Env = Readonly<Record<string, string | undefined>>;

const NOT_CHECKED: Probe<never> = { state: "unknown", error: "not checked: no access to the account" };
const NO_QUOTAS: QuotaFacts = { lambdaConcurrency: NOT_CHECKED, rulesPerBus: NOT_CHECKED, codebuildConcurrentBuilds: NOT_CHECKED };

async function enter(env: Env, account: string, region: string): Promise<{ clients?: AccountClients; access: Probe<true> }> {
  try {
    return { clients: await clientsFor(env, account, region, NAMES.planRole), access: { state: "found", value: true } };
  } catch (err) {
    return { access: { state: "unknown", error: errorText(err) } };
  }
}

export async function gatherCentral(env: Env, config: FleetConfig, envs: readonly Environment[]): Promise<CentralFacts> {
  const c = config.central;
  const { clients, access } = await enter(env, c.accountId, c.region);
  if (!clients) return { account: c.accountId, region: c.region, access, roles: {}, forwarding: {}, quotas: NO_QUOTAS };
  try {
    const [roles, forwarding, quotas] = await Promise.all([
      roleFacts(clients.iam, centralRoles(config)),
      Promise.all(
        envs.map(async (e) => [e.name, { rule: await ruleFact(clients.events, forwardRuleName(e.name), "default"), dlq: await queueFact(clients.sqs, forwardDlqName(e.name), c.accountId) }] as const),
      ),
      quotaFacts(clients.quotas, config.defaults.codebuild.computeType),
    ]);
    return { account: c.accountId, region: c.region, access, roles, forwarding: Object.fromEntries(forwarding), quotas };
  } finally {
    clients.destroy();
  }
}

export async function gatherTenant(env: Env, config: FleetConfig, e: Environment): Promise<TenantFacts> {
  const { clients, access } = await enter(env, e.accountId, e.region);
  const base = { env: e.name, account: e.accountId, region: e.region, access };
  if (!clients) {
    return { ...base, roles: {}, bus: NOT_CHECKED, rule: NOT_CHECKED, inboundDlq: NOT_CHECKED, function: NOT_CHECKED, failures: NOT_CHECKED, project: NOT_CHECKED, parameter: NOT_CHECKED, quotas: NO_QUOTAS };
  }
  try {
    const [roles, bus, rule, inboundDlq, fn, failures, project, parameter, quotas] = await Promise.all([
      roleFacts(clients.iam, tenantRoles(e.name)),
      busFact(clients.events, NAMES.inboundBus),
      ruleFact(clients.events, NAMES.trackerRule, NAMES.inboundBus),
      queueFact(clients.sqs, NAMES.inboundDlq, e.accountId),
      functionFact(clients.lambda, NAMES.trackerFunction),
      queueFact(clients.sqs, NAMES.trackerFailures, e.accountId),
      projectFact(clients.codebuild, deployProjectName(e.name)),
      parameterFact(clients.ssm, deployedVersionParameterName(e.name, config.app.name)),
      quotaFacts(clients.quotas, config.defaults.codebuild.computeType),
    ]);
    return { ...base, roles, bus, rule, inboundDlq, function: fn, failures, project, parameter, quotas };
  } finally {
    clients.destroy();
  }
}

/** Runs `fn` over items with at most `limit` in flight, keeping order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      for (const item of items.slice(i, i + 1)) out[i] = await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function gatherFleet(env: Env, config: FleetConfig, envs: readonly Environment[], concurrency = 8): Promise<DoctorFacts> {
  const [central, tenants] = await Promise.all([gatherCentral(env, config, envs), pool(envs, concurrency, (e) => gatherTenant(env, config, e))]);
  return { central, tenants };
}
