import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { Manifest } from '../results/manifest.ts';
import { readParquetFile, type ParquetData } from '../results/parquet.ts';
import { RESULT_FILES } from '../results/layout.ts';
import { atomicWrite } from '../results/atomic.ts';
import { axisTitle, metricInfo } from './metrics.ts';
import { finite, quantileSorted } from './specs/common.ts';
import type { SummaryColumn } from './specs/types.ts';
import { buildResultSetCharts, constantSeriesNotCharted, loadChartData, resolvedScenario, type ChartEntry, type ConstantSeries } from './resultset.ts';
import { compiledVegaJson } from './compiled.ts';

/** One row of the report's summary table (also useful to notebooks). */
export interface SummaryStats {
  readonly metric: string;
  /** Runs with a value (null = the event never happened in that run). */
  readonly n: number;
  readonly runs: number;
  readonly mean: number | null;
  readonly p5: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
}

/** Mean and type-7 quantiles (as in bands.parquet) of each summary metric over runs with a value. */
export function summaryStats(columns: readonly SummaryColumn[]): SummaryStats[] {
  return columns.map((c) => {
    const v = finite(c.values).sort((a, b) => a - b);
    const has = v.length > 0;
    return {
      metric: c.metric,
      n: v.length,
      runs: c.values.length,
      mean: has ? v.reduce((a, b) => a + b, 0) / v.length : null,
      p5: has ? quantileSorted(v, 0.05) : null,
      p50: has ? quantileSorted(v, 0.5) : null,
      p95: has ? quantileSorted(v, 0.95) : null,
    };
  });
}

export interface ReportInput {
  readonly manifest: Manifest;
  readonly charts: readonly ChartEntry[];
  readonly summaries: readonly SummaryColumn[];
  /** Series metrics left without a chart because they never change (listed under the charts). */
  readonly constantSeries?: readonly ConstantSeries[];
  /** Outcomes per named miner over runs (miners.parquet), for the report's table. */
  readonly minerOutcomes?: readonly MinerOutcomeRow[];
  /** Chart name -> the file its caption names (default charts/<name>.png). */
  readonly chartFiles?: Readonly<Record<string, string>>;
  /** Progress of compiling the charts. */
  readonly onChart?: (done: number, total: number) => void;
}

export interface MinerOutcomeRow {
  readonly miner: string;
  readonly runs: number;
  /** Share of runs (0-1) in which the miner exited / had at least one margin call / was liquidated. */
  readonly exitedShare: number;
  readonly marginCalledShare: number;
  readonly liquidatedShare: number;
  /** Medians over runs. */
  readonly medianFinalTreasuryBtc: number | null;
  readonly medianFinalDebtUsd: number | null;
  readonly medianFinalHashrateEhs: number | null;
  readonly medianMwPivoted: number | null;
}

/** The columns of miners.parquet that minerOutcomeRows reads. */
const MINER_COLUMNS: readonly string[] = ['miner', 'status', 'margin_calls', 'liquidations', 'final_treasury_btc', 'final_debt_usd', 'final_hashrate_ehs', 'mw_pivoted'];

/** Per named miner: shares of runs with an exit / margin call / liquidation and medians of final values. */
export function minerOutcomeRows(t: ParquetData): MinerOutcomeRow[] {
  const miner = t.columns.miner as (string | null)[] | undefined;
  if (!miner) return [];
  const status = t.columns.status as (string | null)[];
  const col = (n: string) => t.columns[n] as Float64Array | undefined;
  const order: string[] = [];
  const rows = new Map<string, number[]>();
  for (let i = 0; i < t.numRows; i++) {
    const m = miner[i] ?? '';
    if (!rows.has(m)) {
      rows.set(m, []);
      order.push(m);
    }
    rows.get(m)!.push(i);
  }
  const median = (c: Float64Array | undefined, idx: readonly number[]): number | null => {
    if (!c) return null;
    const xs = idx.map((i) => c[i]!).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    return xs.length ? quantileSorted(xs, 0.5) : null;
  };
  const share = (idx: readonly number[], f: (i: number) => boolean) => (idx.length ? idx.filter(f).length / idx.length : 0);
  return order.map((m) => {
    const idx = rows.get(m)!;
    const calls = col('margin_calls');
    const liqs = col('liquidations');
    return {
      miner: m,
      runs: idx.length,
      exitedShare: share(idx, (i) => status[i] === 'exited'),
      marginCalledShare: share(idx, (i) => (calls?.[i] ?? 0) > 0),
      liquidatedShare: share(idx, (i) => (liqs?.[i] ?? 0) > 0),
      medianFinalTreasuryBtc: median(col('final_treasury_btc'), idx),
      medianFinalDebtUsd: median(col('final_debt_usd'), idx),
      medianFinalHashrateEhs: median(col('final_hashrate_ehs'), idx),
      medianMwPivoted: median(col('mw_pivoted'), idx),
    };
  });
}

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON text made safe inside a <script> element (no "</script>", no "<!--"). */
const scriptSafe = (json: string): string => json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

