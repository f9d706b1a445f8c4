/** The local run's output: one line per step, with the seconds since the start, tenant name aligned. */
import type { Output } from "../context";

export class Progress {
  private readonly t0 = Date.now();
  private width = 8;

  constructor(
    private readonly out: Output,
    private readonly quiet = false,
  ) {}

  setNames(names: readonly string[]): void {
    this.width = Math.max(8, ...names.map((n) => n.length));
  }

  private stamp(): string {
    return `[${((Date.now() - this.t0) / 1000).toFixed(1).padStart(5)}s]`;
  }

  /** A step of the run as a whole. */
  step(text: string): void {
    this.out.write(`${this.stamp()} ${text}\n`);
  }

  /** A line about one tenant: `alpha    build started   fleet-deploy-alpha:…`. */
  tenant(env: string, what: string, detail = ""): void {
    if (this.quiet) return;
    this.out.write(`${this.stamp()}   ${env.padEnd(this.width)} ${what.padEnd(16)} ${detail}`.trimEnd() + "\n");
  }

  /** Plain text, for notes and tables. */
  text(text: string): void {
    this.out.write(text.endsWith("\n") ? text : `${text}\n`);
  }
}
