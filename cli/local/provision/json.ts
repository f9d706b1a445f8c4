/** Reading resolved Terraform JSON: blocks come as one-element lists, numbers may stand for strings. */
import type { Json } from "../terraform-json";

export type JsonObject = { [k: string]: Json };
export const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
export const first = (v: Json | undefined): Json | undefined => (Array.isArray(v) ? v[0] : v);
export const str = (v: Json | undefined): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);
/** The first block of a nested block list, as an object. */
export const block = (v: Json | undefined): JsonObject | undefined => {
  const b = first(v);
  return isObject(b) ? b : undefined;
};

export const queueNameOfUrl = (url: string): string => url.slice(url.lastIndexOf("/") + 1);
export const arnParts = (arn: string) => {
  const m = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.*)$/.exec(arn);
  return m ? { service: m[1], region: m[2], account: m[3], resource: m[4] } : undefined;
};
