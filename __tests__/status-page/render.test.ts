/**
 * The status page, model → HTML, one test per state a fleet can be in, and escaping as a property: any
 * string in any record field reaches the page only as text.
 */
import fc from "fast-check";
import { buildFleetStatus } from "../../core/fleet-status";
import { STATUS_SCHEMA, type Status } from "../../core/records";
import { esc } from "../../core/status-page/html";
import { buildStatusPageModel, type RolloutView } from "../../core/status-page/model";
import { renderStatusPage } from "../../core/status-page/render";
import { HALTED_ROLLOUT } from "./generated-fleet";

const NOW = "2026-11-30T12:00:00.000Z";

function rec(env: string, id: number, version: string, result: Status["result"], error?: string): Status {
  return {
    schema: STATUS_SCHEMA,
    env,
    app: "shop",
    releaseId: `20261130T1${id}0000Z-0000000${id}`,
    version,
    phase: result === "in-progress" ? "applying" : "finished",
    result,
    buildId: `fleet-deploy-${env}:${id}`,
    startedAt: `2026-11-30T1${id}:00:00Z`,
    ...(error !== undefined ? { error } : {}),
  };
}

function page(fleet: { name: string; wave: number; hold?: boolean; pin?: string }[], records: Status[], rollout?: RolloutView) {
  const status = buildFleetStatus({ app: "shop", fleet, records, knownVersions: [] });
  const model = buildStatusPageModel({ status, fleet, rollout, source: "s3://acme-fleet", generatedAt: NOW });
  return { model, html: renderStatusPage(model) };
}

