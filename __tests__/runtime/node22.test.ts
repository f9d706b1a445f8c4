/**
 * `npm test` runs on Node 22 (the Lambda's and the pipe's runtime) without a manual install: the launcher
 * picks the pinned Node 22 package, or the machine's node when it is 22 or later, and refuses an older one
 * with what to do.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const launcher = join(root, "scripts", "node22.mjs");

describe("scripts/node22.mjs", () => {
  it("runs the program on Node ≥ 22, and a child started as `node` from PATH too", () => {
    const r = spawnSync(process.execPath, [launcher, "-e", 'console.log(process.versions.node, require("child_process").execFileSync("node", ["-p", "process.versions.node"]).toString().trim())'], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const [self, child] = r.stdout.trim().split(" ").map((v) => Number(v.split(".")[0]));
    expect(self).toBeGreaterThanOrEqual(22);
    expect(child).toBe(self);
  });

  it("passes the program's exit code through", () => {
    const r = spawnSync(process.execPath, [launcher, "-e", "process.exit(3)"], { encoding: "utf8" });
    expect(r.status).toBe(3);
  });

  it("without the pinned package, an older node is refused with what to install; Node 22 itself is taken", () => {
    const probe = (currentVersion: string) => {
      const code = `import(${JSON.stringify(launcher)}).then((m) => console.log(JSON.stringify(m.chooseNode({ pinned: "/no/such/node", current: "/usr/bin/node", currentVersion: ${JSON.stringify(currentVersion)} }))))`;
      const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8" });
      return JSON.parse(r.stdout) as { node?: string; error?: string };
    };
    expect(probe("20.20.2").error).toMatch(/the tests run on Node 22; this is Node 20\.20\.2 .*nvm install 22/);
    expect(probe("22.11.0")).toEqual({ node: "/usr/bin/node" });
  });
});
