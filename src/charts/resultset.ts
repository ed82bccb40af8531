import { ensureOwnDir, removeStaleListed } from '../results/safe-dir.ts';
import { isSetColumn } from '../results/assemble.ts';
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
import { chartWorkers, startRenderPool, writeCharts, DEFAULT_CHART_FORMATS, type ChartFormat } from './pool.ts';
import { setMetricCatalog } from './metrics.ts';
import { COLORS } from './theme.ts';
import { metricInfo } from './metrics.ts';
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

/** Histogram panels per outcomes chart (3 columns x 3 rows). */
const OUTCOME_PANELS = 9;

/** Bookkeeping series that make no useful chart on their own (markers use the height). */
const NOT_CHARTED = new Set(['block_height', 'height', 'bits', 'exits']);

// Units and descriptions come from the engine's metric lists (the source of truth for names).
setMetricCatalog([...SERIES_METRICS, ...SUMMARY_METRICS]);

/**
 * The chart catalogue of a result set, in report order. A metric the engine did not record simply
 * has no chart; series metrics this list does not know get a generic fan chart under "Other
 * metrics". Where the engine's name differs from an older one, both are tried (first present wins).
 */
/** A series metric with one value at every step of every run (e.g. a subsidy without a halving). */
export interface ConstantSeries {
  readonly metric: string;
  readonly value: number;
}

/**
 * Series metrics whose band rows hold one single value (every statistic, every step): a fan chart
 * of them is a flat line (or an empty axis at 0), so they get no chart and the report lists them.
 */
export function constantSeries(bands: readonly BandRow[]): ConstantSeries[] {
  const seen = new Map<string, number | null>();
  const varying = new Set<string>();
  for (const r of bands) {
    if (varying.has(r.metric)) continue;
    for (const v of [r.mean, r.p5, r.p25, r.p50, r.p75, r.p95]) {
      if (v === null || !Number.isFinite(v)) continue;
      const first = seen.get(r.metric);
      if (first === undefined || first === null) seen.set(r.metric, v);
      else if (first !== v) {
        varying.add(r.metric);
        break;
      }
    }
    if (!seen.has(r.metric)) seen.set(r.metric, null);
  }
  const out: ConstantSeries[] = [];
  for (const [metric, value] of seen) if (!varying.has(metric) && value !== null) out.push({ metric, value });
  return out.sort((a, b) => a.metric.localeCompare(b.metric));
}

/** Constant series that appear in no chart (the miner counts are drawn by miners-by-status anyway). */
export function constantSeriesNotCharted(bands: readonly BandRow[]): ConstantSeries[] {
  return constantSeries(bands).filter((c) => !NOT_CHARTED.has(c.metric) && !/^miners_(active|curtailing|pivoting|exited)$/.test(c.metric));
}

