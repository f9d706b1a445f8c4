/**
 * The page's inline style and script. Both are constants (no value from a record ever enters them), so
 * the page's Content-Security-Policy can allow exactly this script by its hash and nothing else.
 *
 * Style: system fonts only, light and dark by prefers-color-scheme, status colours that always come with a
 * symbol and a word. Below 40em a table row becomes a card whose cells are labelled by CSS (so 320 px
 * has no horizontal scroll and the HTML stays one real table).
 *
 * Script (optional, the page is complete without it): the filter buttons (shown only when the script runs)
 * hide rows of other results and wave groups left empty; a column header click sorts each group's rows.
 */
export const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--mute:#57606a;--line:#d0d7de;--card:#f6f8fa;
--ok:#1a7f37;--bad:#cf222e;--run:#0969da;--skip:#8250df;--none:#6e7781}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#9198a1;--line:#30363d;--card:#161b22;
--ok:#3fb950;--bad:#ff7b72;--run:#58a6ff;--skip:#bc8cff;--none:#8b949e}}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0 auto;max-width:80em;padding:.75em;background:var(--bg);color:var(--fg);font:15px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;overflow-wrap:anywhere}
h1{font-size:1.35em;margin:.2em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}
.meta,caption,small{color:var(--mute)}caption{text-align:left;padding:.3em 0;caption-side:top}
code{font:.85em ui-monospace,SFMono-Regular,Menlo,monospace}
.sum{display:flex;flex-wrap:wrap;gap:.4em;list-style:none;padding:0;margin:.6em 0}
.sum li{border:1px solid var(--line);border-radius:6px;padding:.3em .6em;background:var(--card)}
.sum b{font-size:1.15em}.sum .zero{color:var(--mute)}
.bar{display:flex;height:.6em;border-radius:3px;overflow:hidden;background:var(--line);margin:.3em 0}
.bar span{display:block}
.b-failed{background:var(--bad)}.b-in-progress{background:var(--run)}.b-succeeded{background:var(--ok)}
.b-skipped{background:var(--skip)}.b-not-started{background:var(--none)}
.st{font-weight:600;white-space:nowrap}
.s-failed{color:var(--bad)}.s-in-progress{color:var(--run)}.s-succeeded{color:var(--ok)}.s-skipped{color:var(--skip)}.s-not-started{color:var(--none)}
.tag{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 .3em;font-size:.8em;color:var(--mute);margin-left:.3em}
.halt{border-left:4px solid var(--bad);padding:.3em .6em;background:var(--card)}
dl.pol{display:flex;flex-wrap:wrap;gap:.2em 1.2em;margin:.4em 0}dl.pol div{display:flex;gap:.3em}dl.pol dd{margin:0;font-weight:600}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.3em .5em;border-bottom:1px solid var(--line)}
thead th{font-size:.85em;color:var(--mute);white-space:nowrap}
thead button{font:inherit;color:inherit;background:none;border:0;padding:0;cursor:pointer;text-decoration:underline dotted}
tbody th[scope=rowgroup]{background:var(--card);font-weight:600}
tr[data-r=failed]>*{background:color-mix(in srgb,var(--bad) 7%,transparent)}
.err{max-width:32em}
progress{width:6em;vertical-align:middle}
.filters{display:flex;flex-wrap:wrap;gap:.3em;align-items:center;margin:.6em 0}
.filters button{font:inherit;color:var(--fg);background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.2em .6em;cursor:pointer}
.filters button[aria-pressed=true]{border-color:var(--fg);font-weight:600}
body[data-f] tr[data-r]{display:none}
body[data-f=failed] tr[data-r=failed],body[data-f=in-progress] tr[data-r=in-progress],body[data-f=succeeded] tr[data-r=succeeded],
body[data-f=skipped] tr[data-r=skipped],body[data-f=not-started] tr[data-r=not-started]{display:table-row}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:40em){
table.cards,.cards caption,.cards tbody,.cards tr,.cards th,.cards td{display:block}
body{font-size:14px;padding:.5em}.sum{gap:.25em}.sum li{padding:.15em .4em}
.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.cards tr{border-bottom:1px solid var(--line);padding:.3em 0}.cards th,.cards td{border:0;padding:.1em .3em}
body[data-f] .cards tr[data-r]{display:none}
body[data-f=failed] .cards tr[data-r=failed],body[data-f=in-progress] .cards tr[data-r=in-progress],body[data-f=succeeded] .cards tr[data-r=succeeded],
body[data-f=skipped] .cards tr[data-r=skipped],body[data-f=not-started] .cards tr[data-r=not-started]{display:block}
.t td:nth-of-type(n+2)::before,.w td::before{color:var(--mute);font-size:.85em;margin-right:.4em}
.t td:nth-of-type(2)::before{content:"Version"}.t td:nth-of-type(3)::before{content:"When"}
.t td:nth-of-type(4)::before{content:"Build"}.t td:nth-of-type(5)::before{content:"Error"}
.w td:nth-of-type(1)::before{content:"State"}.w td:nth-of-type(2)::before{content:"Progress"}
.w td:nth-of-type(3)::before{content:"Tenants"}.w td:nth-of-type(4)::before{content:"Why halted"}
.t td:empty,.w td:empty{display:none}}
@media (min-width:40.01em){.t th[scope=row],.t time,.t small{white-space:nowrap}.t .err{min-width:16em}.t code{word-break:break-all}}
`;

export const SCRIPT = `(function(){
var d=document,b=d.body,f=d.getElementById("filters");if(!f)return;f.hidden=false;
var rank={"failed":0,"in-progress":1,"not-started":2,"skipped":3,"succeeded":4};
function groups(){d.querySelectorAll("tbody").forEach(function(g){var h=g.querySelector("th[scope=rowgroup]");if(!h)return;
var any=!b.dataset.f||g.querySelector("tr[data-r="+b.dataset.f+"]");g.hidden=!any;});}
f.addEventListener("click",function(e){var t=e.target.closest("button");if(!t)return;
var v=t.getAttribute("data-f");if(v)b.dataset.f=v;else delete b.dataset.f;
f.querySelectorAll("button").forEach(function(x){x.setAttribute("aria-pressed",String(x===t));});groups();});
d.querySelectorAll("table.t").forEach(function(tbl){var hs=tbl.querySelectorAll("thead th");
hs.forEach(function(th,k){var btn=d.createElement("button");btn.type="button";btn.textContent=th.textContent;th.textContent="";th.appendChild(btn);
btn.addEventListener("click",function(){var asc=th.getAttribute("aria-sort")!=="ascending";
hs.forEach(function(x){x.removeAttribute("aria-sort");});th.setAttribute("aria-sort",asc?"ascending":"descending");
function key(tr){var c=tr.children[k];if(!c)return "";if(k===1)return String(rank[tr.dataset.r]);var tm=c.querySelector("time");return tm?tm.getAttribute("datetime"):c.textContent;}
tbl.querySelectorAll("tbody").forEach(function(g){var rows=[].slice.call(g.querySelectorAll("tr[data-r]"));
rows.sort(function(a,c){var r=key(a).localeCompare(key(c),undefined,{numeric:true});return asc?r:-r;});
rows.forEach(function(r){g.appendChild(r);});});});});});
})();`;
