/**
 * Pipe variables, the Bitbucket way: every variable arrives as a string in the
 * environment; a YAML list arrives as `NAME_COUNT` plus `NAME_0 … NAME_{n-1}`. A {@link Variables}
 * reader collects every problem instead of stopping at the first, and {@link Variables.check} throws
 * them together, before anything runs. Secrets are remembered so that {@link Variables.mask} (used by the
 * logger) replaces them everywhere, DEBUG included.
 *
 * @example
 * const v = new Variables(process.env);
 * const token = v.secret("SONAR_TOKEN", { required: true });
 * const lint = v.array("LINT_COMMAND", ["npm", "run", "lint"]);
 * const wait = v.integer("SONAR_TIMEOUT", 300, { min: 1 });
 * v.check(); // throws VariablesError listing every problem
 */
import { VariablesError } from "./errors";
import { SecretMasker } from "./secret-mask";

export type Env = Readonly<Record<string, string | undefined>>;

const ARRAY_LIMIT = 1000;

export class Variables {
  private readonly problems: string[] = [];
  /** Every secret read so far; the log masks with it, whole lines and child output streams alike. */
  readonly masker = new SecretMasker();

  constructor(private readonly env: Env) {}

  /** The raw value; empty strings count as unset (Bitbucket passes `''` for an unset `${VAR}`). */
  private raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === "" ? undefined : v;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** A string; `required` reports a missing value, `pattern`/`allowed` a malformed one. */
  string(name: string, options: { required: true; pattern?: RegExp; allowed?: readonly string[]; hint?: string }): string;
  string(name: string, options?: { required?: false; default?: string; pattern?: RegExp; allowed?: readonly string[]; hint?: string }): string | undefined;
  string(name: string, options: { required?: boolean; default?: string; pattern?: RegExp; allowed?: readonly string[]; hint?: string } = {}): string | undefined {
    const v = this.raw(name);
    if (v === undefined) {
      if (options.required) this.problem(`${name} is required${options.hint ? ` (${options.hint})` : ""}`);
      return options.default;
    }
    if (options.allowed && !options.allowed.includes(v)) {
      this.problem(`${name} is ${JSON.stringify(v)}; allowed: ${options.allowed.join(", ")}`);
      return options.default;
    }
    if (options.pattern && !options.pattern.test(v)) {
      this.problem(`${name} is ${JSON.stringify(v)}, which does not match ${options.hint ?? options.pattern.source}`);
      return options.default;
    }
    return v;
  }

  /** A secret: like {@link string}, and never printed (masked in every log line). */
  secret(name: string, options: { required?: boolean; hint?: string } = {}): string | undefined {
    const v = this.raw(name);
    if (v === undefined) {
      if (options.required) this.problem(`${name} is required${options.hint ? ` (${options.hint})` : ""}; pass it from a secured repository or workspace variable`);
      return undefined;
    }
    this.addSecret(v);
    return v;
  }

  /** Remembers a secret value; values shorter than `min` are not masked (they would hide ordinary words). */
  addSecret(value: string, min = 4): void {
    this.masker.add(value, min);
  }

  /** Only `true` or `false` (any case): `yes`, `1` or a typo is an error, not a silent false. */
  boolean(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const lower = v.trim().toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    this.problem(`${name} must be 'true' or 'false', got ${JSON.stringify(v)}`);
    return fallback;
  }

  /** A whole number within [min, max]. */
  integer(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!/^-?\d+$/.test(v.trim())) {
      this.problem(`${name} must be a whole number, got ${JSON.stringify(v)}`);
      return fallback;
    }
    const n = Number(v.trim());
    if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
      this.problem(`${name} must be between ${range.min ?? "-∞"} and ${range.max ?? "∞"}, got ${n}`);
      return fallback;
    }
    return n;
  }

  /** A non-negative number (decimals allowed), e.g. seconds. */
  number(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v.trim());
    if (!/^\d+(\.\d+)?$/.test(v.trim()) || !Number.isFinite(n)) {
      this.problem(`${name} must be a number, got ${JSON.stringify(v)}`);
      return fallback;
    }
    if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
      this.problem(`${name} must be between ${range.min ?? 0} and ${range.max ?? "∞"}, got ${n}`);
      return fallback;
    }
    return n;
  }

  /**
   * A YAML list: `NAME_COUNT` + `NAME_0..n`. Items are taken verbatim (argv stays argv; nothing is
   * re-split). A plain `NAME` string is an error: splitting it on spaces would break quoted arguments.
   */
  array(name: string, fallback: readonly string[]): string[] {
    const count = this.raw(`${name}_COUNT`);
    if (count === undefined) {
      if (this.raw(name) !== undefined) {
        this.problem(`${name} must be a YAML list (Bitbucket passes it as ${name}_COUNT and ${name}_0, ${name}_1, …), e.g.\n      ${name}: ['npm', 'run', 'lint']\n    got the plain string ${JSON.stringify(this.raw(name))}`);
      }
      return [...fallback];
    }
    if (!/^\d+$/.test(count) || Number(count) > ARRAY_LIMIT) {
      this.problem(`${name}_COUNT must be a whole number up to ${ARRAY_LIMIT}, got ${JSON.stringify(count)}`);
      return [...fallback];
    }
    const items: string[] = [];
    const missing: string[] = [];
    for (let i = 0; i < Number(count); i++) {
      const item = this.env[`${name}_${i}`];
      if (item === undefined) missing.push(`${name}_${i}`);
      else items.push(item);
    }
    if (missing.length > 0) {
      this.problem(`${name}_COUNT is ${count} but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set`);
      return [...fallback];
    }
    return items;
  }

  /** Throws every problem found so far, together. */
  check(): void {
    if (this.problems.length > 0) throw new VariablesError(this.problems.map((p) => this.mask(p)));
  }

  /** Replaces every known secret in `text` with `****`. */
  mask(text: string): string {
    return this.masker.mask(text);
  }
}
