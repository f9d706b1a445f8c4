/**
 * The doctor's judgement: pure rules over the gathered facts (facts.ts) and the fleet configuration, one
 * check per thing a release depends on, each with what was found and, when it fails, the fix. No I/O.
 */
import type { Environment, FleetConfig } from "../../core/config/schema";
import { BUILD_VAR } from "../../core/build-variables";
import { deployedVersionParameterName } from "../../core/parameters";
import { CENTRAL_STACK_ID, tenantStackId } from "../../core/stack-ids";
import {
  NAMES,
  arn,
  deployProjectName,
  deployerRoleName,
  forwardDlqName,
  forwardRuleName,
  partitionOf,
  stateRoleName,
  workloadRoleName,
} from "../../stacks/names";
import type { CentralFacts, Probe, QueueFact, QuotaFacts, RuleFact, TenantFacts } from "./facts";

export type CheckStatus = "pass" | "warn" | "fail";

export interface Check {
  /** `central` or the environment's name. */
  readonly scope: string;
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}

/** What one tenant needs at least: one rule on its bus, the tracker's concurrency, one build at a time. */
export const TENANT_NEEDS = { rulesPerBus: 1, lambdaConcurrency: 10, codebuildConcurrentBuilds: 1 } as const;

const deployTenant = (env: string) => `redeploy the tenant plumbing: npx cdktf deploy ${tenantStackId(env)}`;
const DEPLOY_CENTRAL = `redeploy the central stack: npx cdktf deploy ${CENTRAL_STACK_ID}`;

function unknownCheck(scope: string, name: string, p: { error: string }, fix: string): Check {
  return { scope, name, status: "fail", detail: `could not be checked: ${p.error}`, fix };
}

function exists(scope: string, name: string, p: Probe<unknown>, fix: string): Check {
  if (p.state === "found") return { scope, name, status: "pass", detail: "exists" };
  if (p.state === "unknown") return unknownCheck(scope, name, p, fix);
  return { scope, name, status: "fail", detail: "missing", fix };
}

/** A queue that must be empty: every message in it is a release (or a build start) that never arrived. */
function emptyQueue(scope: string, name: string, p: Probe<QueueFact>, fix: string, drain: string): Check {
  if (p.state !== "found") return exists(scope, name, p, fix);
  if (p.value.messages === 0) return { scope, name, status: "pass", detail: "exists, empty" };
  const n = p.value.messages;
  return { scope, name, status: "fail", detail: `${n} message${n === 1 ? "" : "s"} waiting: ${n === 1 ? "a release that" : "releases that"} never arrived`, fix: drain };
}

function ruleCheck(scope: string, name: string, p: Probe<RuleFact>, want: { target: string; roleArn?: string; dlq: string }, fix: string): Check[] {
  if (p.state !== "found") return [exists(scope, name, p, fix)];
  const checks: Check[] = [{ scope, name, status: p.value.enabled ? "pass" : "fail", detail: p.value.enabled ? "exists, enabled" : "exists but is disabled", ...(p.value.enabled ? {} : { fix }) }];
  const target = p.value.targets.find((t) => t.arn === want.target);
  const found = p.value.targets.map((t) => t.arn).join(", ") || "none";
  if (!target) {
    checks.push({ scope, name: `${name} target`, status: "fail", detail: `does not send to ${want.target} (targets: ${found})`, fix });
    return checks;
  }
  const wrong: string[] = [];
  if (want.roleArn !== undefined && target.roleArn !== want.roleArn) wrong.push(`role is ${target.roleArn ?? "none"}, expected ${want.roleArn}`);
  if (target.deadLetterArn !== want.dlq) wrong.push(`dead-letter queue is ${target.deadLetterArn ?? "none"}, expected ${want.dlq}`);
  checks.push(
    wrong.length === 0
      ? { scope, name: `${name} target`, status: "pass", detail: `→ ${want.target}${want.roleArn ? " with its role" : ""} and dead-letter queue` }
      : { scope, name: `${name} target`, status: "fail", detail: wrong.join("; "), fix },
  );
  return checks;
}

function quotaCheck(scope: string, what: string, p: Probe<number>, need: number, where: string): Check {
  const name = `quota: ${what}`;
  const fix = `request an increase of "${what}" in Service Quotas (${where}) to at least ${need}`;
  if (p.state === "unknown") return { scope, name, status: "warn", detail: `could not be read: ${p.error}`, fix: `check "${what}" in the Service Quotas console (${where})` };
  if (p.state === "missing") return { scope, name, status: "warn", detail: "not listed by Service Quotas: the AWS default applies", fix: `check "${what}" in the Service Quotas console (${where})` };
  if (p.value < need) return { scope, name, status: "fail", detail: `${p.value}, the fleet needs ${need}`, fix };
  return { scope, name, status: "pass", detail: `${p.value} (needs ${need})` };
}

function accessCheck(scope: string, account: string, access: Probe<true>): Check {
  if (access.state === "found") return { scope, name: `role ${NAMES.planRole} assumable`, status: "pass", detail: `in ${account}` };
  return {
    scope,
    name: `role ${NAMES.planRole} assumable`,
    status: "fail",
    detail: access.state === "unknown" ? access.error : "missing",
    fix: `the bootstrap StackSet creates ${NAMES.planRole} in ${account}: check that the account is in bootstrap.organizationalUnitIds and the StackSet instance succeeded, and that the doctor runs as ${NAMES.planReviewRole}`,
  };
}

