/**
 * Keys under `rollouts/<app>/<rolloutId>/` and the release ids a rollout derives.
 *
 *   rollouts/<app>/<rolloutId>/state.json                 the state; replaced only by compare-and-swap
 *   rollouts/<app>/<rolloutId>/commands/<commandId>.json  halt/resume requests; write-once
 *
 * A release id is derived from the rollout, the environment, the attempt and the kind (rollout or
 * rollback) plus the storage's time at the decision, and recorded in the state before it is written: a
 * second controller that repeats the write hits the same key (If-None-Match: * → 412), never a second one.
 */
import { NAME_RE } from "../patterns";
import { formatReleaseId, isValidReleaseId } from "../version";

export const ROLLOUTS_PREFIX = "rollouts/";

function checked(app: string, rolloutId: string): void {
  if (!NAME_RE.test(app)) throw new Error(`app ${JSON.stringify(app)} does not match ${NAME_RE.source}`);
  if (!isValidReleaseId(rolloutId)) throw new Error(`rollout id ${JSON.stringify(rolloutId)} is not YYYYMMDDTHHMMSSZ-<8 hex>`);
}

export function rolloutsPrefix(app: string): string {
  if (!NAME_RE.test(app)) throw new Error(`app ${JSON.stringify(app)} does not match ${NAME_RE.source}`);
  return `${ROLLOUTS_PREFIX}${app}/`;
}

export function rolloutStateKey(app: string, rolloutId: string): string {
  checked(app, rolloutId);
  return `${ROLLOUTS_PREFIX}${app}/${rolloutId}/state.json`;
}

export function commandsPrefix(app: string, rolloutId: string): string {
  checked(app, rolloutId);
  return `${ROLLOUTS_PREFIX}${app}/${rolloutId}/commands/`;
}

export function commandKey(app: string, rolloutId: string, commandId: string): string {
  if (!isValidReleaseId(commandId)) throw new Error(`command id ${JSON.stringify(commandId)} is not YYYYMMDDTHHMMSSZ-<8 hex>`);
  return `${commandsPrefix(app, rolloutId)}${commandId}.json`;
}

/** `rollouts/<app>/<id>/…` → its app and rollout id; undefined for anything else. */
export function parseRolloutKey(key: string): { app: string; rolloutId: string } | undefined {
  const m = /^rollouts\/([^/]+)\/([^/]+)\/(state\.json|commands\/[^/]+\.json)$/.exec(key);
  const app = m?.[1] ?? "";
  const rolloutId = m?.[2] ?? "";
  if (!NAME_RE.test(app) || !isValidReleaseId(rolloutId)) return undefined;
  return { app, rolloutId };
}

/** FNV-1a, 32 bits, as 8 hex characters: a stable digest of a short text, no I/O and no crypto needed. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** The release id of one attempt: the decision's time, then a digest of rollout, environment, attempt and kind. */
export function attemptReleaseId(rolloutId: string, env: string, attempt: number, kind: "rollout" | "rollback", atMs: number): string {
  return formatReleaseId(new Date(atMs), fnv1a(`${rolloutId}/${env}/${attempt}/${kind}`));
}
