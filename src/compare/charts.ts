/**
 * Comparison charts through the charts module's spec builders: a forest plot of every summary
 * metric (standardised differences), A vs B quantile bands and paired-difference bands per series
 * metric that differs, and paired-difference histograms of the summary metrics that differ.
 * Written as Vega-Lite JSON (always), SVG and PNG (as asked), plus charts/index.json.
 */
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { bandRowsFromParquet, startDateOf } from '../charts/resultset.ts';
import { writeCharts, type ChartFormat } from '../charts/pool.ts';
import { compareBandsChart, differenceBandsChart, forestChart, pairedDifferenceChart, type CompareBandRow } from '../charts/specs/compare.ts';
import { metricInfo } from '../charts/metrics.ts';
import { RESULT_FILES } from '../results/layout.ts';
import { readManifest } from '../results/manifest.ts';
import { readParquetFile } from '../results/parquet.ts';
import { atomicWrite } from '../results/atomic.ts';
import { ensureOwnDir, removeStaleListed } from '../results/safe-dir.ts';
import type { Comparison, MetricComparison, StepComparison } from './compare.ts';
import { loadResultSet, summaryByRun } from './load.ts';
import { fmt, fmtMeans, fmtP, sideLabels } from './output.ts';

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** One comparison chart: file stem, report section and title, Vega-Lite spec. */
export interface ComparisonChart {
  readonly name: string;
  readonly section: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

/**
 * Time charts draw at most this many sampled steps (every k-th step, the last always): a 640 px
 * plot cannot show more, and each drawn step adds to every line and area of the SVG. All steps are
 * in compare_steps.parquet.
 */
export const MAX_CHART_STEPS = 320;

/** Six significant digits: what a chart can show, a third of the bytes of full doubles in JSON. */
function r6(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : Number(v.toPrecision(6));
}

/** Every k-th of the sorted steps (k so that at most MAX_CHART_STEPS remain), the last included. */
export function thinSteps(steps: readonly number[], max = MAX_CHART_STEPS): Set<number> {
  const sorted = [...steps].sort((a, b) => a - b);
  const k = Math.max(1, Math.ceil(sorted.length / max));
  const keep = new Set<number>();
  for (let i = 0; i < sorted.length; i += k) keep.add(sorted[i]!);
  if (sorted.length) keep.add(sorted[sorted.length - 1]!);
  return keep;
}

/** True when A and B agree at every step (e.g. an exogenous price path): nothing to compare. */
function identicalSteps(rows: readonly StepComparison[]): boolean {
  return rows.every((s) => (s.diffMean === null || s.diffMean === 0) && [s.diffP5, s.diffP95].every((v) => v === null || v === 0) && s.meanA === s.meanB);
}

/** True when a summary metric has the same value in A and B in every run (pair). */
function identicalSummary(m: MetricComparison): boolean {
  return m.diff === 0 && m.ciLower === 0 && m.ciUpper === 0 && (m.sdA ?? 0) === (m.sdB ?? 0);
}

/** Forest rows: the difference of means in pooled SDs, with the p of the test that matches the CI. */
export function forestRows(c: Comparison): { rows: Parameters<typeof forestChart>[0]; identical: string[]; notShown: string[] } {
  const rows: Parameters<typeof forestChart>[0][number][] = [];
  const identical: string[] = [];
  const notShown: string[] = [];
  for (const m of c.metrics) {
    if (m.diff === null || m.ciLower === null || m.ciUpper === null) {
      notShown.push(`${m.metric} (${m.nA === 0 || m.nB === 0 ? 'no values in one set' : 'no interval'})`);
      continue;
    }
    const sd = pooledSd(m.sdA, m.sdB);
    const [ma, mb] = fmtMeans(m.meanA, m.meanB);
    const details = {
      'mean A': ma,
      'mean B': mb,
      'difference B − A': `${fmt(m.diff)} ${metricInfo(m.metric).unit}`.trim(),
      [`${Math.round(c.level * 100)}% CI (${m.ciMethod})`]: `[${fmt(m.ciLower)}, ${fmt(m.ciUpper)}]`,
      'p median': `${fmtP(m.pValue)} (${m.test}: a median test)`,
    };
    if (sd === null || sd === 0) {
      if (m.diff === 0) {
        identical.push(m.metric);
        rows.push({ label: m.metric, estimate: 0, lo: 0, hi: 0, note: 'identical', details });
      } else notShown.push(`${m.metric} (no spread in either set, difference ${fmt(m.diff)})`);
      continue;
    }
    rows.push({ label: m.metric, estimate: m.diff / sd, lo: m.ciLower / sd, hi: m.ciUpper / sd, note: m.tPValue !== null && m.tPValue < 1e-4 ? 'p < 1e-4' : `p = ${fmtP(m.tPValue)}`, details });
  }
  return { rows, identical, notShown };
}

/** Specs one above the other (vconcat; one config and schema at the top); null without any. */
export function stacked(specs: readonly (TopLevelSpec | null)[]): TopLevelSpec | null {
  const ok = specs.filter((s): s is TopLevelSpec => s !== null);
  if (ok.length <= 1) return ok[0] ?? null;
  const { $schema, config } = ok[0] as unknown as { $schema: string; config: unknown };
  const inner = ok.map((s) => {
    const { $schema: _s, config: _c, ...rest } = s as unknown as Record<string, unknown>;
    return rest;
  });
  return { $schema, config, vconcat: inner, spacing: 24, resolve: { scale: { color: 'independent', y: 'independent' }, legend: { color: 'independent' } } } as unknown as TopLevelSpec;
}

/** Builds the comparison chart specs (no rendering), in report order. */
export async function buildComparisonCharts(c: Comparison): Promise<ComparisonChart[]> {
  const out: ComparisonChart[] = [];
  const { labelA, labelB } = sideLabels(c);
  const pct = Math.round(c.level * 100);

  const f = forestRows(c);
  const forest = forestChart(f.rows, {
    title: `Effects on the summary metrics: ${labelB} vs ${labelA}`,
    xTitle: `Difference of means B − A in pooled SDs of A and B (${pct}% CI)`,
    noteTitle: c.paired ? 'p mean (paired t)' : 'p mean (Welch t)',
    subtitle: [
      c.pairing,
      `right: p of the ${c.paired ? 'paired' : 'Welch'} t test of the mean difference (the test matching the CI); hover for values in units and the median test`,
      ...(f.notShown.length ? [`not shown: ${f.notShown.join('; ')}`] : []),
    ],
  });
  if (forest) out.push({ name: 'forest', section: 'Overview', title: 'Effects on the summary metrics (standardised)', spec: forest });

  const manifest = await readManifest(c.a.dir);
  const startDate = startDateOf(manifest);
  const bandsA = bandRowsFromParquet(await readParquetFile(join(c.a.dir, RESULT_FILES.bands)));
  const bandsB = bandRowsFromParquet(await readParquetFile(join(c.b.dir, RESULT_FILES.bands)));
  const stepsByMetric = new Map<string, StepComparison[]>();
  for (const s of c.steps) {
    const l = stepsByMetric.get(s.metric) ?? [];
    l.push(s);
    stepsByMetric.set(s.metric, l);
  }
  for (const [metric, steps] of stepsByMetric) {
    if (identicalSteps(steps)) continue;
    const keep = thinSteps(steps.map((s) => s.step));
    const info = metricInfo(metric);
    const bByStep = new Map(bandsB.filter((r) => r.metric === metric).map((r) => [r.step, r]));
    const rows: CompareBandRow[] = [];
    for (const ra of bandsA) {
      if (ra.metric !== metric || !keep.has(ra.step)) continue;
      const rb = bByStep.get(ra.step);
      if (!rb) continue;
      rows.push({ step: ra.step, day: ra.day, a_p5: r6(ra.p5), a_p25: r6(ra.p25), a_p50: r6(ra.p50), a_p75: r6(ra.p75), a_p95: r6(ra.p95), b_p5: r6(rb.p5), b_p25: r6(rb.p25), b_p50: r6(rb.p50), b_p75: r6(rb.p75), b_p95: r6(rb.p95) });
    }
    const k = Math.ceil(steps.length / MAX_CHART_STEPS);
    const thinned = keep.size < steps.length ? `; one in ${k} sampled steps drawn` : '';
    const spec = compareBandsChart(rows, { metric, labelA, labelB, startDate, subtitle: `median (line), 25–75% of runs (shaded), 5–95% (dashed)${thinned}` });
    let dspec: TopLevelSpec | null = null;
    if (c.paired) {
      const diffRows = steps
        .filter((s) => keep.has(s.step))
        .map((s) => ({ step: s.step, day: s.day, mean: r6(s.diffMean), p5: r6(s.diffP5), p25: r6(s.diffP25), p50: r6(s.diffP50), p75: r6(s.diffP75), p95: r6(s.diffP95) }));
      dspec = differenceBandsChart(diffRows, { metric, labelA, labelB, startDate, title: `${info.label}: B − A (paired runs)`, subtitle: `difference of runs with the same seed and run index; black line: no difference${thinned}` });
    }
    // One chart per metric: A vs B above, their paired difference below on the same dates.
    const both = stacked([spec, dspec]);
    if (both) out.push({ name: `series-${safeName(metric)}`, section: 'Series metrics', title: `${info.label}: A vs B${dspec ? ' and B − A' : ''}`, spec: both });
  }
  if (c.paired) {
    const a = await loadResultSet(c.a.dir);
    const b = await loadResultSet(c.b.dir);
    for (const m of c.metrics) {
      if (identicalSummary(m)) continue;
      const va = summaryByRun(a, m.metric);
      const vb = summaryByRun(b, m.metric);
      const diffs: number[] = [];
      for (const [r, x] of va) {
        const y = vb.get(r);
        if (y !== undefined && Number.isFinite(x) && Number.isFinite(y)) diffs.push(y - x);
      }
      if (diffs.every((d) => d === 0)) continue;
      const ci = m.ciLower !== null && m.ciUpper !== null ? { lo: m.ciLower, hi: m.ciUpper, level: c.level } : undefined;
      const spec = pairedDifferenceChart(diffs, { metric: m.metric, labelA, labelB, ...(ci ? { ci } : {}) });
      if (spec) out.push({ name: `paired-${safeName(m.metric)}`, section: 'Summary metrics: paired differences', title: `${metricInfo(m.metric).label}: B − A`, spec });
    }
  }
  return out;
}

export interface ComparisonChartOptions {
  readonly formats?: readonly ChartFormat[];
  readonly workers?: number;
  readonly onChart?: (done: number, total: number) => void;
  /** Called once the specs are built, with their number (before any rendering). */
  readonly onPlanned?: (total: number) => void;
}

/** An entry of charts/index.json of a comparison. */
export interface ComparisonChartEntry {
  readonly name: string;
  readonly section: string;
  readonly title: string;
  /** Relative to the comparison folder: charts/<name>.vl.json, .svg, .png. */
  readonly files: readonly string[];
}

/**
 * Writes every comparison chart under `dir` (charts/ of the comparison) and charts/index.json;
 * removes the files of charts that no longer apply. Returns the paths written.
 */
export async function writeComparisonCharts(c: Comparison, dir: string, options: ComparisonChartOptions = {}): Promise<string[]> {
  await ensureOwnDir(dir);
  const charts = await buildComparisonCharts(c);
  options.onPlanned?.(charts.length);
  const files = await writeCharts(charts, dir, {
    ...(options.formats ? { formats: options.formats } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.onChart ? { onChart: options.onChart } : {}),
  });
  const index: ComparisonChartEntry[] = charts.map((ch, i) => ({ name: ch.name, section: ch.section, title: ch.title, files: files[i]!.map((f) => `charts/${f}`) }));
  const keep = new Set(files.flat());
  keep.add('index.json');
  await removeStaleListed(dir, keep);
  await atomicWrite(join(dir, 'index.json'), `${JSON.stringify({ charts: index }, null, 2)}\n`);
  return [...files.flat().map((f) => join(dir, f)), join(dir, 'index.json')];
}

/** sqrt((sdA^2 + sdB^2) / 2); the one defined when only one is. */
export function pooledSd(a: number | null, b: number | null): number | null {
  if (a === null && b === null) return null;
  if (a === null) return b;
  if (b === null) return a;
  return Math.sqrt((a * a + b * b) / 2);
}
