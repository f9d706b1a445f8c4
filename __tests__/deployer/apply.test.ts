/**
 * The apply runner: commands as argv arrays in order, their output streamed to the build log, and the line
 * that explains a failure kept.
 */
import { runApply } from "../../deployer/apply";

describe("runApply", () => {
  const plan = (commands: string[][], signal?: AbortSignal) => ({ commands, cwd: process.cwd(), env: { PATH: process.env.PATH }, ...(signal ? { signal } : {}) });

  it("stops at the first command that fails; later commands never start", async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const outcome = await runApply(plan([[process.execPath, "-e", "console.log('first'); process.exit(2)"], [process.execPath, "-e", "console.log('second')"]]), (l) => lines.push(l));
    // Assess
    expect(outcome).toEqual({ ok: false, reason: "node -e failed (exit 2): first" });
    expect(lines).toEqual([`$ ${process.execPath} -e console.log('first'); process.exit(2)`, "first"]);
  });

  it("names the signal that killed the command", async () => {
    // Act
    const outcome = await runApply(plan([[process.execPath, "-e", "process.kill(process.pid, 'SIGKILL')"]]), () => undefined);
    // Assess
    expect(outcome).toEqual({ ok: false, reason: "node -e failed (killed by SIGKILL)" });
  });

  it("starts no command once the build is being stopped", async () => {
    // Prepare
    const stop = new AbortController();
    stop.abort();
    const lines: string[] = [];
    // Act
    const outcome = await runApply(plan([["/opt/bin/terraform", "init"]], stop.signal), (l) => lines.push(l));
    // Assess
    expect(outcome).toEqual({ ok: false, reason: "stopped before terraform init (the build is being stopped)" });
    expect(lines).toEqual([]);
  });
});
