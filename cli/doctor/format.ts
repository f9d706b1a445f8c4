/** The doctor's report as a table (one line per check, the fix under a failure) or as JSON. Pure. */
import type { DoctorReport } from "./evaluate";

const MARK = { pass: "✔", warn: "⚠", fail: "✖" } as const;

export function formatTable(report: DoctorReport): string {
  const lines: string[] = [];
  let scope: string | undefined;
  for (const c of report.checks) {
    if (c.scope !== scope) {
      scope = c.scope;
      lines.push(`${lines.length > 0 ? "\n" : ""}${scope}`);
    }
    lines.push(`  ${MARK[c.status]} ${c.name}: ${c.detail}`);
    if (c.status !== "pass" && c.fix !== undefined) lines.push(`      fix: ${c.fix}`);
  }
  const passed = report.checks.length - report.failed - report.warned;
  lines.push("", `${report.checks.length} checks: ${passed} passed, ${report.warned} warning${report.warned === 1 ? "" : "s"}, ${report.failed} failed`);
  return `${lines.join("\n")}\n`;
}

export function formatJson(report: DoctorReport): string {
  return `${JSON.stringify({ ok: report.failed === 0, failed: report.failed, warned: report.warned, checks: report.checks }, null, 2)}\n`;
}
