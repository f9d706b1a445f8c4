/**
 * The controller's one port to storage, and its in-memory adapter (tests, the benchmark, simulations).
 * The S3 adapter (lambdas/rollout_controller/s3-store.ts) maps each method to one S3 request shape:
 * conditional writes give the two guarantees the controller builds on, compare-and-swap of the state
 * (If-Match on its ETag) and write-once releases and commands (If-None-Match: *).
 */
import type { Manifest, Release, Status } from "../records";
import type { RolloutCommand, RolloutState } from "./state";

export interface StoredState {
  readonly state: RolloutState;
  /** Opaque version of the stored object, for {@link RolloutStore.writeState}. */
  readonly etag: string;
}

export interface RolloutStore {
  /** The storage's clock in ms: release ids and timeouts never rest on the local clock alone. */
  now(): Promise<number>;
  /** Rollout ids of an app, oldest first (ids sort by time). */
  listRolloutIds(app: string): Promise<string[]>;
  readState(app: string, rolloutId: string): Promise<StoredState | undefined>;
  /**
   * Compare-and-swap. `etag` undefined creates the state and fails if it exists; otherwise replaces it only
   * if it is still that version. Returns the new etag, or undefined when another writer came first.
   */
  writeState(state: RolloutState, etag: string | undefined): Promise<string | undefined>;
  listCommands(app: string, rolloutId: string): Promise<RolloutCommand[]>;
  /** Write-once. */
  putCommand(app: string, rolloutId: string, command: RolloutCommand): Promise<void>;
  /** The status record at status/<env>/<app>/<releaseId>.json, if there is one and it agrees with its key. */
  readStatus(env: string, app: string, releaseId: string): Promise<Status | undefined>;
  /** Release ids with a status record, per environment, oldest first. */
  listStatusIds(app: string): Promise<Map<string, string[]>>;
  /** Write-once (If-None-Match: *): "exists" when the key is already there, which is success too. */
  putRelease(release: Release): Promise<"written" | "exists">;
  readManifest(app: string, version: string): Promise<Manifest | undefined>;
}

/** Storage in a Map. Objects are kept as given (callers never mutate them), so the CPU it costs is the controller's. */
export class MemoryStore implements RolloutStore {
  readonly states = new Map<string, { state: RolloutState; etag: number }>();
  readonly commands = new Map<string, RolloutCommand[]>();
  readonly statuses = new Map<string, Status>();
  readonly releases = new Map<string, Release>();
  readonly manifests = new Map<string, Manifest>();
  /** Counts of calls, for tests and the benchmark. */
  readonly calls = { putRelease: 0, releaseExists: 0, writeState: 0, conflicts: 0 };
  private etags = 0;

  constructor(private readonly clock: () => number = () => Date.now()) {}

  async now(): Promise<number> {
    return this.clock();
  }

  async listRolloutIds(app: string): Promise<string[]> {
    return [...this.states.keys()].filter((k) => k.startsWith(`${app}/`)).map((k) => k.slice(app.length + 1)).sort();
  }

  async readState(app: string, rolloutId: string): Promise<StoredState | undefined> {
    const s = this.states.get(`${app}/${rolloutId}`);
    return s ? { state: s.state, etag: String(s.etag) } : undefined;
  }

  async writeState(state: RolloutState, etag: string | undefined): Promise<string | undefined> {
    this.calls.writeState++;
    const key = `${state.app}/${state.rolloutId}`;
    const cur = this.states.get(key);
    if (etag === undefined ? cur !== undefined : cur === undefined || String(cur.etag) !== etag) {
      this.calls.conflicts++;
      return undefined;
    }
    const next = ++this.etags;
    this.states.set(key, { state, etag: next });
    return String(next);
  }

  async listCommands(app: string, rolloutId: string): Promise<RolloutCommand[]> {
    return [...(this.commands.get(`${app}/${rolloutId}`) ?? [])];
  }

  async putCommand(app: string, rolloutId: string, command: RolloutCommand): Promise<void> {
    const key = `${app}/${rolloutId}`;
    const list = this.commands.get(key) ?? [];
    if (list.some((c) => c.id === command.id)) return;
    this.commands.set(key, [...list, command]);
  }

  async readStatus(env: string, app: string, releaseId: string): Promise<Status | undefined> {
    return this.statuses.get(`${env}/${app}/${releaseId}`);
  }

  async listStatusIds(app: string): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const s of this.statuses.values()) if (s.app === app) out.set(s.env, [...(out.get(s.env) ?? []), s.releaseId].sort());
    return out;
  }

  async putRelease(release: Release): Promise<"written" | "exists"> {
    const key = `${release.env}/${release.app}/${release.version}/${release.releaseId}`;
    if (this.releases.has(key)) {
      this.calls.releaseExists++;
      return "exists";
    }
    this.calls.putRelease++;
    this.releases.set(key, release);
    return "written";
  }

  async readManifest(app: string, version: string): Promise<Manifest | undefined> {
    return this.manifests.get(`${app}/${version}`);
  }

  /** What a deployer does: write (or rewrite) a status record. */
  putStatus(status: Status): void {
    this.statuses.set(`${status.env}/${status.app}/${status.releaseId}`, status);
  }
}