/** Length of one step in days (the most common gap between sampled steps), for "per step" axes. */
export function stepDays(bands: readonly BandRow[]): number | null {
  const byMetric = new Map<string, BandRow[]>();
  for (const r of bands) {
    const list = byMetric.get(r.metric) ?? [];
    list.push(r);
    byMetric.set(r.metric, list);
  }
  const counts = new Map<number, number>();
  for (const rows of byMetric.values()) {
    rows.sort((a, b) => a.step - b.step);
    for (let i = 1; i < rows.length; i++) {
      const ds = rows[i]!.step - rows[i - 1]!.step;
      if (ds <= 0) continue;
      const d = Math.round(((rows[i]!.day - rows[i - 1]!.day) / ds) * 1e6) / 1e6;
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    break; // every metric shares the step grid
  }
  let best: number | null = null;
  let n = 0;
  for (const [d, c] of counts) if (c > n && d > 0) [best, n] = [d, c];
  return best;
}

/** Days between consecutive samples (the most common gap): what a flow metric ("since the previous sample") is counted over. */
export function sampleDays(bands: readonly BandRow[]): number | null {
  const first = bands[0]?.metric;
  if (first === undefined) return null;
  const days = bands.filter((r) => r.metric === first).map((r) => r.day).sort((a, b) => a - b);
  const counts = new Map<number, number>();
  for (let i = 1; i < days.length; i++) {
    const d = Math.round((days[i]! - days[i - 1]!) * 1e6) / 1e6;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best: number | null = null;
  let n = 0;
  for (const [d, c] of counts) if (c > n) [best, n] = [d, c];
  return best;
}

/** Flow series (summed since the previous sample) whose values are amounts per sample interval. */
const FLOW_METRICS = new Set<string>(SERIES_METRICS.filter((m) => m.kind === 'flow' && m.unit !== 's').map((m) => m.name));

/** Running sums of the means of flow metrics: the mean number of events so far (mean of sums = sum of means). */
export function cumulativeMeans(bands: readonly BandRow[], metric: string, as: string): BandRow[] {
  const rows = bands.filter((r) => r.metric === metric).sort((a, b) => a.step - b.step);
  let sum = 0;
  return rows.map((r) => {
    if (r.mean !== null && Number.isFinite(r.mean)) sum += r.mean;
    return { step: r.step, day: r.day, metric: as, mean: sum, p5: null, p25: null, p50: null, p75: null, p95: null };
  });
}

/** "per day", "per week", or "per step (N days)" for one engine step. */
export function perStepText(days: number | null): string {
  if (days === 1) return 'per day';
  if (days === 7) return 'per week';
  if (days === null) return 'per step';
  return `per step (${days.toLocaleString('en-US', { maximumSignificantDigits: 4 })} days)`;
}

/**
 * The chart catalogue of a result set, in report order. A metric the engine did not record simply
 * has no chart, nor does one that never changes (see constantSeries); series metrics this list
 * does not know get a generic fan chart under "Other metrics". Where the engine's name differs from
 * an older one, both are tried (first present wins).
 */
export function buildResultSetCharts(data: ResultSetChartData): ChartEntry[] {
  const { bands, startDate } = data;
  const present = new Set(bands.map((b) => b.metric));
  const constant = new Set(constantSeries(bands).map((c) => c.metric));
  const used = new Set<string>();
  const pick = (...names: string[]): string => {
    const found = names.find((n) => present.has(n)) ?? names[0]!;
    used.add(found);
    return found;
  };
  const markers = markersFromBands(bands);
  const halvings = markers.filter((m) => m.kind === 'halving');
  const perStep = perStepText(stepDays(bands));
  const perSample = perStepText(sampleDays(bands)).replace('per step', 'per sample interval');
  const out: ChartEntry[] = [];
  const add = (name: string, section: string, spec: TopLevelSpec | null): void => {
    if (spec) out.push({ name, section, title: titleText(spec, name), spec });
  };
  type MarkerChoice = 'all' | 'halvings' | 'none';
  const fan = (metric: string, extra: { title?: string; subtitle?: string; markers?: MarkerChoice } = {}): TopLevelSpec | null => {
    if (constant.has(metric)) return null;
    const choice = extra.markers ?? 'all';
    // A flow is summed since the previous sample: its title and axis say over how long.
    const info = metricInfo(metric);
    const flow = FLOW_METRICS.has(metric) ? { title: extra.title ?? `${info.label} ${perSample}`, yTitle: `${info.unit || info.label} ${perSample}` } : {};
    return fanChart(bands, { metric, startDate, markers: choice === 'all' ? markers : choice === 'halvings' ? halvings : [], ...flow, ...(extra.title ? { title: extra.title } : {}), ...(extra.subtitle ? { subtitle: extra.subtitle } : {}) });
  };
  // A line of a metric that is 0 throughout (no liquidation ever) adds nothing but a legend entry.
  const varying = <T extends { metric: string }>(series: T[]): T[] => series.filter((s) => present.has(s.metric) && !constant.has(s.metric));

  add('hashrate', 'Network', fan(pick('hashrate_ehs'), { title: 'Network hashrate (EH/s)' }));
  add('difficulty', 'Network', fan(pick('difficulty'), { title: 'Difficulty' }));
  // Retargets have nothing to do with the exogenous price path; halvings do (the narrative).
  add('price', 'Market', fan(pick('price_usd'), { title: 'BTC price (USD)', markers: 'halvings' }));
  add('hashprice', 'Market', fan(pick('hashprice_usd_per_ph_day'), { title: 'Hashprice (USD per PH/s per day)' }));
  for (const s of ['active', 'curtailing', 'pivoting', 'exited']) used.add(`miners_${s}`);
  add('miners-by-status', 'Miners', minersByStatusChart(bands, { startDate }));
  add('treasury', 'Treasury and sell pressure', fan(pick('treasury_btc'), { title: 'Free BTC treasury of miners (BTC)', markers: 'none' }));
  const sold = pick('sold_btc', 'btc_sold');
  const liquidated = pick('liquidated_btc');
  const sellSeries = varying([
    { metric: sold, stat: 'mean' as const, label: 'sold by miners (mean)', color: COLORS.median },
    { metric: sold, stat: 'p95' as const, label: 'sold by miners (95th percentile)', color: COLORS.median, dashed: true },
    { metric: liquidated, stat: 'mean' as const, label: 'liquidated (mean)', color: COLORS.mean },
  ]);
  add('sell-pressure', 'Treasury and sell pressure', sellSeries.length === 0 ? null : multiLineChart(bands, {
    startDate,
    title: `Miner sell pressure: BTC sold ${perStep}`,
    subtitle: `mean over runs of voluntary sales${sellSeries.some((s) => s.metric === liquidated) ? ' and of liquidations' : ' (no liquidation in any run)'}; dashed: 95th percentile of sales (a bad run)`,
    yTitle: `BTC ${perStep}`,
    series: sellSeries,
  }));
  add('sold-cumulative', 'Treasury and sell pressure', fan(pick('sold_cum_btc', 'btc_sold_cumulative'), { title: 'Cumulative BTC sold: sales + liquidations (BTC)', markers: 'none' }));
  add('debt', 'Leverage', fan(pick('debt_usd'), { title: 'BTC-backed debt outstanding (USD)', markers: 'none' }));
  add('ltv', 'Leverage', fan(pick('ltv'), { title: 'Loan-to-value of BTC-backed loans', markers: 'none' }));
  const eventSeries = varying([
    { metric: pick('margin_calls'), stat: 'mean' as const, label: 'margin calls', color: COLORS.b },
    { metric: pick('liquidations'), stat: 'mean' as const, label: 'liquidations', color: COLORS.mean },
  ]);
  // Events are rare and daily means make a comb: their running totals show when they happen.
  const cumulative = eventSeries.flatMap((s) => cumulativeMeans(bands, s.metric, `${s.metric}_cumulative`));
  add('margin-calls-liquidations', 'Leverage', eventSeries.length === 0 ? null : multiLineChart(cumulative, {
    startDate,
    title: 'Margin calls and liquidations, cumulative',
    subtitle: 'mean number of events per run so far; a liquidation cascade shows as a step (per-step counts: margin_calls, liquidations in bands.parquet)',
    yTitle: 'events so far (mean over runs)',
    series: eventSeries.map((s) => ({ ...s, metric: `${s.metric}_cumulative` })),
  }));
  add('ai-mw', 'AI pivot', fan(pick('ai_mw', 'mw_ai'), { title: 'Capacity operating as AI/HPC hosting (MW)', markers: 'none' }));
  add('ai-converting-mw', 'AI pivot', fan(pick('ai_converting_mw'), { title: 'Capacity being converted to AI, hashrate already off (MW)', markers: 'none' }));
  add('attack-cost', 'Security', fan(pick('attack_cost_usd', 'attack_cost_usd_per_hour'), { title: 'Cost of an attack matching the network: machines (idle and used first) + power (USD)' }));
  add('attack-existing-share', 'Security', fan(pick('attack_existing_share'), { title: "Share of an attack's hashrate available from idle and used machines", markers: 'none' }));
  add('security-budget', 'Security', fan(pick('security_budget_usd_per_day'), { title: "Security budget: miners' revenue (USD per day)" }));
  add('pool-hhi', 'Security', fan(pick('pool_hhi'), { title: 'Pool concentration (HHI of pool shares, 0–1)', markers: 'none' }));
  add('hhi', 'Security', fan(pick('hhi'), { title: 'Concentration of identified miners (HHI, 0–1)', markers: 'none' }));

  const others = [...present].filter((m) => !used.has(m) && !NOT_CHARTED.has(m)).sort();
  for (const m of others) add(`metric-${m.replace(/[^A-Za-z0-9_-]/g, '_')}`, 'Other metrics', fan(m, { markers: 'none' }));

  // Nine panels (3 x 3) per chart: one tall image of every metric cannot be read on a screen.
  const varyingSummaries = data.summaries.filter((c) => {
    const v = c.values.filter((x): x is number => x !== null && Number.isFinite(x));
    return v.length > 0 && v.some((x) => x !== v[0]);
  });
  const pages = Math.ceil(varyingSummaries.length / OUTCOME_PANELS);
  for (let p = 0; p < pages; p++) {
    const part = varyingSummaries.slice(p * OUTCOME_PANELS, (p + 1) * OUTCOME_PANELS);
    add(p === 0 ? 'outcomes' : `outcomes-${p + 1}`, 'Run outcomes', outcomeHistograms(part, { columns: 3, panelWidth: 220, panelHeight: 120, title: pages > 1 ? `Run outcomes (${p + 1} of ${pages})` : 'Run outcomes' }));
  }
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

/** The columns of bands.parquet that the charts use (bandRowsFromParquet). */
const BAND_COLUMNS: readonly string[] = ['step', 'day', 'metric', 'mean', 'p5', 'p25', 'p50', 'p75', 'p95'];

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
    .filter((n) => !RUNS_FIXED.has(n) && !isSetColumn(n) && !Array.isArray(t.columns[n]))
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
  // Only the columns bandRowsFromParquet reads: the others (scenario, its sha256 and the date, a
  // string per row) were most of the time of reading bands.parquet (~2.5x faster without them).
  const [bands, runs] = await Promise.all([set.bands.read({ columns: BAND_COLUMNS }), set.runs.read()]);
  return {
    dir: set.dir,
    manifest: set.manifest,
    scenarioName: set.manifest.scenario.name,
    startDate: startDateOf(set.manifest),
    bands: bandRowsFromParquet(bands),
    summaries: summaryColumnsFromParquet(runs),
  };
}


export interface RenderChartsOptions {
  /** Formats besides the Vega-Lite JSON (default PNG and SVG). */
  readonly formats?: readonly ChartFormat[];
  /** Older form of formats: false writes SVG only. */
  readonly png?: boolean;
  /** Render threads (default: HASHSIM_CHART_WORKERS or the cores). */
  readonly workers?: number;
  readonly onChart?: (done: number, total: number) => void;
  /** Already loaded data / built charts (the run hook shares them with the report). */
  readonly data?: ResultSetChartData & { manifest: Manifest; dir: string };
  readonly entries?: readonly ChartEntry[];
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
export async function renderResultSetCharts(dir: string, options: RenderChartsOptions = {}): Promise<RenderedChart[]> {
  const formats = options.formats ?? (options.png === false ? ['svg' as const] : DEFAULT_CHART_FORMATS);
  // Reading the set and building the specs takes the main thread a second or two: start the render
  // threads first so that their start-up overlaps it (a result set has dozens of charts).
  const pool = !options.data && formats.length > 0 ? startRenderPool(chartWorkers(options.workers, Number.MAX_SAFE_INTEGER)) : null;
  try {
    const data = options.data ?? (await loadChartData(dir));
    const chartsDir = join(data.dir, RESULT_FILES.charts);
    await ensureOwnDir(chartsDir);
    const entries = options.entries ?? buildResultSetCharts(data);
    const files = await writeCharts(entries, chartsDir, {
      formats,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(pool ? { pool } : {}),
      ...(options.onChart ? { onChart: options.onChart } : {}),
      // Entries handed in are shared with the report that follows (the run hook): compile its specs
      // on the render threads now rather than on the main thread after the last chart.
      ...(options.entries ? { forReport: true } : {}),
    });
    const out: RenderedChart[] = entries.map((e, i) => ({ name: e.name, section: e.section, title: e.title, files: files[i]!.map((f) => `${RESULT_FILES.charts}/${f}`) }));
    const keep = new Set(out.flatMap((c) => c.files.map((f) => f.slice(RESULT_FILES.charts.length + 1))));
    keep.add('index.json');
    await removeStaleListed(chartsDir, keep);
    await atomicWrite(join(chartsDir, 'index.json'), `${JSON.stringify({ charts: out }, null, 2)}\n`);
    return out;
  } finally {
    await pool?.destroy();
  }
}
