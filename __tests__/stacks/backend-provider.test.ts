/** Every stack's backend and provider, read from the synthesized JSON. */
import { type SynthesizedFleet, sampleFleet, synthFleet } from "./fixture";

describe("Stacks: backend and provider", () => {
  let fleet: SynthesizedFleet;
  beforeAll(() => {
    fleet = synthFleet(sampleFleet());
  });

  it("gives every stack its own state key in the state bucket, encrypted, with the S3 lock file, through a role in the central account", () => {
    for (const [id, stack] of fleet.stacks) {
      const roleName = id.startsWith("workload-") ? `fleet-state-${id.slice("workload-".length)}` : "fleet-state-admin";
      expect(stack.terraform.backend.s3).toEqual({
        bucket: "acme-fleet-tfstate",
        key: `${id}/terraform.tfstate`,
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
        allowed_account_ids: ["210987654321"],
        assume_role: { role_arn: `arn:aws:iam::210987654321:role/${roleName}`, session_name: `fleet-state-${id}` },
      });
    }
  });

  it("requires Terraform 1.11 or later (native S3 locking)", () => {
    for (const stack of fleet.stacks.values()) expect(stack.terraform.required_version).toBe(">= 1.11");
  });

  it("tags everything with fleet, environment and managed-by, over the fleet and environment tags", () => {
    expect(fleet.stacks.get("tenant-bravo")!.provider.aws[0]!.default_tags).toEqual([
      { tags: { "cost-center": "platform", owner: "sre", tier: "standard", fleet: "payments-api", environment: "bravo", "managed-by": "cdktf-fleet" } },
    ]);
    expect(fleet.stacks.get("central")!.provider.aws[0]!.default_tags).toEqual([
      { tags: { "cost-center": "platform", owner: "sre", fleet: "payments-api", environment: "central", "managed-by": "cdktf-fleet" } },
    ]);
  });

  it("deploys central and tenant stacks through the provisioner role, and the workload through the workload role", () => {
    const roleOf = (id: string) => (fleet.stacks.get(id)!.provider.aws[0]!.assume_role as { role_arn: string; session_name: string }[])[0];
    expect(roleOf("central")).toEqual({ role_arn: "arn:aws:iam::210987654321:role/fleet-provisioner", session_name: "fleet-central" });
    expect(roleOf("tenant-bravo")).toEqual({ role_arn: "arn:aws:iam::123456789013:role/fleet-provisioner", session_name: "fleet-tenant-bravo" });
    expect(roleOf("workload-bravo")).toEqual({ role_arn: "arn:aws:iam::123456789013:role/fleet-workload-bravo", session_name: "fleet-workload-bravo" });
    expect(fleet.stacks.get("workload-bravo")!.provider.aws[0]!.region).toBe("eu-central-1");
  });
});
