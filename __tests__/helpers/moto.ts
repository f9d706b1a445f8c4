/**
 * A real local AWS for tests: a moto server on a free loopback port (DESIGN.md §7). Each test file starts
 * its own and stops it. Where moto is missing the tests skip with the reason printed, except in CI
 * (`FLEET_REQUIRE_MOTO=1`), where a missing moto fails.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface Moto {
  readonly endpoint: string;
  readonly port: number;
  /** Environment for SDK clients and child processes pointed at this server. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

const probe = (() => {
  const r = spawnSync("python3", ["-c", "import moto.server"], { encoding: "utf8" });
  if (r.error) return { ok: false, reason: `python3 not found (${r.error.message})` };
  if (r.status !== 0) return { ok: false, reason: `moto is not installed for python3: pip install "moto[server]" (${r.stderr.trim().split("\n").pop()})` };
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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) return;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto server did not answer on ${endpoint} within ${timeoutMs} ms: ${String(lastErr)}`);
}

export async function startMoto(options: { region?: string } = {}): Promise<Moto> {
  const port = await freePort();
  const child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(endpoint, child, 20000);
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: options.region ?? "eu-west-1",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "testing",
    FLEET_S3_FORCE_PATH_STYLE: "true",
  };
  return {
    endpoint,
    port,
    env,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}
