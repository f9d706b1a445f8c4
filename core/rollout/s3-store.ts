/**
 * The {@link RolloutStore} port on the central bucket: the one storage adapter in core/, because three
 * parts drive rollouts with it (the controller Lambda, `fleet rollout`, the pipe's rollout mode) and those
 * parts may share code only through core/. The caller passes the client; nothing here reads the environment. Every write is conditional:
 * - the state: `If-Match: <ETag>` (compare-and-swap), or `If-None-Match: *` when it is created;
 * - releases and commands: `If-None-Match: *` (write-once; 412 means someone else stored it: fine).
 * S3 answers 412 to a lost condition and 409 to a conditional write racing another on the same key; both
 * mean "another writer came first".
 *
 * The storage's clock: every response carries a `Date` header; the store keeps the offset between it and
 * the local clock, so release ids and timeouts follow the bucket's time even on a machine whose clock is off.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { manifestKey, parseKey, releaseKey, statusKey } from "../keys";
import { ManifestSchema, ReleaseSchema, StatusSchema, type Manifest, type Release, type Status } from "../records";
import { RolloutStateError } from "./errors";
import { commandKey, commandsPrefix, rolloutStateKey, rolloutsPrefix } from "./keys";
import { RolloutCommandSchema, RolloutStateSchema, type RolloutCommand, type RolloutState } from "./state";
import type { RolloutStore, StoredState } from "./store";
import { isValidReleaseId } from "../version";

const status = (err: unknown): number | undefined => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const lostRace = (err: unknown): boolean => status(err) === 412 || status(err) === 409;
const missing = (err: unknown): boolean => status(err) === 404 || (err as { name?: string }).name === "NoSuchKey";

/** Below this the local clock is trusted (the Date header has one-second resolution). */
const SKEW_TOLERANCE_MS = 1_000;
let clocks = 0;

export class S3RolloutStore implements RolloutStore {
  private offsetMs: number | undefined;

  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    private readonly localClock: () => number = () => Date.now(),
  ) {
    s3.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const date = (out.response as { headers?: Record<string, string> }).headers?.date;
        const at = date ? Date.parse(date) : NaN;
        if (!Number.isNaN(at)) {
          const d = at - this.localClock();
          this.offsetMs = Math.abs(d) <= SKEW_TOLERANCE_MS ? 0 : d;
        }
        return out;
      },
      // One per store: several stores may share a client (the CLI and the tests do).
      { step: "deserialize", name: `fleetStorageClock${++clocks}` },
    );
  }

  async now(): Promise<number> {
    if (this.offsetMs === undefined) await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: "rollouts/", MaxKeys: 1 }));
    return this.localClock() + (this.offsetMs ?? 0);
  }

  private async getText(key: string): Promise<{ text: string; etag: string } | undefined> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { text: (await res.Body?.transformToString()) ?? "", etag: res.ETag ?? "" };
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  }

  private async put(key: string, body: unknown, condition: { IfMatch: string } | { IfNoneMatch: "*" }): Promise<string | undefined> {
    try {
      const res = await this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: `${JSON.stringify(body, null, 1)}\n`, ContentType: "application/json", ChecksumAlgorithm: "SHA256", ...condition }),
      );
      return res.ETag ?? "";
    } catch (err) {
      if (lostRace(err)) return undefined;
      throw err;
    }
  }

  private async listKeys(prefix: string, delimiter?: string): Promise<{ keys: string[]; prefixes: string[] }> {
    const keys: string[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token, ...(delimiter ? { Delimiter: delimiter } : {}) }));
      for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
      for (const p of res.CommonPrefixes ?? []) if (p.Prefix) prefixes.push(p.Prefix);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return { keys, prefixes };
  }

  async listRolloutIds(app: string): Promise<string[]> {
    const base = rolloutsPrefix(app);
    const { prefixes } = await this.listKeys(base, "/");
    return prefixes.map((p) => p.slice(base.length, -1)).filter(isValidReleaseId).sort();
  }

  async readState(app: string, rolloutId: string): Promise<StoredState | undefined> {
    const key = rolloutStateKey(app, rolloutId);
    const got = await this.getText(key);
    if (!got) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(got.text);
    } catch {
      throw new RolloutStateError(`s3://${this.bucket}/${key} is not JSON`);
    }
    const parsed = RolloutStateSchema.safeParse(json);
    if (!parsed.success) throw new RolloutStateError(`s3://${this.bucket}/${key} is not a rollout state this controller can read: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return { state: parsed.data, etag: got.etag };
  }

  async writeState(state: RolloutState, etag: string | undefined): Promise<string | undefined> {
    return this.put(rolloutStateKey(state.app, state.rolloutId), state, etag === undefined ? { IfNoneMatch: "*" } : { IfMatch: etag });
  }

  async listCommands(app: string, rolloutId: string): Promise<RolloutCommand[]> {
    const { keys } = await this.listKeys(commandsPrefix(app, rolloutId));
    const out: RolloutCommand[] = [];
    for (const key of keys) {
      const got = await this.getText(key);
      let parsed: ReturnType<typeof RolloutCommandSchema.safeParse> | undefined;
      try {
        parsed = got ? RolloutCommandSchema.safeParse(JSON.parse(got.text)) : undefined;
      } catch {
        parsed = undefined;
      }
      // A command whose body disagrees with its key is not ours: ignored, like a stray status record.
      if (parsed?.success && key === commandKey(app, rolloutId, parsed.data.id)) out.push(parsed.data);
    }
    return out;
  }

  async putCommand(app: string, rolloutId: string, command: RolloutCommand): Promise<void> {
    await this.put(commandKey(app, rolloutId, command.id), RolloutCommandSchema.parse(command), { IfNoneMatch: "*" });
  }

  async readStatus(env: string, app: string, releaseId: string): Promise<Status | undefined> {
    const got = await this.getText(statusKey(env, app, releaseId));
    if (!got) return undefined;
    try {
      const parsed = StatusSchema.safeParse(JSON.parse(got.text));
      // A status record counts only for the environment, app and release id of its key.
      if (!parsed.success || parsed.data.env !== env || parsed.data.app !== app || parsed.data.releaseId !== releaseId) return undefined;
      return parsed.data;
    } catch {
      return undefined;
    }
  }

  async listStatusIds(app: string): Promise<Map<string, string[]>> {
    const { keys } = await this.listKeys("status/");
    const out = new Map<string, string[]>();
    for (const key of keys) {
      const p = parseKey(key);
      if (!p.ok || p.key.kind !== "status" || p.key.app !== app) continue;
      out.set(p.key.env, [...(out.get(p.key.env) ?? []), p.key.releaseId]);
    }
    for (const ids of out.values()) ids.sort();
    return out;
  }

  async putRelease(release: Release): Promise<"written" | "exists"> {
    const r = ReleaseSchema.parse(release);
    const etag = await this.put(releaseKey(r.env, r.app, r.version, r.releaseId), r, { IfNoneMatch: "*" });
    return etag === undefined ? "exists" : "written";
  }

  async readManifest(app: string, version: string): Promise<Manifest | undefined> {
    const got = await this.getText(manifestKey(app, version));
    if (!got) return undefined;
    try {
      const parsed = ManifestSchema.safeParse(JSON.parse(got.text));
      return parsed.success && parsed.data.app === app && parsed.data.version === version ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
