/**
 * Secret masking does not depend on how output is chunked, and the pull request's code in review mode
 * runs without the step's secrets.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { isSecretVariable, untrustedChildEnv } from "../../core/secrets";
import { runCommand } from "../../pipe/commands";
import { createLog } from "../../pipe/log";
import { runReview } from "../../pipe/review/run";
import { SecretMasker } from "../../pipe/secret-mask";
import { Variables } from "../../pipe/variables";
import { removeDir, tempDir } from "../helpers/fs";

/** Cuts `text` at the given (sorted, deduplicated) offsets. */
function chunks(text: string, cuts: readonly number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(text.slice(prev, c));
    prev = c;
  }
  out.push(text.slice(prev));
  return out;
}

describe("Class: SecretMasker", () => {
  const secretArb = fc.stringMatching(/^[A-Za-z0-9]{4,24}$/);

  it("prints the same for any chunking as masking the whole output at once, and no secret", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(secretArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.nat({ max: 3 })), { maxLength: 12 }),
        fc.array(fc.nat({ max: 1000 }), { maxLength: 20 }),
        (secrets, parts, cuts) => {
          // Prepare: text made of filler and secrets (a number picks one).
          const text = parts.map((p) => (typeof p === "number" ? secrets[p % secrets.length] : p)).join("");
          const masker = new SecretMasker();
          for (const s of secrets) masker.add(s);
          let out = "";
          // Act
          const stream = masker.stream((t) => (out += t));
          for (const c of chunks(text, cuts)) stream.push(c);
          stream.end();
          // Assess
          expect(out).toBe(masker.mask(text));
          // Secrets are letters and digits, so no "****" or filler next to one can rebuild one.
          for (const s of secrets) expect(out).not.toContain(s);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("masks a token split across two reads and a multi-byte character split across chunks", () => {
    const masker = new SecretMasker();
    masker.add("squ_0123456789abcdef");
    let out = "";
    const stream = masker.stream((t) => (out += t));
    stream.push(Buffer.from("token squ_01234567"));
    stream.push(Buffer.from("89abcdef \u00fc done").subarray(0, 10));
    stream.push(Buffer.from("89abcdef \u00fc done").subarray(10));
    stream.end();
    expect(out).toBe("token **** \u00fc done");
  });
});

describe("Function: runCommand output", () => {
  it("never prints a SONAR_TOKEN that the child writes in two pieces with a pause between", async () => {
    // Prepare: a real child process whose writes reach the pipe as separate reads.
    const token = "squ_7f3a9c1e5b2d8f4a6c0e";
    const vars = new Variables({ SONAR_TOKEN: token });
    vars.secret("SONAR_TOKEN");
    let out = "";
    const log = createLog({ write: (t: string) => (out += t) }, { debug: false, mask: vars.masker });
    // The pieces come through the environment so that the command line printed first holds none of them.
    const script = `const e = process.env; process.stdout.write("scanner: token=" + e.P1); setTimeout(() => { process.stdout.write(e.P2 + " ok\\n"); process.stderr.write(e.P3); setTimeout(() => process.stderr.write(e.P4 + "\\n"), 50); }, 100);`;
    const env = { PATH: process.env.PATH, P1: token.slice(0, 9), P2: token.slice(9), P3: token.slice(0, 3), P4: token.slice(3) };
    // Act
    await runCommand([process.execPath, "-e", script], { cwd: process.cwd(), env, log, what: "sonar scanner" });
    // Assess
    // stdout and stderr interleave as they arrive; each masked its own token.
    expect(out.split("****")).toHaveLength(3);
    expect(out).toContain("scanner: token=");
    expect(out).not.toContain(token.slice(0, 9));
    expect(out).not.toContain(token.slice(9));
  });
});

describe("Function: untrustedChildEnv", () => {
  it("passes the toolchain's variables and no secret, whatever its name", () => {
    const env = untrustedChildEnv({ PATH: "/bin", HOME: "/h", LC_ALL: "C", SONAR_TOKEN: "s", AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "x", AWS_REGION: "eu-west-1", DEPLOY_API_KEY: "k", RANDOM_SETTING: "r", BITBUCKET_STEP_OIDC_TOKEN: "o" });
    expect(env).toEqual({ PATH: "/bin", HOME: "/h", LC_ALL: "C" });
    expect(untrustedChildEnv({ AWS_REGION: "eu-west-1", AWS_SECRET_ACCESS_KEY: "x", SONAR_TOKEN: "s" }, { aws: true })).toEqual({ AWS_REGION: "eu-west-1" });
    expect(untrustedChildEnv({ AWS_SECRET_ACCESS_KEY: "x", SONAR_TOKEN: "s" }, { aws: true, awsCredentials: true })).toEqual({ AWS_SECRET_ACCESS_KEY: "x" });
    expect(["SONAR_TOKEN", "MY_PASSWORD", "deploy_secret", "AWS_SESSION_TOKEN"].every(isSecretVariable)).toBe(true);
    expect(["SONAR_AUTH", "PATH", "TOKENIZER_MODE"].some(isSecretVariable)).toBe(false);
  });
});

describe("Pipe: review mode synth environment", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("review-env-");
  });
  afterEach(() => removeDir(dir));

  it("synthesizes the pull request's code without SONAR_TOKEN, AWS keys or any other secret", async () => {
    // Prepare: a repository whose "synth" records the environment it was given.
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
    writeFileSync(
      join(dir, "synth.js"),
      `const fs = require("fs"); fs.writeFileSync("env-seen.json", JSON.stringify(process.env)); fs.mkdirSync("cdktf.out/stacks/app", { recursive: true }); fs.writeFileSync("cdktf.out/stacks/app/cdk.tf.json", "{}");`,
    );
    git("init", "-q", "-b", "main");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", "synth.js");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "synth");
    const secrets = { SONAR_TOKEN: "squ_sonar_secret_1", AWS_ACCESS_KEY_ID: "AKIAEXAMPLEKEY00001", AWS_SECRET_ACCESS_KEY: "aws-secret-key-value", AWS_SESSION_TOKEN: "aws-session-token-x", BITBUCKET_ACCESS_TOKEN: "bb-access-token-1", BITBUCKET_STEP_OIDC_TOKEN: "eyJ.oidc.token", DEPLOY_WEBHOOK_SECRET: "hook-secret-value" };
    // Act
    const r = await runReview({
      cwd: dir,
      storageDir: join(dir, "storage"),
      log: () => undefined,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, BITBUCKET_WORKSPACE: "acme", BITBUCKET_REPO_SLUG: "fleet", REVIEW_BASE_REF: "HEAD", SYNTH_COMMAND_COUNT: "2", SYNTH_COMMAND_0: process.execPath, SYNTH_COMMAND_1: "synth.js", ...secrets },
    });
    // Assess
    expect(r.summary).toMatch(/No changes/);
    expect(existsSync(join(dir, "env-seen.json"))).toBe(true);
    const seen = JSON.parse(readFileSync(join(dir, "env-seen.json"), "utf8")) as Record<string, string>;
    expect(seen.PATH).toBe(process.env.PATH);
    for (const name of Object.keys(secrets)) expect(seen[name]).toBeUndefined();
    expect(Object.values(seen)).not.toContain("squ_sonar_secret_1");
  });
});
