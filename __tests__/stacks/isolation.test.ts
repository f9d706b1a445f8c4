/**
 * Isolation, proved over the synthesized JSON of every stack: no principal of one tenant is granted anything
 * on another tenant's release and status prefixes, state keys, bus, deploy project, roles, parameter or
 * health alarms — neither by its own identity policies nor by a resource policy (bucket, bus, trust); no Allow
 * statement uses a wildcard action; every provider is pinned to its own account. Run for the sample fleet
 * (pinned bucket policy) and for a generated 30-environment fleet (organization-mode bucket policy), every
 * environment watching health alarms, one of them with the same name in every account.
 */
import type { FleetConfig } from "../../core/config/schema";
import type { PolicyDocument } from "../../stacks/iam";
import { type StackJson, type SynthesizedFleet, generatedFleet, resources, sampleFleet, synthFleet } from "./fixture";
import { type Request, type RequestPrincipal, parsePolicy, policyAllows } from "./policy-eval";

const TOKEN_RE = /^\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/;

/** Resolves `${aws_iam_role.x.name}` to the literal attribute of that resource in the same stack. */
function literal(stack: StackJson, value: unknown, attribute = "name"): string {
  if (typeof value !== "string") throw new Error(`not a string: ${JSON.stringify(value)}`);
  const m = TOKEN_RE.exec(value);
  if (!m) return value;
  const [, type, id, attr] = m as unknown as [string, string, string, string];
  const target = stack.resource[type]?.[id];
  if (attr === "arn" && type === "aws_iam_policy") return `policy:${String(target?.name)}`;
  const v = target?.[attr === "arn" ? "name" : attribute];
  if (typeof v !== "string") throw new Error(`cannot resolve ${value}`);
  return v;
}

interface Holder {
  readonly stack: string;
  readonly account: string;
  readonly partition: string;
}

interface RoleInfo {
  readonly arn: string;
  readonly account: string;
  readonly tags: Record<string, string>;
  readonly trust: PolicyDocument;
  readonly identity: PolicyDocument[];
  readonly stack: string;
}

function stackAccount(fleet: SynthesizedFleet, stackId: string): Holder {
  const provider = fleet.stacks.get(stackId)!.provider.aws[0]!;
  const ids = provider.allowed_account_ids as string[];
  return { stack: stackId, account: ids[0]!, partition: "aws" };
}

/** Every IAM role of the fleet with its trust and identity policies (inline and attached managed). */
function roles(fleet: SynthesizedFleet): Map<string, RoleInfo> {
  const out = new Map<string, RoleInfo>();
  for (const [id, stack] of fleet.stacks) {
    const { account } = stackAccount(fleet, id);
    const managed = new Map(Object.values(resources(stack, "aws_iam_policy")).map((p) => [`policy:${String(p.name)}`, parsePolicy(p.policy)]));
    for (const role of Object.values(resources(stack, "aws_iam_role"))) {
      const name = String(role.name);
      const identity = [
        ...Object.values(resources(stack, "aws_iam_role_policy"))
          .filter((p) => literal(stack, p.role) === name)
          .map((p) => parsePolicy(p.policy)),
        ...Object.values(resources(stack, "aws_iam_role_policy_attachment"))
          .filter((a) => literal(stack, a.role) === name)
          .map((a) => managed.get(literal(stack, a.policy_arn, "arn"))!),
      ];
      const arn = `arn:aws:iam::${account}:role/${name}`;
      out.set(arn, { arn, account, tags: (role.tags as Record<string, string> | undefined) ?? {}, trust: parsePolicy(role.assume_role_policy), identity, stack: id });
    }
  }
  return out;
}

