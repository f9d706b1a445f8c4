/**
 * From a configuration file's bytes to its text, refusing what YAML would misread (pure). A file that is
 * not valid UTF-8 is refused at its first bad byte: decoding it leniently would turn that byte into
 * U+FFFD and validate a value that is not what the file says. A file over the size limit is refused
 * before it is read: real environment files are a few hundred bytes.
 */
import type { ConfigIssue } from "../errors";

/** Largest configuration file read, in bytes. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** The byte offset of the first byte that breaks UTF-8, or -1 when all of it is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/** The file's text, or the issue that stops it (with line and column of the first bad byte). */
export function decodeConfigText(path: string, bytes: Uint8Array): { text: string } | { issue: ConfigIssue } {
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return { text: new TextDecoder("utf-8").decode(bytes) };
  const before = bytes.subarray(0, bad);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < before.length; i++) {
    if (before[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  const col = new TextDecoder("utf-8").decode(bytes.subarray(lineStart, bad)).length + 1;
  const hex = [...bytes.subarray(bad, bad + 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  return { issue: { file: path, line, col, message: `not valid UTF-8 at byte offset ${bad} (bytes ${hex}); save the file as UTF-8 (it may be Latin-1 or UTF-16)` } };
}

/** The issue for a file over {@link MAX_CONFIG_FILE_BYTES}. */
export function tooLargeIssue(path: string, size: number): ConfigIssue {
  return { file: path, line: 0, col: 0, message: `the file is ${size} bytes; configuration files are limited to ${MAX_CONFIG_FILE_BYTES} bytes (1 MiB): not read` };
}
