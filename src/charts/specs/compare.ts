import type { TopLevelSpec } from 'vega-lite';
import { COLORS } from '../theme.ts';
import { axisNumberFormat, axisTitle, metricInfo, numberFormat } from '../metrics.ts';
import { finite, quantileSorted, titleOf, topLevel } from './common.ts';
import { binTooltip, histogramBins } from './histogram.ts';
import { DATE_TOOLTIP, dateX, dayToDate } from './time.ts';
import type { BandRow, TimeChartOptions } from './types.ts';

/** Quantile bands of one series metric in result sets A and B at one sampled step. */
export interface CompareBandRow {
  readonly step: number;
  readonly day: number;
  readonly a_p5: number | null;
  readonly a_p25: number | null;
  readonly a_p50: number | null;
  readonly a_p75: number | null;
  readonly a_p95: number | null;
  readonly b_p5: number | null;
  readonly b_p25: number | null;
  readonly b_p50: number | null;
  readonly b_p75: number | null;
  readonly b_p95: number | null;
}

export interface CompareOptions extends TimeChartOptions {
  readonly metric: string;
  /** Names of the two result sets, e.g. scenario names. */
  readonly labelA: string;
  readonly labelB: string;
}

/**
 * A vs B fan chart: each set's median and 25–75% band (5–95% as thin dashed bounds so the two
 * fans stay readable where they overlap). Null when there is no row.
 */
export function compareBandsChart(rows: readonly CompareBandRow[], opts: CompareOptions): TopLevelSpec | null {
  const data = rows.filter((r) => Number.isFinite(r.day)).sort((x, y) => x.day - y.day);
  if (data.length === 0) return null;
  const info = metricInfo(opts.metric);
  const values = data.flatMap((r) => [
    { date: dayToDate(opts.startDate, r.day), set: opts.labelA, p5: r.a_p5, p25: r.a_p25, p50: r.a_p50, p75: r.a_p75, p95: r.a_p95 },
    { date: dayToDate(opts.startDate, r.day), set: opts.labelB, p5: r.b_p5, p25: r.b_p25, p50: r.b_p50, p75: r.b_p75, p95: r.b_p95 },
  ]);
  const yAxis = axisNumberFormat(info, values.flatMap((v) => [v.p5, v.p95]));
  const fmt = yAxis.format;
  const color = { field: 'set', type: 'nominal', title: null, scale: { domain: [opts.labelA, opts.labelB], range: [COLORS.a, COLORS.b] } };
  return topLevel(
    {
      title: titleOf(opts.title ?? `${info.label}: ${opts.labelA} vs ${opts.labelB}`, opts.subtitle ?? 'median (line), 25–75% of runs (shaded), 5–95% (dashed)'),
      data: { values },
      encoding: { x: dateX(data.map((r) => r.day), 'date', opts.width), color },
      layer: [
        { mark: { type: 'area', opacity: 0.25 }, encoding: { y: { field: 'p25', type: 'quantitative', title: axisTitle(info), scale: { zero: false }, axis: yAxis }, y2: { field: 'p75' } } },
        { mark: { type: 'line', strokeWidth: 1, strokeDash: [4, 3] }, encoding: { y: { field: 'p5', type: 'quantitative' } } },
        { mark: { type: 'line', strokeWidth: 1, strokeDash: [4, 3] }, encoding: { y: { field: 'p95', type: 'quantitative' } } },
        {
          mark: { type: 'line', strokeWidth: 2.5 },
          encoding: {
            y: { field: 'p50', type: 'quantitative' },
            tooltip: [DATE_TOOLTIP, { field: 'set', type: 'nominal' }, ...(['p95', 'p75', 'p50', 'p25', 'p5'] as const).map((f) => ({ field: f, type: 'quantitative', format: fmt }))],
          },
        },
      ],
    },
    opts,
  );
}

/** Per-step quantiles of the paired differences B − A of one series metric. */
/** A band row of paired differences (B - A) of one metric: bands.parquet's shape without the metric. */
export type DifferenceBandRow = Omit<BandRow, 'metric'>;