function fmtNum(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toLocaleString('en-US', { notation: a >= 1e6 ? 'compact' : 'scientific', maximumSignificantDigits: 4 });
  return v.toLocaleString('en-US', { maximumSignificantDigits: 4 });
}

/** Key scenario parameters as (path, value) rows: scalars up to a small depth, lists summarised. */
export function keyParameters(resolved: Record<string, unknown>): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const walk = (v: unknown, path: string, depth: number): void => {
    if (v === null || v === undefined || typeof v !== 'object') {
      if (path !== 'description' && path !== '$schema') rows.push([path, v === undefined ? '' : String(v)]);
      return;
    }
    if (Array.isArray(v)) {
      const names = v.map((x) => (x && typeof x === 'object' && 'name' in x ? String((x as { name: unknown }).name) : null)).filter((x): x is string => x !== null);
      if (v.every((x) => x === null || typeof x !== 'object')) rows.push([path, v.join(', ')]);
      else rows.push([path, `${v.length} ${v.length === 1 ? 'entry' : 'entries'}${names.length ? `: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}` : ''}`]);
      return;
    }
    if (depth >= 6) {
      // deep leftovers as "key: value" pairs, not raw JSON
      rows.push([path, Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x)}`).join('; ')]);
      return;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, path ? `${path}.${k}` : k, depth + 1);
  };
  walk(resolved, '', 0);
  return rows;
}

const require = createRequire(import.meta.url);

/** vega's browser build from node_modules, inlined so the report needs no network. */
function vegaBrowserBuild(): string {
  // vega's package "exports" hide build/vega.min.js, so locate it next to the resolved entry point.
  const entry = require.resolve('vega');
  const root = entry.slice(0, entry.lastIndexOf(`${sep}vega${sep}`) + `${sep}vega${sep}`.length);
  return readFileSync(join(root, 'build', 'vega.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
}

const CSS = `
:root { --fg:#1d2329; --muted:#5b6670; --line:#d9dee3; --accent:#1f4e79; }
* { box-sizing: border-box; }
body { margin:0; font-family:"DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color:var(--fg); background:#f6f7f9; line-height:1.5; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 28px 64px; background:white; }
h1 { font-size: 1.8rem; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.3rem; margin-top: 2em; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin-top: 1.6em; color: var(--muted); }
p.lead { color: var(--muted); margin-top: 0; }
nav { font-size: 0.9rem; margin: 1em 0; }
nav a { margin-right: 1em; color: var(--accent); }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; margin: 0.6em 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
table.params td:first-child { white-space: nowrap; width: 1%; }
th { background: #eef2f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.82rem; word-break: break-all; }
figure.chart { margin: 1.2em 0 2em; }
.chart-view { min-height: 120px; overflow-x: auto; }
figcaption { font-size: 0.85rem; color: var(--muted); }
details { margin: 0.6em 0; }
pre { background: #f3f5f7; padding: 10px; overflow-x: auto; font-size: 0.8rem; }
.warn { background: #fff4e5; border-left: 4px solid #f9a825; padding: 8px 12px; }
#tooltip { position: absolute; display: none; pointer-events: none; background: rgba(255,255,255,0.97); border: 1px solid #999; border-radius: 4px; padding: 6px 8px; font-size: 12px; box-shadow: 0 2px 6px rgba(0,0,0,0.15); z-index: 10; }
#tooltip td { border: none; padding: 1px 6px; }
@media print { body { background: white; } main { max-width: none; } nav, #tooltip { display: none; } }
`;

// Renders every chart with vega's SVG renderer and a small tooltip handler (vega-embed and
// vega-tooltip are not dependencies). Failures are shown in place and logged, which the browser test sees.
const BOOT = `
(function () {
  var tip = document.getElementById('tooltip');
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'})[c]; }); }
  function show(handler, event, item, value) {
    if (value === null || value === undefined || value === '') { tip.style.display = 'none'; return; }
    var html;
    if (typeof value === 'object') {
      html = '<table>' + Object.keys(value).map(function (k) { return '<tr><td><b>' + esc(k) + '</b></td><td>' + esc(value[k]) + '</td></tr>'; }).join('') + '</table>';
    } else { html = esc(value); }
    tip.innerHTML = html;
    tip.style.display = 'block';
    tip.style.left = (event.pageX + 14) + 'px';
    tip.style.top = (event.pageY + 10) + 'px';
  }
  var specs = document.querySelectorAll('script[type="application/json"][data-chart]');
  var pending = [];
  specs.forEach(function (el) {
    var container = document.getElementById(el.getAttribute('data-chart'));
    try {
      var view = new vega.View(vega.parse(JSON.parse(el.textContent)), { renderer: 'svg', container: container, hover: true });
      view.tooltip(show);
      pending.push(view.runAsync().then(function () { container.setAttribute('data-rendered', 'true'); }));
    } catch (e) {
      container.textContent = 'This chart could not be drawn: ' + e;
      console.error(e);
    }
  });
  Promise.all(pending).then(function () { document.body.setAttribute('data-charts-rendered', String(pending.length)); },
    function (e) { console.error(e); });
})();
`;

/** A chart as a report embeds it: where its files are and its Vega-Lite spec. */
export interface ReportChart {
  readonly name: string;
  readonly section: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
  /** File shown in the caption (default charts/<name>.png). */
  readonly file?: string;
}

/** The charts of a report as figures grouped by section (each spec compiled to Vega and inlined). */
export function chartSectionsHtml(charts: readonly ReportChart[], onChart?: (done: number, total: number) => void): string {
  const sections = [...new Set(charts.map((c) => c.section))];
  let done = 0;
  const compiled = charts.map((c, i) => {
    const v = { ...c, id: `chart-${i + 1}`, vega: compiledVegaJson(c.spec) };
    onChart?.(++done, charts.length);
    return v;
  });
  return sections
    .map((sec) => {
      const inSec = compiled.filter((c) => c.section === sec);
      return `<h3>${esc(sec)}</h3>\n${inSec
        .map((c) => `<figure class="chart"><div class="chart-view" id="${c.id}" role="img" aria-label="${esc(c.title)}"></div><figcaption>${esc(c.title)} · <code>${esc(c.file ?? `charts/${c.name}.png`)}</code></figcaption><script type="application/json" data-chart="${c.id}">${scriptSafe(c.vega)}</script></figure>`)
        .join('\n')}`;
    })
    .join('\n');
}

/** A whole offline page: title, body HTML, vega inlined and the boot script that draws the charts. */
export function reportPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
<div id="tooltip"></div>
<script>${vegaBrowserBuild()}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}

export { esc as escapeHtml, fmtNum as formatNumber };

/** The report as one self-contained HTML string (vega inlined, specs compiled to Vega). */
export function buildReportHtml(input: ReportInput): string {
  const m = input.manifest;
  const resolved = (m.scenario.resolved && typeof m.scenario.resolved === 'object' ? m.scenario.resolved : {}) as Record<string, unknown>;
  const description = typeof resolved.description === 'string' ? resolved.description : '';
  const stats = summaryStats(input.summaries);

  const paramRows = keyParameters(resolved)
    .map(([k, v]) => `<tr><td><code>${esc(k)}</code></td><td>${esc(v)}</td></tr>`)
    .join('\n');
  const fileRows = Object.entries(m.files ?? {})
    .map(([f, e]) => `<tr><td><code>${esc(f)}</code></td><td class="num">${esc(e.bytes.toLocaleString('en-US'))}</td><td class="mono">${esc(e.sha256)}</td></tr>`)
    .join('\n');
  const statRows = stats
    .map((s) => {
      const info = metricInfo(s.metric);
      return `<tr><td><code>${esc(s.metric)}</code></td><td>${esc(axisTitle(info))}</td><td class="num">${s.n} / ${s.runs}</td><td class="num">${fmtNum(s.mean)}</td><td class="num">${fmtNum(s.p5)}</td><td class="num">${fmtNum(s.p50)}</td><td class="num">${fmtNum(s.p95)}</td></tr>`;
    })
    .join('\n');
  const failed = m.failedRuns ?? [];
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const minerRows = (input.minerOutcomes ?? [])
    .map(
      (r) =>
        `<tr><td>${esc(r.miner)}</td><td class="num">${r.runs}</td><td class="num">${pct(r.exitedShare)}</td><td class="num">${pct(r.marginCalledShare)}</td><td class="num">${pct(r.liquidatedShare)}</td><td class="num">${fmtNum(r.medianFinalTreasuryBtc)}</td><td class="num">${fmtNum(r.medianFinalDebtUsd)}</td><td class="num">${fmtNum(r.medianFinalHashrateEhs)}</td><td class="num">${fmtNum(r.medianMwPivoted)}</td></tr>`,
    )
    .join('\n');
  const minerHtml = minerRows
    ? `<h2 id="miners">Named miners</h2>
<p class="lead">Outcomes of each named miner over the ok runs (miners.parquet; per-step paths in agents.parquet): share of runs in which it exited, was margin-called or liquidated, and medians of its final values.</p>
<table><thead><tr><th>miner</th><th class="num">runs</th><th class="num">exited</th><th class="num">margin-called</th><th class="num">liquidated</th><th class="num">treasury (BTC)</th><th class="num">debt (USD)</th><th class="num">hashrate (EH/s)</th><th class="num">MW pivoted</th></tr></thead><tbody>
${minerRows}
</tbody></table>`
    : '';
  const chartHtml = chartSectionsHtml(input.charts.map((c) => ({ ...c, ...(input.chartFiles?.[c.name] ? { file: input.chartFiles[c.name] } : {}) })), input.onChart);
  const constants = input.constantSeries ?? [];
  const constantHtml = constants.length
    ? `<p class="lead" id="not-charted">Not charted, because they have the same value at every step of every run: ${constants
        .map((c) => `${esc(metricInfo(c.metric).label)} (<code>${esc(c.metric)}</code>) = ${esc(fmtNum(c.value))}`)
        .join('; ')}.</p>`
    : '';
  const t = m.timings;
  return reportPage(`hashsim report: ${m.scenario.name}`, `<p class="lead">hashsim result set report</p>
<h1>${esc(m.scenario.name)}</h1>
${description ? `<p>${esc(description)}</p>` : ''}
<nav><a href="#scenario">Scenario</a><a href="#provenance">Provenance</a><a href="#summary">Summary</a><a href="#charts">Charts</a></nav>
${failed.length ? `<p class="warn">${failed.length} run(s) failed and are excluded from charts and statistics (first: run ${esc(failed[0]!.runIndex)}: ${esc(failed[0]!.error)}).</p>` : ''}
<h2 id="scenario">Scenario</h2>
<table class="params"><thead><tr><th>parameter</th><th>value</th></tr></thead><tbody>
${paramRows}
</tbody></table>
<details><summary>Resolved scenario (JSON)</summary><pre>${esc(JSON.stringify(resolved, null, 2))}</pre></details>
<h2 id="provenance">Provenance</h2>
<table><tbody>
<tr><th>seed</th><td class="mono">${esc(m.seed)}</td></tr>
<tr><th>runs</th><td>${esc(m.runs)} (${esc(m.counts?.ok ?? '?')} ok, ${esc(m.counts?.error ?? '?')} failed)${m.shard ? ` · shard ${esc(m.shard.index)}/${esc(m.shard.count)}` : ''}</td></tr>
<tr><th>package</th><td>${esc(m.package?.name ?? 'hashsim')} ${esc(m.package?.version ?? '')}</td></tr>
<tr><th>git commit</th><td class="mono">${esc(m.gitCommit ?? 'unknown')}${m.source?.dirty ? ' <strong>+ uncommitted changes</strong>' : ''}</td></tr>
<tr><th>sources sha256</th><td class="mono">${esc(m.source?.sha256 ?? 'not recorded')}</td></tr>
<tr><th>Node.js</th><td>${esc(m.node)}</td></tr>
<tr><th>scenario sha256</th><td class="mono">${esc(m.scenario.sha256)}</td></tr>
<tr><th>manifest sha256 (deterministic part)</th><td class="mono">${esc(m.deterministicSha256)}</td></tr>
</tbody></table>
<table><thead><tr><th>file</th><th class="num">bytes</th><th>sha256</th></tr></thead><tbody>
${fileRows}
</tbody></table>
${t ? `<p class="lead">Timings (not part of the deterministic hash): ${esc(t.command)} finished ${esc(t.finishedAt)}, ${esc(typeof t.wallSeconds === 'number' ? t.wallSeconds.toFixed(1) : t.wallSeconds)} s wall, ${esc(t.workers ?? '?')} workers.</p>` : ''}
<h2 id="summary">Summary over runs</h2>
<p class="lead">Per-run summary metrics (runs.parquet). n: runs with a value (an event that never happened has none). Quantiles are type 7 (as numpy's default).</p>
<table><thead><tr><th>metric</th><th>meaning</th><th class="num">n</th><th class="num">mean</th><th class="num">p5</th><th class="num">p50</th><th class="num">p95</th></tr></thead><tbody>
${statRows}
</tbody></table>
${minerHtml}
<h2 id="charts">Charts</h2>
<p class="lead">Hover a chart for values. The same charts are in <code>charts/</code> as Vega-Lite JSON, SVG and PNG.</p>
${chartHtml}
${constantHtml}`);
}

export interface WriteReportOptions {
  /** Already loaded data and built charts (the run hook shares them with the chart phase). */
  readonly data?: Awaited<ReturnType<typeof loadChartData>>;
  readonly entries?: readonly ChartEntry[];
  /** The files the chart phase wrote, per chart (captions name the PNG, else the SVG, else the JSON). */
  readonly chartFiles?: Readonly<Record<string, readonly string[]>>;
  readonly onChart?: (done: number, total: number) => void;
  readonly onPlanned?: (total: number) => void;
}

/** Files per chart from charts/index.json, when the chart phase wrote one. */
function indexedFiles(dir: string): Record<string, readonly string[]> {
  try {
    const idx = JSON.parse(readFileSync(join(dir, RESULT_FILES.charts, 'index.json'), 'utf8')) as { charts?: { name?: unknown; files?: unknown }[] };
    const out: Record<string, readonly string[]> = {};
    for (const c of idx.charts ?? []) if (typeof c.name === 'string' && Array.isArray(c.files)) out[c.name] = c.files.filter((f): f is string => typeof f === 'string');
    return out;
  } catch {
    return {};
  }
}

/** Writes <dir>/report.html for a result set; returns its path. */
export async function writeReport(dir: string, options: WriteReportOptions = {}): Promise<string> {
  const data = options.data ?? (await loadChartData(dir));
  // Only what minerOutcomeRows reads (the table has ~30 columns).
  const miners = await readParquetFile(join(data.dir, RESULT_FILES.miners), { columns: MINER_COLUMNS });
  const minerOutcomes = minerOutcomeRows(miners); // failed runs have no miner rows
  const charts = options.entries ?? buildResultSetCharts(data);
  options.onPlanned?.(charts.length);
  const files = options.chartFiles ?? indexedFiles(data.dir);
  const chartFiles: Record<string, string> = {};
  for (const [name, fs] of Object.entries(files)) {
    const f = fs.find((x) => x.endsWith('.png')) ?? fs.find((x) => x.endsWith('.svg')) ?? fs.find((x) => x.endsWith('.vl.json'));
    if (f) chartFiles[name] = f;
  }
  const html = buildReportHtml({
    manifest: data.manifest,
    charts,
    summaries: data.summaries,
    constantSeries: constantSeriesNotCharted(data.bands),
    minerOutcomes,
    chartFiles,
    ...(options.onChart ? { onChart: options.onChart } : {}),
  });
  const path = join(data.dir, RESULT_FILES.report);
  await atomicWrite(path, html);
  return path;
}

export { resolvedScenario };
