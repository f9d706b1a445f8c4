/**
 * Colour only where a person reads it: a terminal, `NO_COLOR` unset or empty (https://no-color.org),
 * `TERM` not `dumb`. `FORCE_COLOR=1` turns it on for a pipe (CI logs that render colour).
 */
import type { Output } from "./context";

export interface Paint {
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

export function colorEnabled(env: Readonly<Record<string, string | undefined>>, out: Output): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return out.isTTY === true && env.TERM !== "dumb";
}

const sgr = (on: boolean, code: string) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

export function paint(on: boolean): Paint {
  return { bold: sgr(on, "1"), red: sgr(on, "31"), green: sgr(on, "32"), dim: sgr(on, "2") };
}
