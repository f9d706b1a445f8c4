/**
 * The status page as one self-contained HTML string, pure: model in, HTML out. Nothing is fetched (no
 * external script, font, image or style; the Content-Security-Policy forbids any request and allows only
 * the page's own script by its hash), so it reads the same from a file:// URL, an artifact download or an
 * object in the central bucket. Every value is escaped by html.ts; status is always symbol + word, colour
 * only adds to it.
 */
import { createHash } from "node:crypto";
import { SCRIPT, STYLE } from "./assets";
import { ago, esc, shortTime } from "./html";
import { BUCKETS, type Bucket, type Counts, type RolloutView, type StatusPageModel, type TenantRow, type WaveGroup } from "./model";

const SYMBOL: Readonly<Record<Bucket, string>> = { failed: "✖", "in-progress": "◐", succeeded: "✔", skipped: "↷", "not-started": "○" };
const LABEL: Readonly<Record<Bucket, string>> = { failed: "failed", "in-progress": "in progress", succeeded: "succeeded", skipped: "skipped", "not-started": "not started" };

const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash("sha256").update(SCRIPT).digest("base64")}'; base-uri 'none'; form-action 'none'`;

function badge(bucket: Bucket, text: string): string {
  return `<span class="st s-${bucket}"><span aria-hidden="true">${SYMBOL[bucket]} </span>${esc(text)}</span>`;
}

function when(iso: string | null, now: string): string {
  if (iso === null) return "";
  const rel = ago(iso, now);
  return `<time datetime="${esc(iso)}"${rel ? ` title="${esc(rel)}"` : ""}>${esc(shortTime(iso))}</time>`;
}

function versionCell(r: TenantRow, newest: string | null): string {
  if (r.version === null) return "";
  const notes = [
    r.running === null ? "runs nothing" : r.running !== r.version ? `runs ${esc(r.running)}` : "",
    r.lag > 0 && newest !== null ? `${r.lag} behind` : "",
  ].filter((n) => n !== "");
  return `${esc(r.version)}${notes.length ? ` <small>(${notes.join(", ")})</small>` : ""}`;
}

function tenantRow(r: TenantRow, model: StatusPageModel, showWave: boolean): string {
  const tags = [
    showWave ? `<small>wave ${r.wave ?? "–"}</small>` : "",
    r.inFleet ? "" : `<span class="tag">not in fleet</span>`,
    r.hold ? `<span class="tag">on hold</span>` : "",
    r.pin !== null ? `<span class="tag">pinned ${esc(r.pin)}</span>` : "",
  ].join("");
  return (
    `<tr data-r="${r.bucket}"><th scope="row">${esc(r.env)}${tags ? ` ${tags}` : ""}</th>` +
    `<td>${badge(r.bucket, r.result)}</td><td>${versionCell(r, model.newestVersion)}</td><td>${when(r.at, model.generatedAt)}</td>` +
    `<td>${r.buildId ? `<code>${esc(r.buildId)}</code>` : ""}</td><td class="err">${r.error !== null ? esc(r.error) : ""}</td></tr>`
  );
}

const HEAD = `<thead><tr><th scope="col">Tenant</th><th scope="col">Result</th><th scope="col">Version</th><th scope="col">When (UTC)</th><th scope="col">Build</th><th scope="col">Error</th></tr></thead>`;

function countsText(c: Counts, total: number): string {
  const parts = BUCKETS.filter((b) => c[b] > 0 && b !== "succeeded").map((b) => `${c[b]} ${LABEL[b]}`);
  return `${c.succeeded} of ${total} succeeded${parts.length ? `, ${parts.join(", ")}` : ""}`;
}

function waveBody(g: WaveGroup, model: StatusPageModel): string {
  const title = g.wave === undefined ? "Not in the fleet config" : `Wave ${g.wave}`;
  return `<tbody><tr><th scope="rowgroup" colspan="6">${title} <small>${esc(countsText(g.counts, g.rows.length))}</small></th></tr>${g.rows.map((r) => tenantRow(r, model, false)).join("")}</tbody>`;
}

function summary(m: StatusPageModel): string {
  const items = BUCKETS.map((b) => `<li class="s-${b}${m.counts[b] === 0 ? " zero" : ""}"><span aria-hidden="true">${SYMBOL[b]} </span><b>${m.counts[b]}</b> ${LABEL[b]}</li>`);
  items.push(`<li><b>${m.lagging}</b> lagging <small>(not on ${m.newestVersion === null ? "a released version" : esc(m.newestVersion)})</small></li>`);
  const bar = m.total === 0 ? "" : `<div class="bar" aria-hidden="true">${BUCKETS.filter((b) => m.counts[b] > 0).map((b) => `<span class="b-${b}" style="flex:${m.counts[b]}"></span>`).join("")}</div>`;
  return `<section aria-labelledby="h-sum"><h2 id="h-sum" class="vh">Summary</h2><ul class="sum">${items.join("")}</ul>${bar}</section>`;
}

