/**
 * User mistakes end in a clear error naming the file or value, exit 1, never "internal error" with a
 * stack trace: hand-made plans nested thousands of levels deep, release text that would forge log lines
 * or is too long, and file-system errors on the paths a user names.
 */
import { execFileSync } from "node:child_process";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { main } from "../../cli/main";
import { fileSystemError } from "../../core/errors";
import { MAX_REASON_LENGTH, releaseTextProblem } from "../../core/release-text";
import { removeDir, tempDir } from "../helpers/fs";

async function fleet(argv: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main({ argv, cwd, env: { PATH: process.env.PATH, AWS_REGION: "eu-west-1", ...env }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

const NO_STACK = /internal error|\n {4}at /;

describe("User mistakes at the command line", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("fleet-mistakes-");
    cpSync(join(__dirname, "../../environments"), join(dir, "environments"), { recursive: true });
  });
  afterEach(() => removeDir(dir));

  it("refuses a plan nested thousands of levels deep with a clear error, not a stack overflow", async () => {
    // Prepare: JSON.stringify itself cannot write this; the text is built by hand.
    const n = 50_000;
    const deep = '{"a":'.repeat(n) + "1" + "}".repeat(n);
    writeFileSync(join(dir, "deep.json"), `{"format_version":"1.2","resource_changes":[{"address":"x.y","type":"x","change":{"actions":["update"],"before":{},"after":${deep}}}]}`);
    // Act
    const r = await fleet(["review", "--plans", "deep.json"], dir);
    // Assess
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deep\.json: resource_changes\[0\]\.change\.after\.a.*: the JSON nests more than 256 levels deep/);
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it("refuses a plan path that is a FIFO instead of waiting for a writer", async () => {
    execFileSync("mkfifo", [join(dir, "plan.json")]);
    const r = await fleet(["review", "--plans", "plan.json"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/plan\.json: not a regular file/);
  });

  it("refuses a --out that is a FIFO, a directory or a link instead of blocking or writing through it", async () => {
    execFileSync("mkfifo", [join(dir, "fifo.json")]);
    const fifo = await fleet(["schema", "--out", "fifo.json"], dir);
    const directory = await fleet(["schema", "--out", "environments"], dir);
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toMatch(/^✖ cannot write fifo\.json: it is a device, FIFO or socket/);
    expect(directory.code).toBe(1);
    expect(directory.stderr).toMatch(/^✖ cannot write environments: it is a directory/);
  });

  it.each([
    ["a newline", "deploy\n✔ released to every tenant", /--reason contains a line break \(\\n\) at character 7/],
    ["an escape sequence", "ok \u001b[2K\u001b[1Agone", /--reason contains an escape character \(\\u001b\) at character 4/],
    ["a bidi override", "fix \u202eevil", /--reason contains the control or invisible character U\+202E at character 5/],
    ["too many characters", "x".repeat(MAX_REASON_LENGTH + 1), /--reason is 1025 characters long; the limit is 1024 characters/],
  ])("refuses a release reason with %s before anything is written, naming the problem", async (_what, reason, message) => {
    const r = await fleet(["release", "--app", "payments-api", "--version", "1.0.0", "--to", "alpha", "--reason", reason, "--bucket", "no-such-bucket"], dir, { AWS_ENDPOINT_URL: "http://127.0.0.1:9" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("nothing written");
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it("refuses a requester with control characters, naming FLEET_REQUESTED_BY", async () => {
    const r = await fleet(["release", "--app", "payments-api", "--version", "1.0.0", "--to", "alpha"], dir, { FLEET_REQUESTED_BY: "ci\r\nforged line", AWS_ENDPOINT_URL: "http://127.0.0.1:9" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FLEET_REQUESTED_BY contains a carriage return/);
  });
});

/** The documented class, written as code-point ranges: controls, separators, bidi and invisible format characters, unpaired surrogates. */
function isForbidden(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  const ranges: [number, number][] = [[0x00, 0x1f], [0x7f, 0x9f], [0x61c, 0x61c], [0x200b, 0x200f], [0x2028, 0x202e], [0x2060, 0x206f], [0xfeff, 0xfeff], [0xd800, 0xdfff]];
  return ranges.some(([lo, hi]) => c >= lo && c <= hi);
}

describe("Function: releaseTextProblem", () => {
  it("accepts one line of printable text within the limit and refuses everything else, never cutting it", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 1100 }), (text) => {
        const problem = releaseTextProblem("--reason", text, MAX_REASON_LENGTH);
        const hasControl = [...text].some(isForbidden);
        const expected = hasControl ? /contains/ : text.length > MAX_REASON_LENGTH ? /the limit is 1024 characters/ : /^$/;
        expect(problem ?? "").toMatch(expected);
        expect(problem === undefined).toBe(!hasControl && text.length <= MAX_REASON_LENGTH);
      }),
      { numRuns: 2000 },
    );
    // 1024 characters ending in an emoji: over the limit by one code unit, refused whole, not cut inside it.
    expect(releaseTextProblem("--reason", `${"x".repeat(1023)}😀`, MAX_REASON_LENGTH)).toMatch(/1025 characters long/);
  });
});

describe("Function: fileSystemError", () => {
  it("names the path and the problem of a Node file-system error, and ignores other errors", () => {
    const err = Object.assign(new Error("EISDIR: illegal operation on a directory, open 'out'"), { code: "EISDIR", path: "out", syscall: "open" });
    expect(fileSystemError(err)?.message).toBe("out: is a directory, not a file (EISDIR in open)");
    expect(fileSystemError(Object.assign(new Error("x"), { code: "ENOSPC", syscall: "write" }))?.message).toBe("writing a file: no space left on the device (ENOSPC in write)");
    expect(fileSystemError(new TypeError("a bug"))).toBeUndefined();
  });
});
