// The two pictures of docs/architecture.md, as SVG (Bitbucket renders SVG images in Markdown, not Mermaid):
//   docs/img/accounts-and-trust.svg   the accounts, what each role may do and who may assume it
//   docs/img/release-sequence.svg     one release from the pipe to the tenant's status record, with the
//                                     retries and dead-letter queues on the way
// Usage: node scripts/diagrams.mjs          write both
//        node scripts/diagrams.mjs --check  exit 1 when a committed picture differs from this script's
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const FONT = "font-family=\"Helvetica, Arial, sans-serif\"";
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function text(x, y, s, { size = 12, weight = "normal", anchor = "start", fill = "#1f2328" } = {}) {
  return `<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}" text-anchor="${anchor}" fill="${fill}">${esc(s)}</text>`;
}

/** A box with a bold title and plain lines under it. */
function box(x, y, w, lines, { fill = "#ffffff", stroke = "#57606a", title = true } = {}) {
  const h = 12 + lines.length * 16;
  const out = [`<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6" fill="${fill}" stroke="${stroke}"/>`];
  lines.forEach((l, i) => out.push(text(x + 8, y + 20 + i * 16, l, { weight: i === 0 && title ? "bold" : "normal" })));
  return { svg: out.join("\n"), x, y, w, h, cx: x + w / 2, bottom: y + h, right: x + w };
}

/** `at: [x, y]` puts a label of several lines (`label` split on "\n") where there is room for it. */
function arrow(x1, y1, x2, y2, label = "", { dashed = false, color = "#0969da", labelDx = 0, labelDy = -6, at } = {}) {
  const dash = dashed ? ' stroke-dasharray="6 4"' : "";
  const line = `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${color}" stroke-width="1.6"${dash} marker-end="url(#head-${color.slice(1)})"/>`;
  if (!label) return line;
  if (at) return [line, ...label.split("\n").map((l, i) => text(at[0], at[1] + i * 14, l, { size: 11, anchor: "middle", fill: color }))].join("\n");
  const mx = (x1 + x2) / 2 + labelDx;
  const my = (y1 + y2) / 2 + labelDy;
  return `${line}\n${text(mx, my, label, { size: 11, anchor: "middle", fill: color })}`;
}

function svg(width, height, title, body) {
  const heads = ["0969da", "8250df", "cf222e", "57606a"]
    .map((c) => `<marker id="head-${c}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#${c}"/></marker>`)
    .join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<title>${esc(title)}</title>`,
    `<defs>${heads}</defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    body,
    "</svg>",
    "",
  ].join("\n");
}

