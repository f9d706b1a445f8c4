/**
 * The one way a value reaches the status page: every string from a record, the fleet config or a rollout
 * goes through {@link esc}, in text and in attribute values alike, so a record cannot add markup.
 */
const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** `2026-11-29 12:03Z`: UTC to the minute, short enough for a narrow screen. */
export function shortTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}Z` : iso;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago": relative to `now`; empty when either time is unreadable. */
export function ago(iso: string, now: string): string {
  const ms = Date.parse(now) - Date.parse(iso);
  if (!Number.isFinite(ms)) return "";
  const min = Math.floor(ms / 60_000);
  if (min < 1) return "just now";
  if (min < 60) return `${min} min ago`;
  if (min < 48 * 60) return `${Math.floor(min / 60)} h ago`;
  return `${Math.floor(min / 1440)} d ago`;
}
