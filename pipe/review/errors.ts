/**
 * Errors of the plan review. Each names what it concerns (a plan file, a variable, an API call) and what
 * to do about it; the CLI (cli/main.ts) and the pipe print them without a stack trace.
 */
import { FleetError } from "../../core/errors";

/** One or more plan files could not be read or are not `terraform show -json` output. */
export class PlanFileError extends FleetError {
  constructor(readonly problems: readonly { file: string; message: string }[]) {
    super(
      problems.length === 1 && problems[0]
        ? `${problems[0].file}: ${problems[0].message}`
        : `${problems.length} plan files could not be read:\n` + problems.map((p) => `  ${p.file}: ${p.message}`).join("\n"),
    );
  }
}

/** The Bitbucket API answered with an unexpected status. The body is cut short; it never holds our token. */
export class BitbucketApiError extends FleetError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    body: string,
  ) {
    super(`Bitbucket API ${method} ${url} answered HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/** Synthesizing a commit for the synth diff failed. */
export class SynthError extends FleetError {}
