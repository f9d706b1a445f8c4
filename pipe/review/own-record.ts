/**
 * Objects built from keys a plan chooses (output names, map keys, attribute names). `o[k] = v` with
 * `k === "__proto__"` replaces the object's prototype instead of adding a key, so a change named so would
 * vanish from the review; Terraform accepts `__proto__` as an output name and as a map key.
 */

/** Sets `k` as an own, enumerable property, whatever its name. */
export function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** An object with exactly these own entries. */
export function fromEntries<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const o: Record<string, T> = {};
  for (const [k, v] of entries) setOwn(o, k, v);
  return o;
}
