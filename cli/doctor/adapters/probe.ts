/** Turns an AWS call into a {@link Probe}: its value, "missing" for the service's not-found error, else "unknown". */
import type { Probe } from "../facts";

export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e.name ?? "Error"}: ${e.message ?? String(err)}`;
}

export async function probe<T>(call: () => Promise<T | undefined>, notFound: RegExp): Promise<Probe<T>> {
  try {
    const value = await call();
    return value === undefined ? { state: "missing" } : { state: "found", value };
  } catch (err) {
    const e = err as { name?: string; Code?: string; message?: string };
    if (notFound.test(e.name ?? "") || notFound.test(e.Code ?? "")) return { state: "missing" };
    return { state: "unknown", error: errorText(err) };
  }
}