function accountsAndTrust() {
  const parts = [];
  const region = (x, y, w, h, label, fill) => parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="10" fill="${fill}" stroke="#8c959f"/>`, text(x + 12, y + 22, label, { size: 14, weight: "bold" }));
  region(10, 40, 230, 560, "Bitbucket", "#f6f8fa");
  region(255, 40, 390, 560, "Central account", "#fff8c5");
  region(810, 52, 380, 548, "", "#ddf4ff");
  region(800, 40, 380, 560, "Tenant account (one per environment)", "#ddf4ff");
  parts.push(text(600, 26, "Accounts and trust: each tenant pulls its own releases; the central account holds no credentials in any tenant", { size: 13, anchor: "middle", weight: "bold" }));

  const C = 268;
  const CW = 364;
  const T = 814;
  const TW = 352;
  const step = box(25, 80, 200, ["pipeline step (oidc: true)", "cdktf-fleet pipe: lint, test,", "SonarQube gate, synth, zip"]);
  const token = box(25, 190, 200, ["step OIDC token", "issuer: the workspace", "audience: workspace UUID"], { fill: "#f6f8fa" });
  const oidc = box(C, 80, CW, ["IAM OIDC identity provider", "trusts the workspace's issuer and audience"]);
  const uploader = box(C, 150, CW, ["role fleet-uploader", "assumed with a token of the listed repositories;", "may put artifacts/ (write-once) and releases/"]);
  const bucket = box(C, 250, CW, ["artifact bucket (versioned, private, TLS only)", "artifacts/<app>/<version>/  zip + manifest", "releases/<env>/<app>/<version>/<releaseId>.json", "status/<env>/<app>/<releaseId>.json"]);
  const bus = box(C, 370, CW, ["default event bus", "rule fleet-forward-<env>: Object Created", "under releases/<env>/; failures kept in", "queue fleet-forward-dlq-<env>"]);
  const forwarder = box(C, 490, CW, ["role fleet-forwarder", "assumed by EventBridge for this account's rules;", "may PutEvents to each tenant's fleet-inbound"]);
  const state = box(C, 558, CW, ["state bucket; role fleet-state-<env> per env"], { fill: "#fffbe6" });

  const inbound = box(T, 80, TW, ["event bus fleet-inbound", "policy: events from the central account only"]);
  const rule = box(T, 150, TW, ["rule fleet-assets-tracker", "pinned to the central account and bucket;", "failed deliveries: queue fleet-inbound-dlq"]);
  const lambda = box(T, 250, TW, ["Lambda fleet-assets-tracker", "may StartBuild on its own project only;", "failed events: fleet-assets-tracker-failures"]);
  const build = box(T, 350, TW, ["CodeBuild fleet-deploy-<env>", "role fleet-deployer-<env>: reads its releases/<env>/", "and artifacts/, writes its status/<env>/ only"]);
  const workload = box(T, 450, TW, ["workload-<env> (the application)", "terraform apply with S3 state and a lock file"]);
  parts.push(step.svg, token.svg, oidc.svg, uploader.svg, bucket.svg, bus.svg, forwarder.svg, state.svg, inbound.svg, rule.svg, lambda.svg, build.svg, workload.svg);

  parts.push(arrow(step.cx, step.bottom, token.cx, token.y, "", { color: "#57606a" }));
  parts.push(arrow(token.right, token.y + 24, uploader.x, uploader.y + 30, "AssumeRoleWithWebIdentity\nas fleet-uploader", { at: [125, token.bottom + 20] }));
  parts.push(arrow(oidc.x + 40, oidc.bottom, uploader.x + 40, uploader.y, "", { dashed: true, color: "#8250df" }));
  parts.push(arrow(uploader.x + 60, uploader.bottom, bucket.x + 60, bucket.y, "put (If-None-Match: *)", { labelDx: 70 }));
  parts.push(arrow(bucket.x + 60, bucket.bottom, bus.x + 60, bus.y, "Object Created", { labelDx: 50 }));
  parts.push(arrow(forwarder.x + 330, forwarder.y, bus.x + 330, bus.bottom, "", { dashed: true, color: "#8250df" }));
  parts.push(arrow(bus.right, bus.y + 20, inbound.x, inbound.y + 30, "PutEvents as\nfleet-forwarder", { at: [698, 205] }));
  parts.push(arrow(inbound.cx, inbound.bottom, rule.cx, rule.y));
  parts.push(arrow(rule.cx, rule.bottom, lambda.cx, lambda.y, "invoke (async)", { labelDx: 50 }));
  parts.push(arrow(lambda.cx, lambda.bottom, build.cx, build.y, "StartBuild", { labelDx: 40 }));
  parts.push(arrow(build.cx, build.bottom, workload.cx, workload.y, "apply", { labelDx: 30 }));
  parts.push(arrow(build.x, build.y + 30, bucket.right, bucket.y + 50, "get by version-id,\nput status/<env>/", { at: [728, 388] }));
  parts.push(arrow(build.x, build.y + 56, state.right, state.y + 14, "assume fleet-state-<env>:\nits own state key", { at: [722, 520] }));

  // Legend
  parts.push(arrow(830, 540, 880, 540, "", {}), text(888, 544, "a call or an event", { size: 11 }));
  parts.push(arrow(830, 565, 880, 565, "", { dashed: true, color: "#8250df" }), text(888, 569, "trust: who may assume or use it", { size: 11 }));
  return svg(1200, 620, "cdktf-fleet: accounts and trust", parts.join("\n"));
}

function releaseSequence() {
  const lanes = [
    ["pipe", "(Bitbucket step)"],
    ["artifact bucket", "(central)"],
    ["default bus", "(central)"],
    ["fleet-inbound", "(tenant)"],
    ["assets-tracker", "(tenant Lambda)"],
    ["deployer", "(tenant CodeBuild)"],
  ];
  const x0 = 90;
  const dx = 178;
  const top = 60;
  const bottom = 640;
  const lx = (i) => x0 + i * dx;
  const parts = [text(550, 26, "One release, from the pipe to the tenant's status record", { size: 14, anchor: "middle", weight: "bold" })];
  lanes.forEach(([name, where], i) => {
    parts.push(`<rect x="${lx(i) - 72}" y="${top - 20}" width="144" height="40" rx="6" fill="#f6f8fa" stroke="#57606a"/>`);
    parts.push(text(lx(i), top - 3, name, { anchor: "middle", weight: "bold" }), text(lx(i), top + 13, where, { anchor: "middle", size: 11 }));
    parts.push(`<line x1="${lx(i)}" y1="${top + 20}" x2="${lx(i)}" y2="${bottom}" stroke="#8c959f" stroke-dasharray="3 4"/>`);
  });
  let y = top + 55;
  const msg = (from, to, label, opts = {}) => {
    parts.push(arrow(lx(from), y, lx(to), y, label, opts));
    y += opts.gap ?? 42;
  };
  const note = (lane, lines, { fill = "#fff8c5", width = 250, dx: ndx = 10 } = {}) => {
    const b = box(lx(lane) + ndx, y - 14, width, lines, { fill, title: false, stroke: "#bf8700" });
    parts.push(b.svg);
    y = b.bottom + 28;
  };
  const retry = (lane, lines, ndx = 10) => note(lane, lines, { fill: "#ffebe9", width: 330, dx: ndx });

  msg(0, 1, "1. put zip, manifest (write-once)");
  msg(0, 1, "2. verify; put release (last)");
  msg(1, 2, "3. Object Created (version-id)");
  msg(2, 3, "4. rule fleet-forward-<env> → PutEvents", { gap: 26 });
  retry(2, ["retries up to 24 h / 185 attempts; then the event", "waits in fleet-forward-dlq-<env> (14 days) for a replay"]);
  msg(3, 4, "5. rule fleet-assets-tracker → invoke", { gap: 26 });
  retry(3, ["retries up to 24 h / 185 attempts; then", "fleet-inbound-dlq (14 days)"]);
  msg(4, 5, "6. StartBuild (idempotency token)", { gap: 26 });
  retry(4, ["a bad event is logged and dropped; \"build already", "running\" or throttling: 2 async retries (~1, ~2 min),", "then fleet-assets-tracker-failures for a redrive"], -190);
  msg(5, 1, "7. get release + artifact by version-id", { color: "#57606a" });
  note(5, ["8. verify SHA-256 (release, manifest, zip),", "refuse a downgrade, extract safely,", "terraform init + apply (S3 state, lock file)"], { dx: -270, width: 260 });
  msg(5, 1, "9. put status/<env>/<app>/<releaseId>.json", { color: "#57606a" });
  parts.push(text(lx(0) - 60, bottom + 30, "fleet status reads the status records: which version runs where, what failed, who lags.", { size: 12 }));
  return svg(1100, bottom + 50, "cdktf-fleet: the release sequence with retries and dead-letter queues", parts.join("\n"));
}

const files = { "docs/img/accounts-and-trust.svg": accountsAndTrust(), "docs/img/release-sequence.svg": releaseSequence() };

if (process.argv.includes("--check")) {
  const stale = Object.entries(files).filter(([f, text]) => {
    try {
      return readFileSync(join(root, f), "utf8") !== text;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`✖ out of date: ${stale.map(([f]) => f).join(", ")}; run node scripts/diagrams.mjs`);
    process.exit(1);
  }
  console.log("✔ pictures up to date");
} else {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), text);
    console.log(`wrote ${f}`);
  }
}
