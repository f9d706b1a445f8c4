/**
 * The local AWS of `fleet local`: a moto server (a local emulation of the AWS APIs) on a free loopback port, started and stopped
 * by the run, and credentials for any account id in it. moto maps the keys that STS AssumeRole returns to
 * the account of the assumed role, so "being in account X" locally is the same call as in AWS:
 * AssumeRole into `arn:aws:iam::X:role/...`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { MotoUnavailableError } from "./errors";

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface LocalAws {
  readonly endpoint: string;
  readonly port: number;
  /** Credentials of a role in `account` (cached per account). */
  credentialsFor(account: string): Promise<AwsCredentials>;
  /** Environment for a child process acting in `account`/`region` against this server. */
  envFor(account: string, region: string): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * A virtualenv, because current Debian, Ubuntu and Homebrew Pythons refuse a system-wide `pip install`
 * (PEP 668, "externally-managed-environment").
 */
export const MOTO_INSTALL_HINT =
  'python3 -m venv ~/.venvs/fleet-moto && ~/.venvs/fleet-moto/bin/pip install "moto[server]", then export FLEET_PYTHON=~/.venvs/fleet-moto/bin/python';

/** The Python that runs moto: FLEET_PYTHON (a virtualenv's python), else python3 from PATH. */
export function pythonFrom(env: Readonly<Record<string, string | undefined>>): string {
  const chosen = env.FLEET_PYTHON?.trim();
  return chosen === undefined || chosen === "" ? "python3" : chosen;
}

/** Checks that `<python> -m moto.server` can run; throws with the install hint when it cannot. */
export function checkMotoInstalled(python = "python3"): void {
  const r = spawnSync(python, ["-c", "import moto.server"], { encoding: "utf8" });
  if (r.error) throw new MotoUnavailableError(`fleet local needs Python with moto (the local AWS): ${python} was not found (${r.error.message}). Install Python 3, then ${MOTO_INSTALL_HINT}`);
  if (r.status !== 0) {
    const last = r.stderr.trim().split("\n").pop() ?? "";
    throw new MotoUnavailableError(`fleet local needs moto (the local AWS) for ${python}: ${MOTO_INSTALL_HINT} (import failed: ${last})`);
  }
}

/**
 * `python3 -m moto.server`, with the backends of the chain imported before it listens: moto imports a
 * service on its first request, and SSM's import alone takes ~5 s here. Importing at start overlaps that
 * with synthesis instead of stalling provisioning.
 */
const PRELOAD = [
  "import os, sys, threading, time",
  // A watchdog: when the run that started this server dies without stopping it (killed, a closed pipe), the
  // server exits too instead of lingering on its port.
  "parent = os.getppid()",
  "def watch():",
  "    while os.getppid() == parent: time.sleep(1)",
  "    os._exit(0)",
  "threading.Thread(target=watch, daemon=True).start()",
  "import moto.s3.models, moto.events.models, moto.sqs.models, moto.ssm.models, moto.sts.models, moto.iam.models",
  "from moto.server import main",
  "main(sys.argv[1:])",
].join("\n");

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
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 3000).unref();
  });
}

/**
 * Starts moto on a free 127.0.0.1 port. The port is picked, then bound by moto: another process can take it
 * in between, so a failed start is retried on a new port.
 */
export async function startLocalAws(options: { python?: string; startTimeoutMs?: number } = {}): Promise<LocalAws> {
  const python = options.python ?? "python3";
  checkMotoInstalled(python);
  let lastError = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(python, ["-c", PRELOAD, "-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilUp(endpoint, child, options.startTimeoutMs ?? 30000);
    } catch (err) {
      await stopChild(child);
      lastError = `${(err as Error).message}\n${stderr.trim()}`;
      continue;
    }
    return localAws(endpoint, port, child);
  }
  throw new MotoUnavailableError(`could not start the local AWS (python3 -m moto.server): ${lastError}`);
}

function localAws(endpoint: string, port: number, child: ChildProcess): LocalAws {
  const cache = new Map<string, Promise<AwsCredentials>>();
  // The first call needs some credentials to sign with; moto accepts any and maps them to its default account.
  const sts = new STSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "fleet-local", secretAccessKey: "fleet-local" } });
  const credentialsFor = (account: string): Promise<AwsCredentials> => {
    let p = cache.get(account);
    if (!p) {
      p = sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/fleet-local`, RoleSessionName: "fleet-local" })).then((r) => {
        const c = r.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error(`STS AssumeRole into ${account} returned no credentials`);
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
      });
      cache.set(account, p);
    }
    return p;
  };
  return {
    endpoint,
    port,
    credentialsFor,
    async envFor(account, region) {
      const c = await credentialsFor(account);
      return {
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: c.accessKeyId,
        AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
        AWS_SESSION_TOKEN: c.sessionToken,
        FLEET_S3_FORCE_PATH_STYLE: "true",
      };
    },
    stop: () => {
      sts.destroy();
      return stopChild(child);
    },
  };
}
