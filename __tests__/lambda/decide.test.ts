import { createHash } from "node:crypto";
import type { StartBuildCommandInput } from "@aws-sdk/client-codebuild";
import fc from "fast-check";
import { MAX_CLOCK_SKEW_MS, formatReleaseId } from "../../core/version";
import { MAX_RELEASE_OBJECT_BYTES, decide, idempotencyToken } from "../../lambdas/assets_tracker/decide";
import { ALPHA, FIXTURES, loadEvent } from "./events";

const PUT_KEY = "releases/alpha/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json";
const PUT_VERSION_ID = "Qm3.aZ0tQw8d1rLq2n5Yk7hP0bXcV9eT";

function startInput(event: unknown): StartBuildCommandInput {
  const d = decide(event, ALPHA);
  if (d.decision !== "start") throw new Error(`expected a start, got ${JSON.stringify(d)}`);
  return d.input;
}

function dropReason(event: unknown): string {
  const d = decide(event, ALPHA);
  if (d.decision !== "drop") throw new Error(`expected a drop, got ${JSON.stringify(d)}`);
  return d.reason;
}

describe("Function: decide (start)", () => {
  it("starts this environment's project with the exact StartBuild input for a PutObject event", () => {
    // Prepare
    const event = loadEvent("put-object");

    // Act
    const d = decide(event, ALPHA);

    // Assess
    expect(d).toEqual({
      decision: "start",
      facts: { eventId: "5b1c2f0e-7a1d-4c3e-9d11-0f6e2a9c1b77", key: PUT_KEY, versionId: PUT_VERSION_ID },
      input: {
        projectName: "fleet-deploy-alpha",
        idempotencyToken: createHash("sha256").update(`acme-fleet-artifacts|${PUT_KEY}|${PUT_VERSION_ID}`).digest("hex"),
        environmentVariablesOverride: [
          { name: "FLEET_RELEASE_KEY", value: PUT_KEY, type: "PLAINTEXT" },
          { name: "FLEET_RELEASE_VERSION_ID", value: PUT_VERSION_ID, type: "PLAINTEXT" },
          { name: "FLEET_APP", value: "payments-api", type: "PLAINTEXT" },
          { name: "FLEET_VERSION", value: "1.4.2", type: "PLAINTEXT" },
          { name: "FLEET_RELEASE_ID", value: "20261120T101503Z-9f8e7d6c", type: "PLAINTEXT" },
        ],
      },
    });
  });

  it("never overrides the buildspec or the source (the Lambda role is denied both)", () => {
    // Act
    const input = startInput(loadEvent("put-object"));

    // Assess
    expect(Object.keys(input).sort()).toEqual(["environmentVariablesOverride", "idempotencyToken", "projectName"]);
  });

  it("reads moto's event the same way (eTag, reason ObjectCreated, numeric time, a foreign requester)", () => {
    // Prepare
    const aws = loadEvent("put-object");
    const moto = loadEvent("moto-put-object");
    moto.detail.object["version-id"] = PUT_VERSION_ID;

    // Act
    const fromAws = decide(aws, ALPHA);
    const fromMoto = decide(moto, ALPHA);

    // Assess: everything but the event id is the same decision.
    expect(fromMoto.decision).toBe("start");
    expect(fromMoto).toEqual({ ...fromAws, facts: { ...fromAws.facts, eventId: "17793124-05d4-b198-2fde-7ededc63b103" } });
  });

  it("starts a multipart-uploaded release of a sane size: the '-6' etag is not relied on", () => {
    // Prepare: the fixture is a real 6-part upload (26 MiB); a release record that size is not ours.
    const event = loadEvent("complete-multipart-upload");
    event.detail.object.size = 2048;

    // Act
    const input = startInput(event);

    // Assess
    expect(input.environmentVariablesOverride).toContainEqual({ name: "FLEET_VERSION", value: "1.5.0-rc.1", type: "PLAINTEXT" });
    expect(input.environmentVariablesOverride).toContainEqual({
      name: "FLEET_RELEASE_VERSION_ID",
      value: "3sL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo",
      type: "PLAINTEXT",
    });
  });

  it("starts a key that reads the same URL-encoded or not, with fields AWS added later ignored", () => {
    // Prepare
    const event = loadEvent("put-object-plain-key");
    const key = event.detail.object.key;

    // Act
    const input = startInput(event);

    // Assess: whether or not EventBridge URL-encodes keys, ours are unchanged.
    expect(key.split("/").map(encodeURIComponent).join("/")).toBe(key);
    expect(input.environmentVariablesOverride).toEqual([
      { name: "FLEET_RELEASE_KEY", value: key, type: "PLAINTEXT" },
      { name: "FLEET_RELEASE_VERSION_ID", value: "_Xf9.k2-LmN0pQr3StUvWxYz01234567", type: "PLAINTEXT" },
      { name: "FLEET_APP", value: "payments-api", type: "PLAINTEXT" },
      { name: "FLEET_VERSION", value: "2.0.0-rc.1-hotfix.2", type: "PLAINTEXT" },
      { name: "FLEET_RELEASE_ID", value: "20261128T235958Z-deadbeef", type: "PLAINTEXT" },
    ]);
  });

  it.each([[1], [MAX_RELEASE_OBJECT_BYTES]])("accepts the size bound %d", (size) => {
    // Prepare
    const event = loadEvent("put-object");
    event.detail.object.size = size;

    // Act & Assess
    expect(decide(event, ALPHA).decision).toBe("start");
  });
});

