/**
 * The real terraform for tests that run it: found on PATH, or the tests skip with the reason printed;
 * in CI (`FLEET_REQUIRE_TERRAFORM=1`, set by .ci/run) a missing terraform fails instead.
 */
import { spawnSync } from "node:child_process";

const probe = (() => {
  const r = spawnSync("terraform", ["version"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (r.error) return { ok: false, text: `terraform is not on PATH (${r.error.message})` };
  if (r.status !== 0) return { ok: false, text: `terraform version failed: ${r.stderr.trim()}` };
  return { ok: true, text: r.stdout.split("\n")[0] ?? "" };
})();

export const terraformAvailable = probe.ok;
/** `Terraform v1.11.4`, or why there is none. */
export const terraformVersionText = probe.text;

/**
 * `describe` when terraform is there (through `wrap`, e.g. `describeWithMoto`, when the tests need more);
 * otherwise skip with the reason printed, or fail under FLEET_REQUIRE_TERRAFORM=1.
 */
export function describeWithTerraform(name: string, fn: () => void, wrap: (name: string, fn: () => void) => void = describe): void {
  if (probe.ok) {
    wrap(name, fn);
  } else if (process.env.FLEET_REQUIRE_TERRAFORM === "1") {
    describe(name, () => {
      it("needs terraform (FLEET_REQUIRE_TERRAFORM=1)", () => {
        throw new Error(`terraform is required here: ${probe.text}`);
      });
    });
  } else {
    console.warn(`SKIPPED "${name}": ${probe.text}`);
    // eslint-disable-next-line jest/no-disabled-tests -- skipped only without terraform, with the reason printed above
    describe.skip(name, fn);
  }
}