/** The text of the page without tags, entities decoded: what a reader sees. */
function text(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("renderStatusPage", () => {
  it("an empty fleet: says so, counts zero, no failed section, no rollout, no filter buttons", () => {
    const { html } = page([], []);
    const t = text(html);
    expect(t).toContain("shop newest version none published");
    expect(t).toContain("No tenants: the fleet config has no environments and there are no status records.");
    expect(t).toMatch(/✖ 0 failed .*✔ 0 succeeded .*0 lagging/);
    expect(html).not.toContain('id="h-failed"');
    expect(html).not.toContain('id="rollout"');
    expect(html).not.toContain('id="filters"');
  });

  it("all green: every tenant succeeded on the newest version, nothing lags, no failed section", () => {
    const { html, model } = page(
      [
        { name: "alpha", wave: 0 },
        { name: "bravo", wave: 1 },
      ],
      [rec("alpha", 1, "1.4.0", "succeeded"), rec("bravo", 2, "1.4.0", "succeeded")],
    );
    expect(model.counts).toEqual({ failed: 0, "in-progress": 0, succeeded: 2, skipped: 0, "not-started": 0 });
    const t = text(html);
    expect(t).toContain("shop newest version 1.4.0");
    expect(t).toMatch(/✔ 2 succeeded .*0 lagging \(not on 1\.4\.0\)/);
    expect(t).toContain("Wave 0 1 of 1 succeeded");
    expect(t).toContain("Wave 1 1 of 1 succeeded");
    expect(html).not.toContain('id="h-failed"');
    // Status is a word and a symbol, not only a colour.
    expect(html).toContain('<span class="st s-succeeded"><span aria-hidden="true">✔ </span>succeeded</span>');
  });

  it("failures: listed first in their own table and first within their wave, with error and build id; lag counted", () => {
    const { html, model } = page(
      [
        { name: "alpha", wave: 0 },
        { name: "bravo", wave: 1 },
        { name: "charlie", wave: 1 },
        { name: "delta", wave: 1, hold: true },
        { name: "echo", wave: 2, pin: "1.3.0" },
      ],
      [
        rec("alpha", 1, "1.3.0", "succeeded"),
        rec("alpha", 2, "1.4.0", "succeeded"),
        rec("bravo", 1, "1.3.0", "succeeded"),
        rec("charlie", 1, "1.3.0", "succeeded"),
        rec("charlie", 2, "1.4.0", "failed", "terraform apply failed (exit 1): Error: AccessDenied\nsecond line is not shown"),
        rec("delta", 1, "1.3.0", "succeeded"),
      ],
    );
    expect(model.counts).toEqual({ failed: 1, "in-progress": 0, succeeded: 3, skipped: 0, "not-started": 1 });
    expect(model.lagging).toBe(4);
    expect(model.failed.map((r) => r.env)).toEqual(["charlie"]);
    expect(model.waves[1]?.rows.map((r) => r.env)).toEqual(["charlie", "bravo", "delta"]);
    const failedSection = html.slice(html.indexOf('id="h-failed"'), html.indexOf('id="h-t"'));
    expect(text(failedSection)).toContain("charlie wave 1 ✖ failed 1.4.0 (runs 1.3.0, 1 behind) 2026-11-30 12:00Z fleet-deploy-charlie:2 terraform apply failed (exit 1): Error: AccessDenied");
    expect(html).not.toContain("second line is not shown");
    expect(text(html)).toContain("delta on hold");
    expect(text(html)).toContain("echo pinned 1.3.0 ○ not started");
    // The failed section comes before the tenant table.
    expect(html.indexOf('id="h-failed"')).toBeLessThan(html.indexOf('id="h-t"'));
  });

  it("a halted rollout: its state, why it halted, the policy and each wave's progress", () => {
    const { html } = page([{ name: "alpha", wave: 0 }], [rec("alpha", 1, "1.4.0", "succeeded")], HALTED_ROLLOUT);
    const t = text(html);
    expect(t).toContain("Rollout r-20261130T110000Z of 1.4.0: ✖ halted");
    expect(t).toContain("Halted: wave 1: 2 tenants failed, more than the tolerance of 1 (t012, t017)");
    expect(t).toContain("max concurrent 10%");
    expect(t).toContain("failure tolerance per wave 1");
    expect(t).toContain("failure budget 5%");
    expect(t).toContain("bake 15 min");
    expect(t).toContain("on failure halt");
    expect(t).toContain("Wave 0 ✔ done 10/10");
    expect(t).toContain("Wave 1 ✖ halted 18/20 succeeded, failed, in progress, not started, skipped: 15 ✔ 2 ✖ 0 ◐ 2 ○ 1 ↷ 2 failures, tolerance 1");
    expect(t).toContain("Wave 2 ○ waiting 0/30");
    expect(html).toContain('<progress max="20" value="18"></progress>');
  });

  it("makes no request of its own: no src, href, url() or @import anywhere", () => {
    const { html } = page([{ name: "alpha", wave: 0 }], [rec("alpha", 1, "1.4.0", "failed", "x")], HALTED_ROLLOUT);
    expect(html).not.toMatch(/\s(src|href)=|url\(|@import/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`);
  });
});

describe("escaping", () => {
  // Markup-heavy strings, and any Unicode text (one line: the page shows an error's first line only).
  const anyText = fc.oneof(
    fc.string({ unit: fc.constantFrom("<", ">", "&", '"', "'", "/", "=", "a", "b", " ", "script", "\u00e9", "`", "!--"), minLength: 1, maxLength: 40 }),
    fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).filter((t) => !/[\r\n]/.test(t)),
  );

  const WAVE = { wave: 1, state: "x", total: 3, succeeded: 1, failed: 1, inProgress: 0, skipped: 0, notStarted: 1 };

  it("any string in any record field reaches the page only as text", () => {
    fc.assert(
      fc.property(fc.record({ error: anyText, buildId: anyText, source: anyText, haltReason: anyText, state: anyText }), (v) => {
        const record = { ...rec("alpha", 1, "1.4.0", "failed", v.error), buildId: v.buildId };
        const status = buildFleetStatus({ app: "shop", fleet: [{ name: "alpha", wave: 0 }], records: [record], knownVersions: [] });
        const rollout: RolloutView = { ...HALTED_ROLLOUT, state: v.state, haltReason: v.haltReason, waves: [{ ...WAVE, state: v.state, haltReason: v.haltReason }] };
        const html = renderStatusPage(buildStatusPageModel({ status, fleet: [], rollout, source: v.source, generatedAt: NOW }));
        // Every value appears escaped, and the markup is exactly the markup of a harmless value.
        for (const value of Object.values(v).filter((x) => x.trim() !== "")) expect(html).toContain(esc(value.trim()));
        const tags = (h: string) => (h.match(/<[a-z/!][^>]*>/gi) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));
        const plain = renderStatusPage(buildStatusPageModel({ status: buildFleetStatus({ app: "shop", fleet: [{ name: "alpha", wave: 0 }], records: [{ ...record, error: "x", buildId: "x" }], knownVersions: [] }), fleet: [], rollout: { ...rollout, state: "x", haltReason: "x", waves: [{ ...WAVE, state: "x", haltReason: "x" }] }, source: "x", generatedAt: NOW }));
        expect(tags(html)).toEqual(tags(plain));
      }),
      { numRuns: 200 },
    );
  });

  it("a <script> error is text", () => {
    const { html } = page([{ name: "alpha", wave: 0 }], [rec("alpha", 1, "1.4.0", "failed", "<script>alert(1)</script>")]);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html.match(/<script>/g)).toHaveLength(1);
  });
});
