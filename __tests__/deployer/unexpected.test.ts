/**
 * deploy() when something nobody expected goes wrong (a bug, an exception thrown outside every promise
 * chain): the record still ends at finished/failed with one line, and the log holds no stack trace. The
 * ports are in-memory stand-ins of the project's own interfaces (the AWS adapters are tested against moto
 * in deployer.test.ts); they record every status written.
 */
import { readDeployerConfig } from "../../deployer/config";
import { deploy, type DeployPorts } from "../../deployer/deploy";
import { RELEASE_SCHEMA, type Status } from "../../core/records";

const ID = "20261129T120000Z-0a1b2c3d";
const config = readDeployerConfig({
  FLEET_RELEASE_KEY: `releases/alpha/payments-api/1.2.0/${ID}.json`,
  FLEET_RELEASE_VERSION_ID: "v1",
  FLEET_APP: "payments-api",
  FLEET_APP_NAME: "payments-api",
  FLEET_VERSION: "1.2.0",
  FLEET_RELEASE_ID: ID,
  FLEET_ENVIRONMENT: "alpha",
  FLEET_ARTIFACT_BUCKET: "acme-fleet-artifacts",
  AWS_REGION: "eu-west-1",
});
const release = {
  schema: RELEASE_SCHEMA,
  env: "alpha",
  app: "payments-api",
  version: "1.2.0",
  artifactKey: "artifacts/payments-api/1.2.0/payments-api-1.2.0.zip",
  artifactSha256: "a".repeat(64),
  releaseId: ID,
  requestedBy: "ci",
  reason: "",
  allowDowngrade: false,
  createdAt: "2026-11-29T12:00:00Z",
};

function ports(overrides: Partial<DeployPorts> & { listKeys?: () => Promise<string[]> }) {
  const written: Status[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const p: DeployPorts = {
    bucket: {
      bucket: "acme-fleet-artifacts",
      getJson: () => Promise.resolve(release),
      getStored: () => Promise.resolve({ body: release, storedAt: new Date("2026-11-29T12:00:01Z") }),
      getStatus: () => Promise.resolve(written.at(-1)),
      listKeys: overrides.listKeys ?? (() => Promise.resolve([])),
      download: () => Promise.reject(new Error("not reached")),
      putStatus: (_key, status) => {
        written.push(status);
        return Promise.resolve();
      },
    },
    deployedVersion: { name: "/fleet/alpha/payments-api/deployed-version", get: () => Promise.resolve("1.0.0"), put: () => Promise.resolve() },
    extract: () => Promise.reject(new Error("not reached")),
    apply: () => Promise.resolve({ ok: true }),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    now: () => new Date("2026-11-29T12:00:02Z"),
    processEnv: {},
    ...overrides,
  };
  return { p, written, out, err };
}

describe("deploy() and errors nobody expected", () => {
  it("ends at finished/failed with one line when an unexpected error is raised while a step hangs", async () => {
    // Prepare: the listing never answers; meanwhile the process reports an uncaught exception
    let raise: (e: unknown) => void = () => undefined;
    const unexpected = new Promise<never>((_r, reject) => (raise = reject));
    const t = ports({ unexpected, listKeys: () => new Promise<string[]>(() => undefined) });
    setTimeout(() => raise(new RangeError("invalid unref")), 10);
    // Act
    const outcome = await deploy(config, "/nonexistent-work-dir", t.p);
    // Assess
    expect(outcome).toEqual({ result: "failed", message: "internal error: RangeError: invalid unref", exitCode: 1 });
    expect(t.written.map((s) => `${s.phase}/${s.result}`)).toEqual(["started/in-progress", "finished/failed"]);
    expect(t.written.at(-1)?.error).toBe("internal error: RangeError: invalid unref");
    expect(t.err).toEqual(["✖ deploy alpha 1.2.0: internal error: RangeError: invalid unref"]);
    expect(t.out.join("\n")).not.toMatch(/\n\s+at /);
  });

  it("reports a bug in a step as one line, without the stack trace", async () => {
    // Prepare
    const t = ports({ listKeys: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'Key')")) });
    // Act
    const outcome = await deploy(config, "/nonexistent-work-dir", t.p);
    // Assess
    expect(outcome.result).toBe("failed");
    expect(t.err).toEqual(["✖ deploy alpha 1.2.0: internal error: TypeError: Cannot read properties of undefined (reading 'Key')"]);
    expect([...t.out, ...t.err].join("\n")).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
    expect(t.written.at(-1)).toMatchObject({ phase: "finished", result: "failed" });
  });
});
