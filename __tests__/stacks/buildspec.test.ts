/**
 * The generated buildspec's deployer gate, run for real with bash: the build phase's commands, with the S3
 * download replaced by a local copy and the tools directory moved into a temp dir, refuse a tampered bundle
 * and run the genuine one.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployerBuildspec } from "../../stacks/buildspec";

function runBuildPhase(bundle: string, expectedSha: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "buildspec-"));
  const source = join(dir, "downloaded.js");
  writeFileSync(source, bundle);
  const spec = deployerBuildspec({ deployerBucket: "fleet-deployer-123456789013-eu-central-1", deployerKey: "deployer/x/deployer.js", deployerSha256: expectedSha }) as {
    phases: { build: { commands: string[] } };
  };
  const commands = spec.phases.build.commands.map((c) =>
    c.replace(/^aws s3api get-object .* (\S+) > \/dev\/null$/, `cp ${source} $1`).replaceAll("/tmp/fleet-tools", join(dir, "tools")),
  );
  // CodeBuild stops at the first command that fails; `set -e` reproduces that here.
  const script = ["set -e", `mkdir -p ${join(dir, "tools")}`, ...commands].join("\n");
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("Buildspec: deployer gate", () => {
  const genuine = "console.log('deployer ran');\n";
  const sha = createHash("sha256").update(genuine).digest("hex");

  it("runs the deployer whose SHA-256 was computed at synth", () => {
    const r = runBuildPhase(genuine, sha);
    expect({ status: r.status, stdout: r.stdout.trim().split("\n").at(-1) }).toEqual({ status: 0, stdout: "deployer ran" });
  });

  it("refuses a bundle that differs by one byte, before running anything", () => {
    const r = runBuildPhase(genuine.replace("ran", "RAN"), sha);
    expect(r.status).not.toBe(0);
    expect(r.stdout).not.toContain("deployer RAN");
    expect(r.stdout + r.stderr).toContain("FAILED");
  });
});
