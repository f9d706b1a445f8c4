/** The quota guard: pure rules, and the warnings synth attaches to the central stack. */
import { Testing } from "cdktf";
import { chooseBucketPolicy } from "../../stacks/central-policies";
import { QuotaError } from "../../stacks/errors";
import { buildFleet } from "../../stacks/fleet";
import { envFacts } from "../../stacks/names";
import { bucketPolicySize, rulesOnBus, targetsOnRule } from "../../stacks/quotas";
import { generatedFleet, testAssets } from "./fixture";

describe("Module: quotas", () => {
  it("warns from 80 % of a quota and fails a hard one when exceeded", () => {
    expect(bucketPolicySize("b", 16_000)).toEqual({ level: "ok" });
    expect(bucketPolicySize("b", 16_384)).toMatchObject({ level: "warn" });
    expect(bucketPolicySize("b", 20_481)).toMatchObject({ level: "error" });
    expect(targetsOnRule("r", 6)).toMatchObject({ level: "error", message: "targets on rule r: 6 exceeds the quota of 5. A rule holds at most 5 targets; split the rule." });
  });

  it("only warns for the adjustable 300-rules-per-bus quota, naming the Service Quotas fix", () => {
    expect(rulesOnBus("default", 239)).toEqual({ level: "ok" });
    expect(rulesOnBus("default", 240)).toMatchObject({ level: "warn" });
    const v = rulesOnBus("default", 1000);
    expect(v.level).toBe("warn");
    expect(v.level !== "ok" && v.message).toContain("Maximum number of rules per event bus");
  });
});

describe("Function: chooseBucketPolicy", () => {
  const choose = (n: number, org?: string) => {
    const config = generatedFleet(n, { organizationId: org });
    return chooseBucketPolicy(config, config.environments.map((e) => envFacts(config, e)));
  };

  it("pins role ARNs while the policy stays under 80 % of 20 KB, and switches to organization mode beyond", () => {
    // 855 bytes + 774 per environment: 16,335 bytes at 20 environments, 17,109 at 21.
    expect(choose(20, "o-a1b2c3d4e5")).toMatchObject({ mode: "pinned", bytes: 16_335 });
    expect(choose(21, "o-a1b2c3d4e5")).toMatchObject({ mode: "organization", bytes: 2_051 });
    const thousand = choose(1000, "o-a1b2c3d4e5");
    expect(thousand.mode).toBe("organization");
    expect(thousand.bytes).toBeLessThan(3000);
  });

  it("without an organization id, stays pinned up to the hard limit and then fails with the fix", () => {
    expect(choose(25, undefined)).toMatchObject({ mode: "pinned", bytes: 20_205 });
    expect(() => choose(26, undefined)).toThrow(QuotaError);
    expect(() => choose(26, undefined)).toThrow(/over S3's 20 KB limit\. Set central\.organizationId in fleet\.yaml/);
  });
});

describe("Stack: central quota warnings", () => {
  it("warns at synth when the default bus would hold 300 rules and when the bucket policy changes mode", () => {
    const app = Testing.app();
    const fleet = buildFleet(app, generatedFleet(300), { assets: testAssets() });
    const warnings = fleet.central.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining("rules on event bus default (central): 300 of 300"),
        expect.stringContaining("using organization mode"),
      ]),
    );
  });
});
