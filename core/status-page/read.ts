/**
 * Which status records a fleet view needs, read through a small port (list keys, get one object) so the
 * pipe can read them with its own S3 client. Cheap at fleet scale: one listing of `status/` (keys sort by
 * release id, so an environment's newest record is its last key), then per environment only its newest
 * record and, walking back, its newest succeeded one; known versions from the listing of `artifacts/<app>/`.
 */
import { attributeStatus } from "../fleet-status";
import { parseKey, statusKey } from "../keys";
import type { Status } from "../records";
import { compareReleaseIds } from "../version";

export interface RecordSource {
  /** Every key under the prefix (all pages). */
  list(prefix: string): Promise<string[]>;
  /** The object's text. */
  get(key: string): Promise<string>;
  /** How a key is named in warnings (for example `s3://bucket/key`). @default the key itself */
  describe?(key: string): string;
}

export interface ReadRecords {
  readonly records: Status[];
  readonly knownVersions: string[];
}

/** Runs `fn` over items with at most `limit` in flight. */
async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i];
      if (item !== undefined) out[i] = await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function readStatusRecords(source: RecordSource, app: string, warn: (line: string) => void): Promise<ReadRecords> {
  const [statusKeys, artifactKeys] = await Promise.all([source.list("status/"), source.list(`artifacts/${app}/`)]);
  const idsByEnv = new Map<string, string[]>();
  for (const key of statusKeys) {
    const p = parseKey(key);
    if (!p.ok || p.key.kind !== "status" || p.key.app !== app) continue;
    idsByEnv.set(p.key.env, [...(idsByEnv.get(p.key.env) ?? []), p.key.releaseId]);
  }
  const read = async (key: string): Promise<Status | undefined> => {
    const where = source.describe?.(key) ?? key;
    let json: unknown;
    try {
      json = JSON.parse(await source.get(key));
    } catch {
      warn(`⚠ ${where}: not JSON; ignored`);
      return undefined;
    }
    // A record counts for the environment its key names, as in `fleet status`.
    const attributed = attributeStatus(key, json);
    if (!attributed.ok) warn(`⚠ ${where}: ${attributed.reason}; ignored`);
    return attributed.ok ? attributed.status : undefined;
  };
  const perEnv = await mapPool([...idsByEnv.entries()], 8, async ([env, ids]) => {
    const found: Status[] = [];
    for (const id of [...ids].sort((a, b) => compareReleaseIds(b, a))) {
      const record = await read(statusKey(env, app, id));
      if (!record) continue;
      found.push(record);
      if (record.result === "succeeded") break;
    }
    return found;
  });
  const knownVersions = artifactKeys.flatMap((k) => {
    const p = parseKey(k);
    return p.ok && p.key.kind === "artifact" ? [p.key.version] : [];
  });
  return { records: perEnv.flat(), knownVersions };
}