/** Fan chart of paired differences B − A over time, with a zero line. */
export function differenceBandsChart(rows: readonly DifferenceBandRow[], opts: CompareOptions): TopLevelSpec | null {
  const data = rows.filter((r) => Number.isFinite(r.day)).sort((x, y) => x.day - y.day);
  if (data.length === 0) return null;
  const info = metricInfo(opts.metric);
  const values = data.map((r) => ({ date: dayToDate(opts.startDate, r.day), mean: r.mean, p5: r.p5, p25: r.p25, p50: r.p50, p75: r.p75, p95: r.p95 }));
  const yAxis = axisNumberFormat(info, values.flatMap((v) => [v.p5, v.p95]));
  const fmt = yAxis.format;
  const color = { scale: { domain: ['median', '25–75% of pairs', '5–95% of pairs'], range: [COLORS.median, COLORS.bandInner, COLORS.bandOuter] }, legend: { title: null, symbolType: 'square' } };
  return topLevel(
    {
      title: titleOf(opts.title ?? `${info.label}: ${opts.labelB} − ${opts.labelA} (paired runs)`, opts.subtitle ?? 'difference of runs with the same seed and run index; black line: no difference'),
      data: { values },
      encoding: { x: dateX(data.map((r) => r.day), 'date', opts.width) },
      layer: [
        { mark: 'area', encoding: { y: { field: 'p5', type: 'quantitative', title: `Difference in ${axisTitle(info)}`, axis: yAxis }, y2: { field: 'p95' }, color: { datum: '5–95% of pairs', ...color } } },
        { mark: 'area', encoding: { y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' }, color: { datum: '25–75% of pairs' } } },
        {
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            y: { field: 'p50', type: 'quantitative' },
            color: { datum: 'median' },
            tooltip: [DATE_TOOLTIP, ...(['p95', 'p75', 'p50', 'mean', 'p25', 'p5'] as const).map((f) => ({ field: f, type: 'quantitative', format: fmt }))],
          },
        },
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#000000', strokeWidth: 1 }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
      ],
    },
    opts,
  );
}

export interface PairedDifferenceOptions {
  readonly metric: string;
  readonly labelA: string;
  readonly labelB: string;
  /** Confidence interval of the mean difference, drawn as a band (e.g. from the compare module). */
  readonly ci?: { readonly lo: number; readonly hi: number; readonly level?: number };
  readonly bins?: number;
  readonly title?: string;
  readonly subtitle?: string;
  readonly width?: number;
  readonly height?: number;
}

/**
 * Histogram of paired differences B − A of one summary metric (one value per run pair), with the
 * mean (red), the CI of the mean (shaded) and zero (black). Null without finite differences.
 */
export function pairedDifferenceChart(differences: readonly (number | null)[], opts: PairedDifferenceOptions): TopLevelSpec | null {
  const vals = finite(differences);
  if (vals.length === 0) return null;
  const info = metricInfo(opts.metric);
  const sorted = [...vals].sort((a, b) => a - b);
  const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
  const bins = histogramBins(vals, opts.bins ?? Math.min(40, Math.max(10, Math.ceil(Math.log2(vals.length) + 1))));
  const xAxis = axisNumberFormat(info, [...bins.flatMap((b) => [b.start, b.end]), 0]);
  const fmt = xAxis.format;
  const level = opts.ci?.level ?? 0.95;
  const refs = [
    { kind: 'mean difference', value: mean },
    { kind: 'no difference', value: 0 },
  ];
  const sub = `${vals.length} paired runs; mean ${mean.toLocaleString('en-US', { maximumSignificantDigits: 4 })}, median ${quantileSorted(sorted, 0.5).toLocaleString('en-US', { maximumSignificantDigits: 4 })}` + (opts.ci ? `; shaded: ${Math.round(level * 100)}% CI of the mean` : '');
  return topLevel(
    {
      title: titleOf(opts.title ?? `${info.label}: ${opts.labelB} − ${opts.labelA}`, opts.subtitle ?? sub),
      layer: [
        ...(opts.ci && Number.isFinite(opts.ci.lo) && Number.isFinite(opts.ci.hi)
          ? [{ data: { values: [{ lo: opts.ci.lo, hi: opts.ci.hi }] }, mark: { type: 'rect', color: COLORS.bOuter, opacity: 0.8 }, encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } }]
          : []),
        {
          data: { values: bins },
          mark: { type: 'rect', color: COLORS.bandInner, stroke: COLORS.median, strokeWidth: 0.5 },
          encoding: {
            x: { field: 'start', type: 'quantitative', title: `Paired difference in ${axisTitle(info)}`, scale: { zero: true, nice: false }, axis: xAxis },
            x2: { field: 'end' },
            y: { field: 'count', type: 'quantitative', title: 'run pairs' },
            tooltip: binTooltip(fmt, 'pairs'),
          },
        },
        {
          data: { values: refs },
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: {
            x: { field: 'value', type: 'quantitative' },
            color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['mean difference', 'no difference'], range: [COLORS.mean, '#000000'] } },
            tooltip: [{ field: 'kind', type: 'nominal' }, { field: 'value', type: 'quantitative', format: fmt }],
          },
        },
      ],
    },
    opts,
  );
}

