// The explorer page: one self-contained HTML file (vega, vega-lite and the page script inlined, the
// data embedded as JSON), or, for --serve, the same page fetching its data from the server.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { axisTitle, metricInfo, setMetricCatalog } from '../charts/metrics.ts';
import { SERIES_METRICS, SUMMARY_METRICS } from '../engine/metrics.ts';
import type { ExplorePayload, SetPayload } from './data.ts';

setMetricCatalog([...SERIES_METRICS, ...SUMMARY_METRICS]);

const require = createRequire(import.meta.url);

/** A package's browser build (their "exports" hide build/, so go via the resolved entry point). */
function browserBuild(pkg: 'vega' | 'vega-lite', file: string): string {
  const entry = require.resolve(pkg);
  const marker = `${sep}${pkg}${sep}`;
  const root = entry.slice(0, entry.lastIndexOf(marker) + marker.length);
  return readFileSync(join(root, 'build', file), 'utf8');
}

/** Text safe inside a <script> element: no "</script", no "<!--". */
const scriptSafe = (s: string): string => s.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Axis titles of every metric in the payload ("Network hashrate (EH/s)"), for pickers and axes. */
export function payloadLabels(p: ExplorePayload): Record<string, string> {
  const sets: SetPayload[] = p.kind === 'sweep' ? p.points.map((x) => x.set) : [...p.sets];
  const out: Record<string, string> = {};
  for (const s of sets) {
    for (const m of [...s.series.map((b) => b.metric), ...s.summaries.map((x) => x.metric)]) out[m] ??= axisTitle(metricInfo(m));
    for (const b of s.minerSeries) out[b.metric] ??= `${b.miner} · ${axisTitle(metricInfo(b.column))}`;
  }
  return out;
}

const CSS = `
:root { --fg:#1d2329; --muted:#5b6670; --line:#d9dee3; --accent:#1f4e79; }
* { box-sizing: border-box; }
body { margin:0; font-family:"DejaVu Sans","Segoe UI",Helvetica,Arial,sans-serif; color:var(--fg); background:#f6f7f9; line-height:1.45; }
main { max-width: 1240px; margin: 0 auto; padding: 18px 24px 48px; background:white; }
h1 { font-size: 1.5rem; margin: 0.1em 0; }
h2 { font-size: 1.1rem; margin: 1.4em 0 0.5em; border-bottom: 2px solid var(--accent); padding-bottom: 3px; }
p.lead, .muted { color: var(--muted); }
.controls { display:flex; gap: 12px; align-items:center; flex-wrap: wrap; margin: 6px 0; font-size: 0.9rem; }
.controls input[type=number] { width: 5em; }
select, button, input { font: inherit; font-size: 0.88rem; }
button { cursor: pointer; border: 1px solid #b8c2cc; background: #f3f6f9; border-radius: 4px; padding: 2px 8px; }
.status { font-weight: bold; color: var(--accent); margin: 4px 0; }
.panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 8px 18px; }
figure.panel { margin: 0; }
.export { display:flex; gap:4px; justify-content:flex-end; margin-top: -4px; }
.export button { font-size: 0.72rem; padding: 0 5px; color: var(--muted); }
/* Fixed height: filling it on hover must not move the charts under the pointer. */
.run-info { border: 1px solid var(--line); border-left: 4px solid #c0504d; padding: 2px 10px; margin: 6px 0 10px; font-size: 0.85rem; height: 9.5em; overflow: auto; }
.run-info p { margin: 3px 0; }
.run-info pre { margin: 4px 0; background: #f3f5f7; padding: 6px; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.4em 0; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eef2f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.active td { background: #fff4e5; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.8rem; }
#tooltip { position: absolute; display: none; pointer-events: none; background: rgba(255,255,255,0.97); border: 1px solid #999; border-radius: 4px; padding: 6px 8px; font-size: 12px; box-shadow: 0 2px 6px rgba(0,0,0,0.15); z-index: 10; }
#tooltip td { border: none; padding: 1px 6px; }
`;

export interface PageOptions {
  /** Embed the data (default); false: the page fetches explore-data.json from where it is served. */
  readonly embed?: boolean;
}

function subtitle(p: ExplorePayload): string {
  if (p.kind === 'sweep') return `sweep · ${p.points.length} points · parameters ${p.parameters.join(', ')}`;
  const describe = (s: SetPayload): string =>
    `${p.kind === 'compare' ? `${s.label} (scenario ${s.scenario})` : `scenario ${s.scenario}`}, seed ${String(s.seed)}, ${s.runs.length} ok runs of ${s.batchRuns}${s.failedRuns ? ` (${s.failedRuns} failed, left out)` : ''}${s.seriesRuns.length < s.runs.length ? `, series of ${s.seriesRuns.length} sampled runs embedded` : ''}`;
  const lines = p.sets.map(describe);
  if (p.kind === 'compare') lines.push(p.paired ? 'same seed: runs are paired by run index (common random numbers)' : 'different seeds: runs are not paired');
  return lines.join(' · ');
}

/** The explorer page as one HTML string. */
export function buildExplorePage(payload: ExplorePayload, options: PageOptions = {}): string {
  const data = { ...payload, labels: payloadLabels(payload) };
  const embed = options.embed !== false;
  const kind = payload.kind === 'set' ? 'result set' : payload.kind === 'compare' ? 'comparison' : 'sweep';
  // No network at all when embedded; served pages may fetch their data from the same origin only.
  const connect = embed ? "'none'" : "'self'";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; connect-src ${connect}">
<title>hashsim explore: ${esc(payload.title)}</title>
<style>${CSS}</style>
</head>
<body data-kind="${esc(payload.kind)}">
<main>
<p class="lead">hashsim explorer · ${esc(kind)}</p>
<h1>${esc(payload.title)}</h1>
<p class="lead">${esc(subtitle(payload))}</p>
<div id="explorer"></div>
</main>
<div id="tooltip"></div>
${embed ? `<script type="application/json" id="explore-data">${scriptJson(data)}</script>` : ''}
<script>${scriptSafe(browserBuild('vega', 'vega.min.js'))}</script>
<script>${scriptSafe(browserBuild('vega-lite', 'vega-lite.min.js'))}</script>
<script>${scriptSafe(readFileSync(new URL('./client.js', import.meta.url), 'utf8'))}</script>
</body>
</html>
`;
}

/** The data a served page fetches (explore-data.json), with labels. */
export function explorePayloadJson(payload: ExplorePayload): string {
  return JSON.stringify({ ...payload, labels: payloadLabels(payload) });
}
