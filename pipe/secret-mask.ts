/**
 * Replaces known secrets with `****`, in whole texts and in streams. A child process's output arrives
 * in chunks cut anywhere, so a token can be split across two reads; {@link MaskStream} keeps back the
 * last (longest secret − 1) characters of what it has seen until more arrives, and so prints exactly
 * what masking the whole output at once would print, however it was chunked.
 *
 * Matching is leftmost, then longest: at each position the longest secret that starts there wins. The
 * decision at a position needs at most `longest` characters from there on, which is what makes the
 * stream independent of chunk boundaries.
 */
import { StringDecoder } from "node:string_decoder";

export const MASK = "****";

export class SecretMasker {
  private readonly secrets = new Set<string>();
  private sorted: string[] = [];

  /** Secrets shorter than `min` would mask ordinary words; they are not added. */
  add(value: string, min = 4): void {
    if (value.length < min || this.secrets.has(value)) return;
    this.secrets.add(value);
    this.sorted = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  get longest(): number {
    return this.sorted[0]?.length ?? 0;
  }

  /** The next match at or after `from`: leftmost, then longest. */
  private next(text: string, from: number): { at: number; length: number } | undefined {
    let best: { at: number; length: number } | undefined;
    for (const s of this.sorted) {
      const at = text.indexOf(s, from);
      // `sorted` is longest first, so an equal position keeps the longer secret found before.
      if (at !== -1 && (best === undefined || at < best.at)) best = { at, length: s.length };
    }
    return best;
  }

  /**
   * Masks `text`; when `upTo` is given, only matches that START before it are replaced and the text is
   * returned up to where the last of them ends or `upTo`, whichever is later, with the rest as `held`.
   */
  private maskPrefix(text: string, upTo: number): { out: string; held: string } {
    let out = "";
    let pos = 0;
    for (let m = this.next(text, 0); m !== undefined && m.at < upTo; m = this.next(text, pos)) {
      out += text.slice(pos, m.at) + MASK;
      pos = m.at + m.length;
    }
    const end = Math.max(pos, upTo);
    return { out: out + text.slice(pos, end), held: text.slice(end) };
  }

  mask(text: string): string {
    if (this.sorted.length === 0) return text;
    return this.maskPrefix(text, text.length).out;
  }

  /** A stream masker for one output stream of one process; `write` gets the masked text. */
  stream(write: (text: string) => void): MaskStream {
    return new MaskStream(this, write);
  }

  /** @internal for MaskStream */
  split(buffer: string): { out: string; held: string } {
    const keep = Math.max(0, this.longest - 1);
    if (buffer.length <= keep) return { out: "", held: buffer };
    return this.maskPrefix(buffer, buffer.length - keep);
  }
}

/** Masks a chunked stream of bytes or text; call {@link end} when the stream closes. */
export class MaskStream {
  private held = "";
  // Bytes of a character split across chunks wait here too, instead of becoming U+FFFD.
  private readonly decoder = new StringDecoder("utf8");

  constructor(
    private readonly masker: SecretMasker,
    private readonly write: (text: string) => void,
  ) {}

  push(chunk: Buffer | string): void {
    const { out, held } = this.masker.split(this.held + (typeof chunk === "string" ? chunk : this.decoder.write(chunk)));
    this.held = held;
    if (out !== "") this.write(out);
  }

  end(): void {
    const rest = this.masker.mask(this.held + this.decoder.end());
    this.held = "";
    if (rest !== "") this.write(rest);
  }
}
