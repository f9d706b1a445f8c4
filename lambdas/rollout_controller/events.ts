/**
 * What woke the controller: one EventBridge event (an S3 "Object Created", or the schedule), or a batch of
 * them in the SQS event shape (`Records[].body`) when a queue delivers them. A burst of status records is
 * then one step that reads the records the batch names, instead of one step per record.
 */
import { parseKey } from "../../core/keys";
import { parseRolloutKey } from "../../core/rollout/keys";

export interface Wakeup {
  /** The object keys named, in order; "schedule" for anything that names none. */
  readonly triggers: readonly string[];
  /** The rollout a command key named, if any (the last one). */
  readonly rolloutId: string | undefined;
  /** Status keys of this app, when every event names one: the step reads only those records. */
  readonly changedStatusKeys: ReadonlySet<string> | undefined;
}

/** The object key of an S3 event (EventBridge shape), if it is one. */
function keyOf(event: unknown): string | undefined {
  const key = (event as { detail?: { object?: { key?: unknown } } } | null)?.detail?.object?.key;
  return typeof key === "string" ? key : undefined;
}

/** The events of an SQS batch, or the one event. A body that is not JSON names nothing (a schedule-like wakeup). */
function eventsOf(event: unknown): unknown[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) return [event];
  return records.map((r) => {
    const body = (r as { body?: unknown } | null)?.body;
    try {
      return typeof body === "string" ? (JSON.parse(body) as unknown) : undefined;
    } catch {
      return undefined;
    }
  });
}

export function wakeupOf(event: unknown, app: string): Wakeup {
  const triggers: string[] = [];
  const changed = new Set<string>();
  let onlyStatus = true;
  let rolloutId: string | undefined;
  for (const e of eventsOf(event)) {
    const key = keyOf(e);
    triggers.push(key ?? "schedule");
    const named = key === undefined ? undefined : parseRolloutKey(key);
    if (named && named.app === app) rolloutId = named.rolloutId;
    const parsed = key === undefined ? undefined : parseKey(key);
    if (key !== undefined && parsed?.ok && parsed.key.kind === "status" && parsed.key.app === app) changed.add(key);
    else onlyStatus = false;
  }
  return { triggers, rolloutId, changedStatusKeys: onlyStatus && changed.size > 0 ? changed : undefined };
}
