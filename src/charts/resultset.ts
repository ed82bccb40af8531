import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { readResultSet } from '../results/read.ts';
import type { Manifest } from '../results/manifest.ts';
import type { ColumnValues, ParquetData } from '../results/parquet.ts';
import { RESULT_FILES } from '../results/layout.ts';
import { atomicWrite } from '../results/atomic.ts';
import { fanChart } from './specs/fan.ts';
import { markersFromBands } from './specs/markers.ts';
import { minersByStatusChart, multiLineChart } from './specs/timeseries.ts';
import { outcomeHistograms } from './specs/histogram.ts';
import type { BandRow, SummaryColumn } from './specs/types.ts';
import { renderSvg, svgToPng } from './render.ts';
import { setMetricCatalog } from './metrics.ts';
import { SERIES_METRICS, SUMMARY_METRICS } from '../engine/metrics.ts';

/** One chart of a result set, as written to charts/<name>.* and shown in the report. */
export interface ChartEntry {
  /** File stem: charts/<name>.vl.json, .svg, .png. */
  readonly name: string;
  readonly section: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

/** What the charts of a result set are built from (plain arrays: testable without files). */
export interface ResultSetChartData {
  readonly scenarioName: string;
  /** ISO date of day 0 (resolved scenario start.date). */
  readonly startDate: string;
  readonly bands: readonly BandRow[];
  /** Summary metrics of the successful runs (runs.parquet, status ok). */
  readonly summaries: readonly SummaryColumn[];
}

/** Bookkeeping series that make no useful chart on their own (markers use the height). */
const NOT_CHARTED = new Set(['block_height', 'height', 'bits', 'exits']);

// Units and descriptions come from the engine's metric lists (the source of truth for names).
setMetricCatalog([...SERIES_METRICS, ...SUMMARY_METRICS]);

/**
 * The chart catalogue of a result set, in report order. A metric the engine did not record simply
 * has no chart; series metrics this list does not know get a generic fan chart under "Other
 * metrics". Where the engine's name differs from an older one, both are tried (first present wins).
 */
export function buildResultSetCharts(data: ResultSetChartData): ChartEntry[] {
  const { bands, startDate } = data;
  const present = new Set(bands.map((b) => b.metric));
  const used = new Set<string>();
  const pick = (...names: string[]): string => {
    const found = names.find((n) => present.has(n)) ?? names[0]!;
    used.add(found);
    return found;
  };
  const markers = markersFromBands(bands);
  const out: ChartEntry[] = [];
  const add = (name: string, section: string, spec: TopLevelSpec | null): void => {
    if (spec) out.push({ name, section, title: titleText(spec, name), spec });
  };
  const fan = (metric: string, extra: { title?: string; subtitle?: string; withMarkers?: boolean } = {}): TopLevelSpec | null =>
    fanChart(bands, { metric, startDate, markers: extra.withMarkers === false ? [] : markers, ...(extra.title ? { title: extra.title } : {}), ...(extra.subtitle ? { subtitle: extra.subtitle } : {}) });

  add('hashrate', 'Network', fan(pick('hashrate_ehs'), { title: 'Network hashrate (EH/s)' }));
  add('difficulty', 'Network', fan(pick('difficulty'), { title: 'Difficulty' }));
  add('price', 'Market', fan(pick('price_usd'), { title: 'BTC price (USD)' }));
  add('hashprice', 'Market', fan(pick('hashprice_usd_per_ph_day'), { title: 'Hashprice (USD per PH/s per day)' }));
  for (const s of ['active', 'curtailing', 'pivoting', 'exited']) used.add(`miners_${s}`);
  add('miners-by-status', 'Miners', minersByStatusChart(bands, { startDate }));
  add('treasury', 'Treasury and sell pressure', fan(pick('treasury_btc'), { title: 'Free BTC treasury of miners (BTC)', withMarkers: false }));
  const sold = pick('sold_btc', 'btc_sold');
  const liquidated = pick('liquidated_btc');
  add('sell-pressure', 'Treasury and sell pressure', multiLineChart(bands, {
    startDate,
    title: 'Miner sell pressure: BTC sold per step',
    subtitle: 'mean over runs of voluntary sales and of liquidations; 95th percentile of sales (a bad run)',
    yTitle: 'BTC per step',
    series: [
      { metric: sold, stat: 'mean', label: 'sold by miners (mean)' },
      { metric: liquidated, stat: 'mean', label: 'liquidated (mean)' },
      { metric: sold, stat: 'p95', label: 'sold by miners (95th pct)' },
    ],
  }));
  add('sold-cumulative', 'Treasury and sell pressure', fan(pick('sold_cum_btc', 'btc_sold_cumulative'), { title: 'Cumulative BTC sold: sales + liquidations (BTC)', withMarkers: false }));
  add('debt', 'Leverage', fan(pick('debt_usd'), { title: 'BTC-backed debt outstanding (USD)', withMarkers: false }));
  add('ltv', 'Leverage', fan(pick('ltv'), { title: 'Loan-to-value of BTC-backed loans', withMarkers: false }));
  add('margin-calls-liquidations', 'Leverage', multiLineChart(bands, {
    startDate,
    title: 'Margin calls and liquidations per step',
    subtitle: 'mean number of events per run; a liquidation cascade shows as a spike',
    yTitle: 'events per step (mean over runs)',
    series: [
      { metric: pick('margin_calls'), stat: 'mean', label: 'margin calls' },
      { metric: pick('liquidations'), stat: 'mean', label: 'liquidations' },
    ],
  }));
  add('ai-mw', 'AI pivot', fan(pick('ai_mw', 'mw_ai'), { title: 'Capacity operating as AI/HPC hosting (MW)', withMarkers: false }));
  add('ai-converting-mw', 'AI pivot', fan(pick('ai_converting_mw'), { title: 'Capacity being converted to AI, hashrate already off (MW)', withMarkers: false }));
  add('attack-cost', 'Security', fan(pick('attack_cost_usd_per_hour'), { title: 'Cost of a majority attack (USD per hour)' }));
  add('hhi', 'Security', fan(pick('hhi'), { title: 'Hashrate concentration (HHI, 0–1)', withMarkers: false }));

  const others = [...present].filter((m) => !used.has(m) && !NOT_CHARTED.has(m)).sort();
  for (const m of others) add(`metric-${m.replace(/[^A-Za-z0-9_-]/g, '_')}`, 'Other metrics', fan(m, { withMarkers: false }));

  add('outcomes', 'Run outcomes', outcomeHistograms(data.summaries));
  return out;
}

function titleText(spec: TopLevelSpec, fallback: string): string {
  const t = (spec as { title?: string | { text?: string | string[] } }).title;
  if (typeof t === 'string') return t;
  if (t && typeof t.text === 'string') return t.text;
  if (t && Array.isArray(t.text)) return t.text.join(' ');
  return fallback;
}

const num = (c: ColumnValues | undefined, i: number): number | null => {
  if (!c || Array.isArray(c)) return null;
  const v = (c as Float64Array | Int32Array)[i]!;
  return Number.isFinite(v) ? v : null;
};

/** bands.parquet as rows (NaN = null). */
export function bandRowsFromParquet(t: ParquetData): BandRow[] {
  const metric = t.columns.metric as (string | null)[] | undefined;
  if (!metric) return [];
  const rows: BandRow[] = [];
  for (let i = 0; i < t.numRows; i++) {
    const step = num(t.columns.step, i);
    const day = num(t.columns.day, i);
    const m = metric[i];
    if (step === null || day === null || !m) continue;
    rows.push({ step, day, metric: m, mean: num(t.columns.mean, i), p5: num(t.columns.p5, i), p25: num(t.columns.p25, i), p50: num(t.columns.p50, i), p75: num(t.columns.p75, i), p95: num(t.columns.p95, i) });
  }
  return rows;
}

const RUNS_FIXED = new Set(['run_index', 'status', 'error', 'error_stack']);

/** Summary metric columns of runs.parquet, successful runs only. */
export function summaryColumnsFromParquet(t: ParquetData): SummaryColumn[] {
  const status = t.columns.status as (string | null)[] | undefined;
  const okRows: number[] = [];
  for (let i = 0; i < t.numRows; i++) if (!status || status[i] === 'ok') okRows.push(i);
  return t.names
    .filter((n) => !RUNS_FIXED.has(n) && !Array.isArray(t.columns[n]))
    .map((n) => ({ metric: n, values: okRows.map((i) => num(t.columns[n], i)) }));
}

/** Resolved scenario of a manifest, as a loose record (its schema belongs to the scenario module). */
export function resolvedScenario(manifest: Manifest): Record<string, unknown> {
  const r = manifest.scenario.resolved;
  return r && typeof r === 'object' ? (r as Record<string, unknown>) : {};
}

/** Start date of a result set's scenario (start.date), defaulting like the scenario schema. */
export function startDateOf(manifest: Manifest): string {
  const start = resolvedScenario(manifest).start as { date?: unknown } | undefined;
  return typeof start?.date === 'string' ? start.date : '2026-03-01';
}

/** Reads what the charts need from a result set folder. */
export async function loadChartData(dir: string): Promise<ResultSetChartData & { manifest: Manifest; dir: string }> {
  const set = await readResultSet(dir);
  const [bands, runs] = await Promise.all([set.bands.read(), set.runs.read()]);
  return {
    dir: set.dir,
    manifest: set.manifest,
    scenarioName: set.manifest.scenario.name,
    startDate: startDateOf(set.manifest),
    bands: bandRowsFromParquet(bands),
    summaries: summaryColumnsFromParquet(runs),
  };
}


export interface RenderedChart {
  readonly name: string;
  readonly section: string;
  readonly title: string;
  /** Paths relative to the result set: charts/<name>.vl.json, .svg, .png. */
  readonly files: readonly string[];
}

/**
 * Writes charts/<name>.vl.json, .svg and .png for every chart of a result set, plus
 * charts/index.json (the list, in report order). Files of charts that no longer apply are removed.
 */
export async function renderResultSetCharts(dir: string, options: { png?: boolean } = {}): Promise<RenderedChart[]> {
  const data = await loadChartData(dir);
  const chartsDir = join(data.dir, RESULT_FILES.charts);
  await mkdir(chartsDir, { recursive: true });
  const entries = buildResultSetCharts(data);
  const out: RenderedChart[] = [];
  for (const e of entries) {
    const svg = await renderSvg(e.spec);
    const files = [`${e.name}.vl.json`, `${e.name}.svg`];
    await atomicWrite(join(chartsDir, `${e.name}.vl.json`), `${JSON.stringify(e.spec, null, 2)}\n`);
    await atomicWrite(join(chartsDir, `${e.name}.svg`), svg);
    if (options.png !== false) {
      await atomicWrite(join(chartsDir, `${e.name}.png`), svgToPng(svg));
      files.push(`${e.name}.png`);
    }
    out.push({ name: e.name, section: e.section, title: e.title, files: files.map((f) => `${RESULT_FILES.charts}/${f}`) });
  }
  const keep = new Set(out.flatMap((c) => c.files.map((f) => f.slice(RESULT_FILES.charts.length + 1))));
  keep.add('index.json');
  for (const f of await readdir(chartsDir)) {
    if (!keep.has(f) && /\.(vl\.json|svg|png)$/.test(f)) await rm(join(chartsDir, f), { force: true });
  }
  await atomicWrite(join(chartsDir, 'index.json'), `${JSON.stringify({ charts: out }, null, 2)}\n`);
  return out;
}
