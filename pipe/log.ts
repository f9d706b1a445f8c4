/**
 * The pipe's output, in the conventions of Atlassian's pipes (the Atlassian pipe conventions): info plain, debug gray and
 * only with `DEBUG: 'true'`, warnings yellow, errors `ERROR:`; the run ends with exactly one `✔`/`✖` line.
 * Every line goes through the secret mask first: a token never reaches the build log, DEBUG or not.
 */
import { StringDecoder } from "node:string_decoder";
import { SecretMasker } from "./secret-mask";

export interface Sink {
  write(text: string): unknown;
}

export interface Log {
  info(message: string): void;
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  success(message: string): void;
  fail(message: string): void;
  /**
   * One output stream of a child process, masked however it is chunked (a secret split across two
   * reads is still masked); `end` when the stream closes.
   */
  stream(): { push(chunk: Buffer | string): void; end(): void };
}

const color = (code: string, text: string, on: boolean): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

export interface LogOptions {
  readonly debug: boolean;
  /** The secrets to mask; a plain function masks whole lines only and cannot carry secrets across chunks. */
  readonly mask: SecretMasker | ((text: string) => string);
  readonly colors?: boolean;
}

export function createLog(out: Sink, options: LogOptions): Log {
  const masker = options.mask instanceof SecretMasker ? options.mask : undefined;
  const mask = masker ? (t: string) => masker.mask(t) : (options.mask as (text: string) => string);
  const colors = options.colors ?? false;
  const line = (text: string): void => {
    out.write(`${mask(text)}\n`);
  };
  return {
    info: (m) => line(color("36", m, colors)),
    debug: (m) => {
      if (options.debug) line(color("90", `DEBUG: ${m}`, colors));
    },
    warn: (m) => line(color("33", `WARNING: ${m}`, colors)),
    error: (m) => line(color("31", `ERROR: ${m}`, colors)),
    success: (m) => line(color("32", `✔ ${m}`, colors)),
    fail: (m) => line(color("31", `✖ ${m}`, colors)),
    stream: () => {
      const write = (t: string) => void out.write(t);
      if (masker) return masker.stream(write);
      const decoder = new StringDecoder("utf8");
      return { push: (c) => write(mask(typeof c === "string" ? c : decoder.write(c))), end: () => write(mask(decoder.end())) };
    },
  };
}