/** One line of a forest plot: a metric's mean paired difference and its confidence interval. */
export interface ForestRow {
  readonly label: string;
  readonly estimate: number;
  readonly lo: number;
  readonly hi: number;
  /** Shown right of the plot, e.g. "p = 0.003" (the test that matches the interval). */
  readonly note?: string;
  /** Extra tooltip fields, e.g. the difference and its CI in the metric's own units. */
  readonly details?: Readonly<Record<string, string>>;
}

/**
 * Forest plot of mean differences with CIs, one row per effect; filled where the interval excludes
 * 0. Metrics have different units, so give it comparable numbers (e.g. standardised differences)
 * and say which in `xTitle`. Row notes (p-values) are printed in a column right of the plot.
 */
export function forestChart(rows: readonly ForestRow[], opts: { title: string; xTitle: string; subtitle?: string | string[]; width?: number; noteTitle?: string }): TopLevelSpec | null {
  const ok = rows.filter((r) => [r.estimate, r.lo, r.hi].every(Number.isFinite));
  if (ok.length === 0) return null;
  const fmt = numberFormat(ok.flatMap((r) => [r.lo, r.hi]));
  const order = ok.map((r) => r.label);
  const detailKeys = [...new Set(ok.flatMap((r) => Object.keys(r.details ?? {})))];
  const values = ok.map((r) => ({
    label: r.label,
    estimate: r.estimate,
    lo: r.lo,
    hi: r.hi,
    note: r.note ?? '',
    excludes: r.lo > 0 || r.hi < 0 ? 'CI excludes 0' : 'CI includes 0',
    ...Object.fromEntries(detailKeys.map((k) => [k, r.details?.[k] ?? ''])),
  }));
  const width = opts.width ?? 520;
  const hasNotes = ok.some((r) => r.note);
  const tooltip = [
    { field: 'label', type: 'nominal', title: 'metric' },
    { field: 'estimate', type: 'quantitative', format: '.3~g', title: 'standardised' },
    { field: 'lo', type: 'quantitative', format: '.3~g', title: 'CI low' },
    { field: 'hi', type: 'quantitative', format: '.3~g', title: 'CI high' },
    ...detailKeys.map((k) => ({ field: k, type: 'nominal' })),
    ...(hasNotes ? [{ field: 'note', type: 'nominal', title: opts.noteTitle ?? 'note' }] : []),
  ];
  const subtitle = Array.isArray(opts.subtitle) ? opts.subtitle.filter(Boolean) : opts.subtitle;
  return topLevel(
    {
      title: subtitle && subtitle.length ? { text: opts.title, subtitle } : { text: opts.title },
      data: { values },
      encoding: { y: { field: 'label', type: 'nominal', sort: order, title: null, axis: { labelLimit: 300 } } },
      layer: [
        { mark: { type: 'rule', color: COLORS.median, strokeWidth: 2 }, encoding: { x: { field: 'lo', type: 'quantitative', title: opts.xTitle, axis: { format: fmt } }, x2: { field: 'hi' }, tooltip } },
        {
          mark: { type: 'point', size: 70, strokeWidth: 2, color: COLORS.median },
          encoding: {
            x: { field: 'estimate', type: 'quantitative' },
            fill: { field: 'excludes', type: 'nominal', title: null, scale: { domain: ['CI excludes 0', 'CI includes 0'], range: [COLORS.median, '#ffffff'] }, legend: { orient: 'bottom', symbolStrokeColor: COLORS.median } },
            tooltip,
          },
        },
        ...(hasNotes
          ? [{ mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 10, color: '#444444' }, encoding: { x: { value: width + 8 }, text: { field: 'note', type: 'nominal' } } }]
          : []),
        // The zero line spans the whole plot: its y channel is explicitly unset, or it would inherit
        // the shared `label` field and add an "undefined" category.
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#000000', strokeDash: [3, 3] }, encoding: { x: { field: 'zero', type: 'quantitative' }, y: null } },
      ],
    },
    { width, height: Math.max(80, 22 * ok.length) },
  );
}
