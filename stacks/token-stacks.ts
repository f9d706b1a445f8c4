/**
 * cdktf records a complete, unlimited stack trace (`Error.stackTraceLimit = MAX_SAFE_INTEGER`) every time a
 * token is created (each `resource.arn`, `bucket.id`, every Lazy value during synth), only to quote it if that
 * token later fails to resolve. At fleet scale, collecting and formatting those traces is one of the largest
 * costs of synth (measured in docs/stacks.md).
 *
 * cdktf captures into a plain object (`Error.captureStackTrace({ stack: "" })`), never into an `Error`. While
 * `fn` runs, a capture into a plain object is skipped (cdktf then records an empty trace); every `Error` keeps
 * its full trace, so real failures still say where they come from.
 */
type Capture = (target: object, constructorOpt?: Function) => void; // eslint-disable-line @typescript-eslint/no-unsafe-function-type

export function withoutTokenStackTraces<T>(fn: () => T): T {
  const holder = Error as unknown as { captureStackTrace: Capture };
  const original = holder.captureStackTrace;
  holder.captureStackTrace = function (target, constructorOpt) {
    if (target instanceof Error) original.call(Error, target, constructorOpt);
  };
  try {
    return fn();
  } finally {
    holder.captureStackTrace = original;
  }
}
