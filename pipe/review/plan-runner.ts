/**
 * Terraform plans for the changed stacks, with the read-only plan role: per stack `terraform init`,
 * `terraform plan -lock=false -out`, `terraform show -json` (argv arrays), then summarize. `-lock=false`
 * because a read-only role cannot write the state lock, and a plan does not change state.
 * A stack whose plan fails becomes an errored summary with Terraform's "Error:" lines only: the rest of
 * its output can quote configuration values.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePlan } from "./plan-schema";
import { erroredStack, summarizePlan, type StackSummary } from "./summarize";
import { run } from "./synth-adapter";

export interface PlanOptions {
  /** `cdktf.out/stacks` (one working directory per stack). */
  readonly stacksDir: string;
  readonly stacks: readonly string[];
  readonly terraform: string;
  readonly env: NodeJS.ProcessEnv;
  /** Assumed through web identity with the step's OIDC token, when both are given. */
  readonly planRoleArn?: string;
  readonly oidcToken?: string;
  readonly sessionName?: string;
  /** Plans at once. @default 4 */
  readonly concurrency?: number;
  readonly log: (line: string) => void;
}

function errorLines(text: string): string {
  const lines = text.split("\n").filter((l) => /^\s*(│\s*)?Error:/.test(l)).map((l) => l.replace(/^\s*│?\s*/, ""));
  return lines.length ? [...new Set(lines)].slice(0, 5).join(" ") : "terraform failed without an Error: line (see the step log)";
}

async function planOne(stack: string, dir: string, o: PlanOptions, env: NodeJS.ProcessEnv, scratch: string): Promise<StackSummary> {
  const tf = o.terraform;
  const planFile = join(scratch, `${stack}.tfplan`);
  const init = await run([tf, "init", "-input=false", "-no-color"], dir, env);
  if (init.code !== 0) return erroredStack(stack, `terraform init failed: ${errorLines(init.stderr + init.stdout)}`);
  const plan = await run([tf, "plan", "-input=false", "-no-color", "-lock=false", `-out=${planFile}`], dir, env);
  if (plan.code !== 0) return erroredStack(stack, `terraform plan failed: ${errorLines(plan.stderr + plan.stdout)}`);
  const show = await run([tf, "show", "-json", "-no-color", planFile], dir, env);
  if (show.code !== 0) return erroredStack(stack, `terraform show -json failed: ${errorLines(show.stderr)}`);
  let json: unknown;
  try {
    json = JSON.parse(show.stdout);
  } catch {
    return erroredStack(stack, "terraform show -json did not print JSON");
  }
  const parsed = parsePlan(json);
  return parsed.ok ? { ...summarizePlan(stack, parsed.plan, parsed.secrets, { detail: true }), planSha256: createHash("sha256").update(show.stdout).digest("hex") } : erroredStack(stack, `unreadable plan JSON: ${parsed.problems.join("; ")}`);
}

export async function planStacks(o: PlanOptions): Promise<StackSummary[]> {
  const scratch = mkdtempSync(join(tmpdir(), "fleet-review-plan-"));
  try {
    const env: NodeJS.ProcessEnv = { ...o.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
    if (o.planRoleArn && o.oidcToken) {
      const tokenFile = join(scratch, "oidc-token");
      writeFileSync(tokenFile, o.oidcToken, { mode: 0o600 });
      Object.assign(env, { AWS_ROLE_ARN: o.planRoleArn, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_SESSION_NAME: o.sessionName ?? "fleet-plan-review" });
    }
    const results: StackSummary[] = new Array<StackSummary>(o.stacks.length);
    let next = 0;
    const worker = async () => {
      while (next < o.stacks.length) {
        const i = next++;
        const stack = o.stacks[i];
        if (stack === undefined) break;
        o.log(`planning ${stack}`);
        results[i] = await planOne(stack, join(o.stacksDir, stack), o, env, scratch);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 4, o.stacks.length)) }, worker));
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