/** What belongs to environment `u`: requests nobody outside `u` may be granted. */
function ownedBy(config: FleetConfig, u: string): Omit<Request, "principal">[] {
  const env = config.environments.find((e) => e.name === u)!;
  const c = config.central;
  const app = config.app.name;
  const bucket = `arn:aws:s3:::${c.artifactBucket}`;
  const release = `${bucket}/releases/${u}/${app}/1.0.0/20260101T000000Z-0123abcd.json`;
  const status = `${bucket}/status/${u}/${app}/20260101T000000Z-0123abcd.json`;
  const state = `arn:aws:s3:::${c.stateBucket}`;
  return [
    ...["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"].flatMap((action) => [
      { action, resource: release },
      { action, resource: status },
      { action, resource: `${state}/workload-${u}/terraform.tfstate` },
      { action, resource: `${state}/workload-${u}/terraform.tfstate.tflock` },
      { action, resource: `${state}/tenant-${u}/terraform.tfstate` },
    ]),
    { action: "s3:DeleteObject", resource: `${state}/workload-${u}/terraform.tfstate.tflock` },
    { action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": `releases/${u}/` } },
    { action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": `status/${u}/` } },
    { action: "s3:ListBucket", resource: state, context: { "s3:prefix": `workload-${u}/` } },
    { action: "events:PutEvents", resource: `arn:aws:events:${env.region}:${env.accountId}:event-bus/fleet-inbound` },
    { action: "codebuild:StartBuild", resource: `arn:aws:codebuild:${env.region}:${env.accountId}:project/fleet-deploy-${u}` },
    { action: "sts:AssumeRole", resource: `arn:aws:iam::${c.accountId}:role/fleet-state-${u}` },
    { action: "sts:AssumeRole", resource: `arn:aws:iam::${env.accountId}:role/fleet-workload-${u}` },
    { action: "sts:AssumeRole", resource: `arn:aws:iam::${env.accountId}:role/fleet-deployer-${u}` },
    { action: "ssm:PutParameter", resource: `arn:aws:ssm:${env.region}:${env.accountId}:parameter/fleet/${u}/${app}/deployed-version` },
    ...healthAlarms(u).map((name) => ({ action: "cloudwatch:DescribeAlarms", resource: `arn:aws:cloudwatch:${env.region}:${env.accountId}:alarm:${name}` })),
  ];
}

/** Every environment watches a shared alarm name (one per account) and one of its own. */
const healthAlarms = (env: string): string[] => ["api-latency", `${env}-api-5xx`];
function withHealth(config: FleetConfig): FleetConfig {
  return { ...config, environments: config.environments.map((e) => ({ ...e, health: { alarms: healthAlarms(e.name), bakeMinutes: 5 } })) };
}

/** Resource policies that govern `resource`, as found in the synthesized stacks. */
function resourcePolicies(fleet: SynthesizedFleet, allRoles: Map<string, RoleInfo>, resource: string): PolicyDocument[] {
  const docs: PolicyDocument[] = [];
  const central = fleet.stacks.get("central")!;
  if (resource.startsWith(`arn:aws:s3:::${fleet.config.central.artifactBucket}`)) {
    docs.push(...Object.values(resources(central, "aws_s3_bucket_policy")).map((p) => parsePolicy(p.policy)));
  }
  if (resource.includes(":event-bus/")) {
    for (const [id, stack] of fleet.stacks) {
      const { account } = stackAccount(fleet, id);
      if (resource.split(":")[4] === account) docs.push(...Object.values(resources(stack, "aws_cloudwatch_event_bus_policy")).map((p) => parsePolicy(p.policy)));
    }
  }
  const role = allRoles.get(resource);
  if (role) docs.push(role.trust);
  return docs;
}

function tenantPrincipals(allRoles: Map<string, RoleInfo>, t: string): RoleInfo[] {
  // Every role a tenant's stacks create, plus the central state role it may assume.
  return [...allRoles.values()].filter((r) => r.stack === `tenant-${t}` || r.stack === `workload-${t}` || r.arn.endsWith(`:role/fleet-state-${t}`));
}

function violations(fleet: SynthesizedFleet): string[] {
  const allRoles = roles(fleet);
  const names = fleet.config.environments.map((e) => e.name);
  const found: string[] = [];
  for (const t of names) {
    for (const role of tenantPrincipals(allRoles, t)) {
      const principal: RequestPrincipal = { arn: role.arn, account: role.account, tags: role.tags, ...(fleet.config.central.organizationId ? { orgId: fleet.config.central.organizationId } : {}) };
      for (const u of names.filter((n) => n !== t)) {
        for (const target of ownedBy(fleet.config, u)) {
          const req: Request = { principal, ...target };
          for (const doc of role.identity) {
            const s = policyAllows(doc, req);
            if (s) found.push(`${role.arn} (identity) may ${req.action} ${req.resource} via ${JSON.stringify(s)}`);
          }
          for (const doc of resourcePolicies(fleet, allRoles, req.resource)) {
            const s = policyAllows(doc, req);
            if (s) found.push(`${role.arn} (resource policy) may ${req.action} ${req.resource} via ${JSON.stringify(s)}`);
          }
        }
      }
    }
  }
  return found;
}

/** Every policy document in the fleet: identity, trust, bucket, bus and queue policies. */
function allPolicies(fleet: SynthesizedFleet): { where: string; doc: PolicyDocument }[] {
  const fields: Record<string, string> = {
    aws_iam_role: "assume_role_policy",
    aws_iam_role_policy: "policy",
    aws_iam_policy: "policy",
    aws_s3_bucket_policy: "policy",
    aws_cloudwatch_event_bus_policy: "policy",
    aws_sqs_queue_policy: "policy",
  };
  const out: { where: string; doc: PolicyDocument }[] = [];
  for (const [id, stack] of fleet.stacks) {
    for (const [type, field] of Object.entries(fields)) {
      for (const [name, r] of Object.entries(resources(stack, type))) out.push({ where: `${id}/${type}.${name}`, doc: parsePolicy(r[field]) });
    }
  }
  return out;
}

describe.each([
  ["the sample fleet (pinned bucket policy)", () => withHealth(sampleFleet()), "pinned"],
  ["a generated 30-environment fleet (organization bucket policy)", () => withHealth(generatedFleet(30)), "organization"],
] as const)("Isolation: %s", (_name, makeConfig, expectedMode) => {
  let fleet: SynthesizedFleet;
  beforeAll(() => {
    fleet = synthFleet(makeConfig());
  });

  it(`uses the ${expectedMode} bucket policy`, () => {
    const policyText = String(Object.values(resources(fleet.stacks.get("central"), "aws_s3_bucket_policy"))[0]!.policy);
    expect(policyText.includes("aws:PrincipalTag")).toBe(expectedMode === "organization");
    // Terraform would read `${aws:...}` as its own interpolation: every IAM policy variable must arrive escaped.
    expect(policyText.match(/(?<!\$)\$\{/g)).toBeNull();
    expect(policyText.includes("releases/$${aws:PrincipalTag/fleet-environment}/*")).toBe(expectedMode === "organization");
  });

  it("grants no tenant principal anything on another tenant's prefixes, state, bus, project, roles, parameter or alarms", () => {
    expect(violations(fleet)).toEqual([]);
  });

  it("still grants each deployer its own release, status, state role, project and alarms (the evaluator can say yes)", () => {
    const allRoles = roles(fleet);
    const c = fleet.config.central;
    for (const env of fleet.config.environments.slice(0, 3)) {
      const deployer = allRoles.get(`arn:aws:iam::${env.accountId}:role/fleet-deployer-${env.name}`)!;
      const principal: RequestPrincipal = { arn: deployer.arn, account: deployer.account, tags: deployer.tags, ...(c.organizationId ? { orgId: c.organizationId } : {}) };
      const own: Omit<Request, "principal">[] = [
        { action: "s3:GetObjectVersion", resource: `arn:aws:s3:::${c.artifactBucket}/releases/${env.name}/payments-api/1.0.0/20260101T000000Z-0123abcd.json` },
        { action: "s3:PutObject", resource: `arn:aws:s3:::${c.artifactBucket}/status/${env.name}/payments-api/20260101T000000Z-0123abcd.json` },
        { action: "s3:ListBucket", resource: `arn:aws:s3:::${c.artifactBucket}`, context: { "s3:prefix": `releases/${env.name}/payments-api/` } },
      ];
      for (const target of own) {
        const req = { principal, ...target };
        expect({ req: target, identity: deployer.identity.some((d) => policyAllows(d, req) !== undefined) }).toEqual({ req: target, identity: true });
        expect({ req: target, bucket: resourcePolicies(fleet, allRoles, req.resource).some((d) => policyAllows(d, req) !== undefined) }).toEqual({ req: target, bucket: true });
      }
      // Its own health alarms, and no other alarm of its own account.
      const alarm = (name: string) => ({ principal, action: "cloudwatch:DescribeAlarms", resource: `arn:aws:cloudwatch:${env.region}:${env.accountId}:alarm:${name}` });
      for (const name of healthAlarms(env.name)) expect({ name, identity: deployer.identity.some((d) => policyAllows(d, alarm(name)) !== undefined) }).toEqual({ name, identity: true });
      expect(deployer.identity.some((d) => policyAllows(d, alarm("billing-alarm")) !== undefined)).toBe(false);
      const stateRole = allRoles.get(`arn:aws:iam::${c.accountId}:role/fleet-state-${env.name}`)!;
      expect(policyAllows(stateRole.trust, { principal, action: "sts:AssumeRole", resource: stateRole.arn })).toBeDefined();
    }
  });

  it("has no Allow statement with a wildcard action (the only wildcard is the deny of plain-HTTP requests)", () => {
    const wildcards = allPolicies(fleet).flatMap(({ where, doc }) =>
      doc.Statement.flatMap((s) => (typeof s.Action === "string" ? [s.Action] : s.Action).filter((a) => a.includes("*")).map((a) => ({ where, effect: s.Effect, sid: s.Sid, action: a }))),
    );
    expect(wildcards.filter((w) => w.effect === "Allow")).toEqual([]);
    expect(new Set(wildcards.map((w) => `${w.effect} ${w.sid} ${w.action}`))).toEqual(new Set(["Deny DenyInsecureTransport s3:*"]));
  });

  it("pins every provider to its own account, through a role in that account", () => {
    for (const [id, stack] of fleet.stacks) {
      const env = fleet.config.environments.find((e) => id === `tenant-${e.name}` || id === `workload-${e.name}`);
      const account = env ? env.accountId : fleet.config.central.accountId;
      for (const provider of stack.provider.aws) {
        expect({ id, allowed: provider.allowed_account_ids }).toEqual({ id, allowed: [account] });
        const roleArn = (provider.assume_role as { role_arn: string }[])[0]!.role_arn;
        expect({ id, roleAccount: roleArn.split(":")[4] }).toEqual({ id, roleAccount: account });
      }
    }
  });
});

describe("Isolation check", () => {
  it("reports a leak planted in the synthesized bucket policy (the check can fail)", () => {
    // Prepare: the sample fleet, with alpha's release read widened to every environment's releases.
    const fleet = synthFleet(sampleFleet());
    const central = fleet.stacks.get("central")!;
    const policyResource = Object.values(resources(central, "aws_s3_bucket_policy"))[0]!;
    policyResource.policy = String(policyResource.policy).replace("releases/alpha/*", "releases/*");
    // Act
    const found = violations(fleet);
    // Assess: alpha's deployer may now read bravo's and charlie's releases, and the check says so.
    expect(found.some((v) => v.includes("fleet-deployer-alpha (resource policy) may s3:GetObject") && v.includes("/releases/bravo/"))).toBe(true);
    expect(found.some((v) => v.includes("/releases/charlie/"))).toBe(true);
  });
});