describe("Function: idempotencyToken", () => {
  it("is the same for duplicate deliveries and different for any other write", () => {
    // Prepare
    const first = decide(loadEvent("put-object"), ALPHA);
    const duplicate = loadEvent("put-object");
    duplicate.id = "0e4d9f7a-0000-4000-8000-000000000001"; // S3 may re-emit a duplicate under a new id
    const rewritten = loadEvent("put-object");
    rewritten.detail.object["version-id"] = "another-version";

    // Act
    const tokens = [first, decide(duplicate, ALPHA), decide(rewritten, ALPHA)].map((d) => (d.decision === "start" ? d.input.idempotencyToken : d.reason));

    // Assess
    expect(tokens[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
    expect(idempotencyToken("b", "k", "v")).not.toBe(idempotencyToken("b|k", "", "v"));
  });
});

describe("Function: decide (drop)", () => {
  type Edit = (e: ReturnType<typeof loadEvent>) => void;
  const setKey = (key: string): Edit => (e) => {
    e.detail.object.key = key;
  };

  it.each<[string, Edit, string]>([
    ["another account", (e) => void (e.account = "123456789012"), 'account "123456789012" is not the central account 210987654321'],
    ["another bucket", (e) => void (e.detail.bucket.name = "acme-other-bucket"), 'bucket "acme-other-bucket" is not the artifact bucket acme-fleet-artifacts'],
    ["another environment", setKey("releases/bravo/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json"), 'is a release of environment "bravo", not of "alpha"'],
    ["another app (the fleet's app is pinned)", setKey("releases/alpha/intruder/9.0.0/20261120T101503Z-9f8e7d6c.json"), 'is a release of app "intruder"; this fleet deploys "payments-api" (FLEET_APP_NAME)'],
    ["a release id an hour ahead of S3's time", setKey("releases/alpha/payments-api/1.4.2/20261120T111504Z-9f8e7d6c.json"), "is 3601 s ahead of the time the storage wrote it (2026-11-20T10:15:04.000Z); at most 300 s are allowed"],
    ["an environment whose name starts with ours", setKey("releases/alpha-2/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json"), 'environment "alpha-2", not of "alpha"'],
    ["another event type", (e) => void (e["detail-type"] = "Object Deleted"), 'detail-type "Object Deleted" is not "Object Created"'],
    ["another source", (e) => void (e.source = "acme.s3"), 'source "acme.s3" is not "aws.s3"'],
    ["an artifact key", setKey("artifacts/payments-api/1.4.2/payments-api-1.4.2.zip"), "is a artifact key, not a release"],
    ["a status key", setKey("status/alpha/payments-api/20261120T101503Z-9f8e7d6c.json"), "is a status key, not a release"],
    ["a malformed key", setKey("releases/alpha/payments-api/latest.json"), "a release key is releases/<env>/<app>/<version>/<releaseId>.json"],
    ["a traversal", setKey("releases/alpha/../bravo/payments-api/1.4.2/20261120T101503Z-9f8e7d6c.json"), "'..' segment (path traversal)"],
    ["a URL-encoded key", setKey("releases/alpha/payments-api/1.4.2%2F20261120T101503Z-9f8e7d6c.json"), "keys are never URL-encoded"],
    ["a bad version", setKey("releases/alpha/payments-api/01.4.2/20261120T101503Z-9f8e7d6c.json"), 'version "01.4.2" is not SemVer'],
    ["an impossible release date", setKey("releases/alpha/payments-api/1.4.2/20261131T101503Z-9f8e7d6c.json"), "is not a real UTC date and time"],
    ["a missing version-id", (e) => void delete e.detail.object["version-id"], "no version-id: the bucket is not versioned"],
    ["moto's null version-id", (e) => void (e.detail.object["version-id"] = null), "no version-id"],
    ["an empty version-id", (e) => void (e.detail.object["version-id"] = ""), "no version-id"],
    ["the version-id \"null\"", (e) => void (e.detail.object["version-id"] = "null"), 'version-id is "null"'],
    ["a version-id with a space", (e) => void (e.detail.object["version-id"] = "a b"), "version-id is not 1–1024 printable ASCII characters"],
    ["a zero size", (e) => void (e.detail.object.size = 0), "size 0 is not a positive whole number of bytes"],
    ["a negative size", (e) => void (e.detail.object.size = -1), "size -1 is not a positive"],
    ["a fractional size", (e) => void (e.detail.object.size = 1.5), "size 1.5 is not a positive whole number"],
    ["an oversized object", (e) => void (e.detail.object.size = MAX_RELEASE_OBJECT_BYTES + 1), `size ${MAX_RELEASE_OBJECT_BYTES + 1} bytes is larger than a release record can be (65536)`],
    ["a size given as a string", (e) => void (e.detail.object.size = "618" as unknown as number), "not an S3 \"Object Created\" detail (detail.object.size:"],
    ["a detail without the object", (e) => void delete (e.detail as Record<string, unknown>).object, "not an S3 \"Object Created\" detail (detail.object:"],
    ["a missing account", (e) => void delete (e as Record<string, unknown>).account, "not an EventBridge event (account:"],
    ["a missing id", (e) => void delete (e as Record<string, unknown>).id, "not an EventBridge event (id:"],
  ])("drops %s", (_what, edit, reason) => {
    // Prepare
    const event = loadEvent("put-object");
    edit(event);

    // Act
    const r = dropReason(event);

    // Assess
    expect(r).toContain(reason);
  });

  it("drops the real multipart upload fixture as too large for a release record", () => {
    // Act & Assess
    expect(dropReason(loadEvent("complete-multipart-upload"))).toBe("size 27262976 bytes is larger than a release record can be (65536)");
  });

  it.each([[null], [undefined], ["text"], [42], [[]], [{}]])("drops %p without throwing", (event) => {
    // Act & Assess
    expect(dropReason(event)).toMatch(/^not an EventBridge event \(/);
  });

  it("keeps what it could read of a dropped event for the log line", () => {
    // Prepare
    const event = loadEvent("put-object");
    event.account = "123456789012";

    // Act
    const d = decide(event, ALPHA);

    // Assess
    expect(d.facts).toEqual({ eventId: "5b1c2f0e-7a1d-4c3e-9d11-0f6e2a9c1b77", key: PUT_KEY, versionId: PUT_VERSION_ID });
  });

  it("starts every fixture of this environment once its size is sane", () => {
    // Prepare & Act
    const decisions = FIXTURES.map((name) => {
      const e = loadEvent(name);
      e.detail.object.size = 700;
      return decide(e, ALPHA).decision;
    });

    // Assess
    expect(decisions).toEqual(["start", "start", "start", "start"]);
  });

  it("starts a release id at most MAX_CLOCK_SKEW_MS ahead of the event's time and drops one further ahead (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -7 * 86_400_000, max: 7 * 86_400_000 }), fc.boolean(), (offset, epochSeconds) => {
        // Prepare: S3 stored the object at `stored`; the writer's clock was `offset` ms off
        const stored = new Date("2026-11-20T10:15:04Z");
        const event = loadEvent("put-object");
        (event as Record<string, unknown>).time = epochSeconds ? stored.getTime() / 1000 : stored.toISOString().replace(".000Z", "Z");
        event.detail.object.key = `releases/alpha/payments-api/1.4.2/${formatReleaseId(new Date(stored.getTime() + offset), "9f8e7")}.json`;
        // Act
        const d = decide(event, ALPHA);
        // Assess
        expect(d.decision).toBe(offset <= MAX_CLOCK_SKEW_MS ? "start" : "drop");
      }),
      { numRuns: 500 },
    );
  });

  it("drops every fixture for another environment's function", () => {
    // Prepare
    const bravo = { ...ALPHA, environment: "bravo", codeBuildProject: "fleet-deploy-bravo" };

    // Act
    const reasons = FIXTURES.map((name) => {
      const d = decide(loadEvent(name), bravo);
      return d.decision === "drop" ? d.reason : "started";
    });

    // Assess
    for (const r of reasons) expect(r).toContain('is a release of environment "alpha", not of "bravo"');
  });
});