export function evaluateCentral(config: FleetConfig, f: CentralFacts): Check[] {
  const scope = "central";
  const checks: Check[] = [accessCheck(scope, f.account, f.access)];
  if (f.access.state !== "found") return checks;
  const roleFix = (role: string) =>
    role === NAMES.stateAdminRole || role === NAMES.provisionerRole || role === NAMES.planRole ? `deploy the bootstrap stack (it creates ${role} in the central account)` : DEPLOY_CENTRAL;
  for (const [role, p] of Object.entries(f.roles)) checks.push(exists(scope, `role ${role}`, p, roleFix(role)));

  const p = partitionOf(config.central.region);
  const forwarder = arn.role(p, config.central.accountId, NAMES.forwarderRole);
  for (const e of config.environments) {
    const fw = f.forwarding[e.name];
    if (!fw) continue;
    const dlqArn = arn.queue(p, config.central.region, config.central.accountId, forwardDlqName(e.name));
    const busArn = arn.bus(partitionOf(e.region), e.region, e.accountId, NAMES.inboundBus);
    checks.push(...ruleCheck(scope, `rule ${forwardRuleName(e.name)}`, fw.rule, { target: busArn, roleArn: forwarder, dlq: dlqArn }, DEPLOY_CENTRAL));
    checks.push(
      emptyQueue(scope, `queue ${forwardDlqName(e.name)}`, fw.dlq, DEPLOY_CENTRAL, `fix what stopped delivery to ${e.name} (its bus policy, its bus), then replay the messages of ${forwardDlqName(e.name)} (or write the releases again with fleet release)`),
    );
  }
  checks.push(quotaCheck(scope, "rules per event bus", f.quotas.rulesPerBus, config.environments.length, `events, ${config.central.accountId} ${config.central.region}`));
  return checks;
}

export function evaluateTenant(config: FleetConfig, env: Environment, f: TenantFacts): Check[] {
  const scope = env.name;
  const checks: Check[] = [accessCheck(scope, f.account, f.access)];
  if (f.access.state !== "found") return checks;
  const fix = deployTenant(env.name);
  for (const [role, p] of Object.entries(f.roles)) {
    checks.push(exists(scope, `role ${role}`, p, role === NAMES.provisionerRole ? `the bootstrap StackSet creates ${role}: check its instance for ${f.account}` : fix));
  }
  const p = partitionOf(env.region);
  checks.push(exists(scope, `bus ${NAMES.inboundBus}`, f.bus, fix));
  const fnArn = arn.function(p, env.region, env.accountId, NAMES.trackerFunction);
  checks.push(...ruleCheck(scope, `rule ${NAMES.trackerRule}`, f.rule, { target: fnArn, dlq: arn.queue(p, env.region, env.accountId, NAMES.inboundDlq) }, fix));
  checks.push(emptyQueue(scope, `queue ${NAMES.inboundDlq}`, f.inboundDlq, fix, `the tracker could not be invoked: check the function, then replay the messages of ${NAMES.inboundDlq}`));
  checks.push(functionCheck(scope, env, f, fix));
  checks.push(emptyQueue(scope, `queue ${NAMES.trackerFailures}`, f.failures, fix, `builds that could not be started: read the messages of ${NAMES.trackerFailures} for the error, fix it, then write the releases again (fleet release)`));
  checks.push(exists(scope, `project ${deployProjectName(env.name)}`, f.project, fix));
  const param = deployedVersionParameterName(env.name, config.app.name);
  checks.push(
    f.parameter.state === "found" ? { scope, name: `parameter ${param}`, status: "pass", detail: `deployed version ${f.parameter.value}` } : exists(scope, `parameter ${param}`, f.parameter, fix),
  );
  const where = `${env.accountId} ${env.region}`;
  checks.push(...tenantQuotas(scope, f.quotas, where));
  return checks;
}

function functionCheck(scope: string, env: Environment, f: TenantFacts, fix: string): Check {
  const name = `function ${NAMES.trackerFunction}`;
  if (f.function.state !== "found") return exists(scope, name, f.function, fix);
  const project = f.function.value.environment[BUILD_VAR.codeBuildProject];
  if (project !== deployProjectName(env.name)) return { scope, name, status: "fail", detail: `starts ${project ?? "no project"}, expected ${deployProjectName(env.name)}`, fix };
  if (f.function.value.state !== "Active") return { scope, name, status: "fail", detail: `state ${f.function.value.state}`, fix };
  return { scope, name, status: "pass", detail: `active, starts ${project}` };
}

function tenantQuotas(scope: string, q: QuotaFacts, where: string): Check[] {
  return [
    quotaCheck(scope, "rules per event bus", q.rulesPerBus, TENANT_NEEDS.rulesPerBus, `events, ${where}`),
    quotaCheck(scope, "Lambda concurrent executions", q.lambdaConcurrency, TENANT_NEEDS.lambdaConcurrency, `lambda, ${where}`),
    quotaCheck(scope, "CodeBuild concurrently running builds", q.codebuildConcurrentBuilds, TENANT_NEEDS.codebuildConcurrentBuilds, `codebuild, ${where}`),
  ];
}

/** Roles the doctor looks for, per account. */
export function centralRoles(config: FleetConfig): string[] {
  return [NAMES.provisionerRole, NAMES.planRole, NAMES.stateAdminRole, NAMES.forwarderRole, ...config.environments.map((e) => stateRoleName(e.name))];
}

export function tenantRoles(env: string): string[] {
  return [NAMES.provisionerRole, NAMES.trackerRole, deployerRoleName(env), workloadRoleName(env)];
}

export interface DoctorReport {
  readonly checks: readonly Check[];
  readonly failed: number;
  readonly warned: number;
}

export function summarize(checks: readonly Check[]): DoctorReport {
  return { checks, failed: checks.filter((c) => c.status === "fail").length, warned: checks.filter((c) => c.status === "warn").length };
}