function filters(m: StatusPageModel): string {
  const button = (value: string, text: string, pressed: boolean) => `<button type="button"${value ? ` data-f="${value}"` : ""} aria-pressed="${pressed}">${text}</button>`;
  const buttons = [button("", `All (${m.waves.reduce((n, g) => n + g.rows.length, 0)})`, true), ...BUCKETS.map((b) => button(b, `${SYMBOL[b]} ${LABEL[b]} (${m.waves.reduce((n, g) => n + g.counts[b], 0)})`, false))];
  return `<div id="filters" class="filters" role="group" aria-label="Show tenants by result" hidden><span>Show:</span>${buttons.join("")}</div>`;
}

function amount(a: number | string): string {
  return esc(String(a));
}

function rollout(r: RolloutView): string {
  const haltReason = r.haltReason;
  const halted = haltReason !== undefined;
  const state = badge(halted ? "failed" : r.state === "completed" ? "succeeded" : "in-progress", r.state);
  const p = r.policy;
  const policy: [string, string][] = [
    ["max concurrent", amount(p.maxConcurrent)],
    ["failure tolerance per wave", amount(p.failureTolerance)],
    ["failure budget", p.failureBudget === undefined ? "none beyond the waves'" : amount(p.failureBudget)],
    ["bake", `${esc(p.bakeMinutes)} min`],
    ...(p.tenantTimeoutMinutes !== undefined ? ([["tenant timeout", `${esc(p.tenantTimeoutMinutes)} min`]] as [string, string][]) : []),
    ["on failure", esc(p.onFailure)],
  ];
  const waves = r.waves.map((w) => {
    const done = w.succeeded + w.failed + w.skipped;
    const counts = [`${w.succeeded} ✔`, `${w.failed} ✖`, `${w.inProgress} ◐`, `${w.notStarted} ○`, ...(w.skipped ? [`${w.skipped} ↷`] : [])].join(" ");
    const stateBucket: Bucket = w.haltReason !== undefined || w.state === "halted" ? "failed" : w.state === "done" ? "succeeded" : w.state === "waiting" ? "not-started" : "in-progress";
    return (
      `<tr><th scope="row">Wave ${esc(w.wave)}</th><td>${badge(stateBucket, w.state)}</td>` +
      `<td><progress max="${Math.max(w.total, 1)}" value="${done}"></progress> ${done}/${w.total}</td>` +
      `<td><span class="vh">succeeded, failed, in progress, not started${w.skipped ? ", skipped" : ""}: </span>${counts}</td><td>${w.haltReason !== undefined ? esc(w.haltReason) : ""}</td></tr>`
    );
  });
  return (
    `<section id="rollout" aria-labelledby="h-ro"><h2 id="h-ro">Rollout <code>${esc(r.id)}</code> of ${esc(r.version)}: ${state}</h2>` +
    (haltReason !== undefined ? `<p class="halt"><strong>Halted:</strong> ${esc(haltReason)}</p>` : "") +
    (r.startedAt !== undefined ? `<p class="meta">Started ${when(r.startedAt, "")}</p>` : "") +
    `<dl class="pol">${policy.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join("")}</dl>` +
    `<table class="cards w"><caption>Progress by wave</caption><thead><tr><th scope="col">Wave</th><th scope="col">State</th><th scope="col">Progress</th><th scope="col">Tenants</th><th scope="col">Why halted</th></tr></thead><tbody>${waves.join("")}</tbody></table></section>`
  );
}

export function renderStatusPage(m: StatusPageModel): string {
  const title = `${m.app}: fleet status`;
  const failed =
    m.failed.length === 0
      ? ""
      : `<section aria-labelledby="h-failed"><h2 id="h-failed"><span aria-hidden="true">✖ </span>Failed (${m.failed.length})</h2><table class="cards t"><caption>Tenants whose newest release failed or was refused, with the one-line error</caption>${HEAD}<tbody>${m.failed.map((r) => tenantRow(r, m, true)).join("")}</tbody></table></section>`;
  const tenants =
    m.waves.length === 0
      ? `<section aria-labelledby="h-t"><h2 id="h-t">Tenants</h2><p>No tenants: the fleet config has no environments and there are no status records.</p></section>`
      : `<section aria-labelledby="h-t"><h2 id="h-t">Tenants by wave</h2>${filters(m)}<table class="cards t"><caption>Every tenant's newest release, by wave; failed first within each wave</caption>${HEAD}${m.waves.map((g) => waveBody(g, m)).join("")}</table></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}"><meta name="color-scheme" content="light dark">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><header><h1>${esc(m.app)} <small>newest version</small> ${m.newestVersion === null ? "<small>none published</small>" : `<code>${esc(m.newestVersion)}</code>`}</h1>
<p class="meta">${m.total} tenant${m.total === 1 ? "" : "s"} · generated ${when(m.generatedAt, m.generatedAt)} UTC from ${esc(m.source)}</p></header>
<main>${summary(m)}${failed}${m.rollout ? rollout(m.rollout) : ""}${tenants}</main>
<script>${SCRIPT}</script></body></html>
`;
}
