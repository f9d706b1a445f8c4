/**
 * A real local AWS for tests: a moto server on a free loopback port, run by FLEET_PYTHON (a virtualenv's
 * python) or python3. Each test file starts its own and stops it. Where moto is missing the tests skip with the reason printed, except in CI
 * (`FLEET_REQUIRE_MOTO=1`), where a missing moto fails.
 */
import { spawnSync } from "node:child_process";
import { MOTO_INSTALL_HINT, pythonFrom, startLocalAws } from "../../cli/local/moto";

export { freePort } from "../../cli/local/moto";

export interface Moto {
  readonly endpoint: string;
  readonly port: number;
  /** Environment for SDK clients and child processes pointed at this server. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

const python = pythonFrom(process.env);

const probe = (() => {
  const r = spawnSync(python, ["-c", "import moto.server"], { encoding: "utf8" });
  if (r.error) return { ok: false, reason: `${python} not found (${r.error.message})` };
  if (r.status !== 0) return { ok: false, reason: `moto is not installed for ${python}: ${MOTO_INSTALL_HINT} (${r.stderr.trim().split("\n").pop()})` };
  return { ok: true, reason: "" };
})();

export const motoAvailable = probe.ok;

/** `describe` when moto is there; otherwise skip with the reason printed (or fail under FLEET_REQUIRE_MOTO=1). */
export function describeWithMoto(name: string, fn: () => void): void {
  if (probe.ok) {
    describe(name, fn);
  } else if (process.env.FLEET_REQUIRE_MOTO === "1") {
    describe(name, () => {
      it("needs a moto server (FLEET_REQUIRE_MOTO=1)", () => {
        throw new Error(`moto is required here: ${probe.reason}`);
      });
    });
  } else {
    console.warn(`SKIPPED "${name}": ${probe.reason}`);
    // eslint-disable-next-line jest/no-disabled-tests -- skipped only without moto, with the reason printed above
    describe.skip(name, fn);
  }
}

/**
 * Starts the same local AWS as `fleet local` (cli/local/moto.ts: free port, retried start, a watchdog that ends
 * moto when the test process dies) and returns the environment SDK clients and child processes need.
 */
export async function startMoto(options: { region?: string } = {}): Promise<Moto> {
  const aws = await startLocalAws({ python });
  const env = {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: options.region ?? "eu-west-1",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "testing",
    FLEET_S3_FORCE_PATH_STYLE: "true",
  };
  return { endpoint: aws.endpoint, port: aws.port, env, stop: () => aws.stop() };
}
