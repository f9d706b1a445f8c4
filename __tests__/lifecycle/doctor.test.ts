/**
 * `fleet doctor` against the sample fleet provisioned on the local AWS: everything passes; then deliberate
 * breakage (a deleted forwarding rule, a release waiting in a DLQ, a missing role, a new account's CodeBuild
 * quota of 0) is each named with its fix, and the command exits 1.
 */
import { join } from "node:path";
import { DeleteRuleCommand, RemoveTargetsCommand } from "@aws-sdk/client-eventbridge";
import { DeleteRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { main } from "../../cli/main";
import { DEFAULT_QUOTAS } from "../../cli/local/service-quotas-server";
import type { Check } from "../../cli/doctor/evaluate";
import { describeWithMoto } from "../helpers/moto";
import { ROOT, capture, ensureBundles } from "../local/helpers";
import { type DoctorWorld, startDoctorWorld } from "./doctor-world";

type Report = { ok: boolean; failed: number; checks: Check[] };

describeWithMoto("fleet doctor on the local AWS", () => {
  let world: DoctorWorld;

  beforeAll(async () => {
    ensureBundles();
    world = await startDoctorWorld(join(ROOT, "environments"));
  }, 120_000);
  afterAll(async () => world?.stop());

  async function doctor(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out = capture();
    const err = capture();
    const code = await main({ argv: ["doctor", "--dir", join(ROOT, "environments"), ...args], env: world.env, cwd: ROOT, stdout: out, stderr: err });
    return { code, out: out.text(), err: err.text() };
  }

  it("passes every check on a fleet provisioned as the stacks say", async () => {
    // Act
    const { code, out } = await doctor("--format", "json");

    // Assess
    const report = JSON.parse(out) as Report;
    expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(code).toBe(0);
    const scopes = [...new Set(report.checks.map((c) => c.scope))];
    expect(scopes).toEqual(["central", "alpha", "bravo", "charlie"]);
    expect(report.checks.map((c) => `${c.scope}: ${c.name}`)).toEqual(
      expect.arrayContaining([
        "central: rule fleet-forward-alpha",
        "central: rule fleet-forward-alpha target",
        "central: queue fleet-forward-dlq-alpha",
        "central: role fleet-state-alpha",
        "alpha: role fleet-plan assumable",
        "alpha: bus fleet-inbound",
        "alpha: rule fleet-assets-tracker target",
        "alpha: function fleet-assets-tracker",
        "alpha: queue fleet-assets-tracker-failures",
        "alpha: project fleet-deploy-alpha",
        "alpha: parameter /fleet/alpha/payments-api/deployed-version",
        "alpha: quota: CodeBuild concurrently running builds",
      ]),
    );
  }, 60_000);

  it("names each deliberate breakage with its fix, and exits 1", async () => {
    // Prepare
    const { config } = world;
    const central = { account: config.central.accountId, region: config.central.region };
    const bravo = config.environments.find((e) => e.name === "bravo")!;
    const charlie = config.environments.find((e) => e.name === "charlie")!;
    const events = await world.clients.events(central);
    await events.send(new RemoveTargetsCommand({ Rule: "fleet-forward-bravo", EventBusName: "default", Ids: ["tenant-inbound-bus"] }));
    await events.send(new DeleteRuleCommand({ Name: "fleet-forward-bravo", EventBusName: "default" }));
    const sqs = await world.clients.sqs(central);
    await sqs.send(new SendMessageCommand({ QueueUrl: await world.clients.queueUrl(central, "fleet-forward-dlq-alpha"), MessageBody: JSON.stringify({ detail: { object: { key: "releases/alpha/payments-api/1.0.0/x.json" } } }) }));
    const iam = new IAMClient({ endpoint: world.moto.endpoint, region: charlie.region, credentials: await world.credentialsFor(charlie.accountId) });
    await iam.send(new DeleteRoleCommand({ RoleName: "fleet-deployer-charlie" }));
    iam.destroy();
    const codebuildSmall = DEFAULT_QUOTAS.find((q) => /Linux\/Small/.test(q.quotaName))!;
    world.quotas.set(bravo.accountId, bravo.region, codebuildSmall.quotaCode, 0);

    // Act
    const json = await doctor("--format", "json");
    const table = await doctor();

    // Assess
    expect(json.code).toBe(1);
    expect(table.code).toBe(1);
    const failed = (JSON.parse(json.out) as Report).checks.filter((c) => c.status !== "pass");
    expect(failed).toEqual([
      {
        scope: "central",
        name: "queue fleet-forward-dlq-alpha",
        status: "fail",
        detail: "1 message waiting: a release that never arrived",
        fix: "fix what stopped delivery to alpha (its bus policy, its bus), then replay the messages of fleet-forward-dlq-alpha (or write the releases again with fleet release)",
      },
      { scope: "central", name: "rule fleet-forward-bravo", status: "fail", detail: "missing", fix: "redeploy the central stack: npx cdktf deploy central" },
      {
        scope: "bravo",
        name: "quota: CodeBuild concurrently running builds",
        status: "fail",
        detail: "0, the fleet needs 1",
        fix: `request an increase of "CodeBuild concurrently running builds" in Service Quotas (codebuild, ${bravo.accountId} ${bravo.region}) to at least 1`,
      },
      { scope: "charlie", name: "role fleet-deployer-charlie", status: "fail", detail: "missing", fix: "redeploy the tenant plumbing: npx cdktf deploy tenant-charlie" },
    ]);
    expect(table.out).toContain("  ✖ rule fleet-forward-bravo: missing\n      fix: redeploy the central stack: npx cdktf deploy central\n");
    expect(table.out).toMatch(/\d+ checks: \d+ passed, 0 warnings, 4 failed\n$/);
  }, 60_000);

  it("checks only the environments asked for, and refuses an unknown one", async () => {
    // Act
    const only = await doctor("--env", "alpha", "--format", "json");
    const unknown = await doctor("--env", "zulu");

    // Assess
    expect([...new Set((JSON.parse(only.out) as Report).checks.map((c) => c.scope))]).toEqual(["central", "alpha"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe("✖ fleet doctor: unknown environment zulu; known: alpha, bravo, charlie\n");
  }, 60_000);
});
