/**
 * Runs the bundled assets_tracker handler the way Lambda runs a function: one process ("container") per
 * function per account, reused while warm, one invocation at a time, with the function's environment
 * variables from the synthesized stack. A process per tenant is needed, not a convenience: the handler reads
 * its configuration and creates its CodeBuild client once per container, from process.env.
 */
import { fork, type ChildProcess } from "node:child_process";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export interface InvokeResult {
  readonly ok: boolean;
  /** The handler's return value. */
  readonly result?: unknown;
  /** The error it threw: Lambda would retry the asynchronous invoke. */
  readonly error?: { readonly name: string; readonly message: string };
  /** Lines the handler logged during this invocation. */
  readonly logs: readonly string[];
}

// The container's bootstrap: load the bundle once, then answer invocations over the IPC channel.
const BOOTSTRAP = `"use strict";
const { handler } = require(process.env.FLEET_LOCAL_HANDLER_BUNDLE);
process.on("message", (m) => {
  Promise.resolve()
    .then(() => handler(m.event, { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: m.id, getRemainingTimeInMillis: () => 60000 }))
    .then((result) => process.send({ id: m.id, ok: true, result }))
    .catch((e) => process.send({ id: m.id, ok: false, error: { name: (e && e.name) || "Error", message: String((e && e.message) || e) } }));
});
process.send({ ready: true });
`;

interface Pending {
  readonly resolve: (r: InvokeResult) => void;
  readonly logs: string[];
}

export class LambdaContainer {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private chain: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;
  private seq = 0;
  lastUsed = Date.now();
  busy = 0;

  constructor(bootstrapFile: string, env: Record<string, string>) {
    this.child = fork(bootstrapFile, [], { env, execArgv: [], stdio: ["ignore", "pipe", "pipe", "ipc"] });
    const onLines = (d: Buffer) => {
      for (const line of d.toString("utf8").split("\n")) if (line.trim() !== "") this.pending?.logs.push(line);
    };
    this.child.stdout?.on("data", onLines);
    this.child.stderr?.on("data", onLines);
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (m.ready) {
          this.child.off("message", onMessage);
          resolve();
        }
      };
      this.child.on("message", onMessage);
      this.child.once("exit", (code) => reject(new Error(`the handler container exited during init (code ${code})`)));
    });
    this.ready.catch(() => undefined);
    this.child.on("message", (m: { id?: string; ok?: boolean; result?: unknown; error?: { name: string; message: string } }) => {
      if (m.id === undefined || !this.pending) return;
      const p = this.pending;
      this.pending = undefined;
      p.resolve({ ok: m.ok === true, result: m.result, ...(m.error ? { error: m.error } : {}), logs: p.logs });
    });
    this.child.on("exit", (code, signal) => {
      const p = this.pending;
      this.pending = undefined;
      p?.resolve({ ok: false, error: { name: "Runtime.ExitError", message: `the handler process exited (${signal ?? code})` }, logs: p.logs });
    });
  }

  /** One invocation at a time, as Lambda gives one event to one container. */
  invoke(event: unknown): Promise<InvokeResult> {
    this.busy++;
    const run = async (): Promise<InvokeResult> => {
      await this.ready;
      this.lastUsed = Date.now();
      return new Promise<InvokeResult>((resolve) => {
        this.pending = { resolve, logs: [] };
        this.child.send({ id: String(++this.seq), event });
      });
    };
    const p = this.chain.then(run, run).catch((err: Error): InvokeResult => ({ ok: false, error: { name: "Runtime.InitError", message: err.message }, logs: [] }));
    this.chain = p;
    return p.finally(() => {
      this.busy--;
      this.lastUsed = Date.now();
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
      setTimeout(() => this.child.kill("SIGKILL"), 2000).unref();
    });
  }
}

/** Warm containers per function, at most `max` alive: the least recently used idle one is stopped first. */
export class ContainerPool {
  private readonly containers = new Map<string, LambdaContainer>();
  private readonly bootstrapFile: string;

  constructor(
    workDir: string,
    private readonly max: number,
  ) {
    mkdirSync(workDir, { recursive: true });
    this.bootstrapFile = join(workDir, "lambda-bootstrap.cjs");
    writeFileSync(this.bootstrapFile, BOOTSTRAP);
  }

  get(key: string, env: () => Record<string, string>): LambdaContainer {
    let c = this.containers.get(key);
    if (!c) {
      if (this.containers.size >= this.max) {
        const idle = [...this.containers].filter(([, x]) => x.busy === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
        if (idle) {
          this.containers.delete(idle[0]);
          void idle[1].stop();
        }
      }
      c = new LambdaContainer(this.bootstrapFile, env());
      this.containers.set(key, c);
    }
    return c;
  }

  async stop(): Promise<void> {
    const all = [...this.containers.values()];
    this.containers.clear();
    await Promise.all(all.map((c) => c.stop()));
  }
}
