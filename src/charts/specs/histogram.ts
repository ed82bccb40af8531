import type { TopLevelSpec } from 'vega-lite';
import { COLORS } from '../theme.ts';
import { axisTitle, metricInfo } from '../metrics.ts';

/**
 * Panels differ in magnitude, so tick labels pick their format per value: SI prefixes from 10,000
 * ("50k", "1.045M", "135T"), plain digits below (",.4~g" would write 5e+4, which reads badly and
 * runs into its neighbours), no "m" prefix for fractions.
 */
const ADAPTIVE_LABEL = "abs(datum.value) >= 1e4 ? format(datum.value, '.4~s') : format(datum.value, ',.4~r')";
import { finite, quantileSorted, titleOf, topLevel } from './common.ts';
import type { SummaryColumn } from './types.ts';

/** One histogram bin: [start, end) except the last, which includes its end. */
export interface HistogramBin {
  readonly start: number;
  readonly end: number;
  readonly count: number;
}

/** Equal-width bins over the finite values; a constant column gives one bin of width 1e-9 relative. */
/** Tooltip of one histogram bin: its range and how many runs (or run pairs) fall in it. */
export function binTooltip(format: string, countTitle: string) {
  return [
    { field: 'start', type: 'quantitative' as const, title: 'from', format },
    { field: 'end', type: 'quantitative' as const, title: 'to', format },
    { field: 'count', type: 'quantitative' as const, title: countTitle },
  ];
}

export function histogramBins(values: readonly number[], binCount: number): HistogramBin[] {
  if (values.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    const half = Math.max(Math.abs(lo) * 0.05, 0.5);
    return [{ start: lo - half, end: hi + half, count: values.length }];
  }
  const n = Math.max(1, Math.floor(binCount));
  const width = (hi - lo) / n;
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, Math.floor((v - lo) / width))]! += 1;
  return counts.map((count, i) => ({ start: lo + i * width, end: i === n - 1 ? hi : lo + (i + 1) * width, count }));
}

export interface OutcomeHistogramOptions {
  readonly title?: string;
  readonly subtitle?: string;
  /** Bins per metric; default: Sturges' rule capped to 10..40. */
  readonly bins?: number;
  /** Panels per row. */
  readonly columns?: number;
  /** Size of one panel in px (default by the number of panels). */
  readonly panelWidth?: number;
  readonly panelHeight?: number;
}

/**
 * Histograms of per-run summary metrics, one panel per metric with its own x scale, the median as a
 * rule. Each panel says how many runs had a value (null = the event never happened). Columns
 * without any finite value are left out; null when none is left.
 */
export function outcomeHistograms(columns: readonly SummaryColumn[], opts: OutcomeHistogramOptions = {}): TopLevelSpec | null {
  // The median rides on every bar row: a layer with its own data would not be split by the facet.
  const bars: Array<{ panel: string; start: number; end: number; count: number; median: number }> = [];
  const panels: string[] = [];
  for (const c of columns) {
    const vals = finite(c.values);
    // A constant column (e.g. the number of miners) makes a one-bar histogram: the table shows it.
    if (vals.length === 0 || vals.every((v) => v === vals[0])) continue;
    const info = metricInfo(c.metric);
    const panel = `${axisTitle(info)}|${vals.length === c.values.length ? `all ${vals.length} runs` : `${vals.length} of ${c.values.length} runs have a value`}`;
    panels.push(panel);
    const nBins = opts.bins ?? Math.min(40, Math.max(10, Math.ceil(Math.log2(vals.length) + 1)));
    const median = quantileSorted([...vals].sort((a, b) => a - b), 0.5);
    for (const b of histogramBins(vals, nBins)) bars.push({ panel, ...b, median });
  }
  if (panels.length === 0) return null;
  const fmt = ',.4~g';
  return topLevel({
    title: titleOf(opts.title ?? 'Run outcomes', opts.subtitle ?? 'distribution over runs of each summary metric that varies; red line: median'),
    data: { values: bars },
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels, header: { labelExpr: "split(datum.value, '|')", labelLimit: 0, labelAnchor: 'start', labelFontSize: 11 } },
    columns: opts.columns ?? (panels.length > 8 ? 3 : 2),
    spec: {
      width: opts.panelWidth ?? (panels.length > 8 ? 200 : 300),
      height: opts.panelHeight ?? (panels.length > 8 ? 110 : 140),
      layer: [
        {
          mark: { type: 'rect', color: COLORS.bandInner, stroke: COLORS.median, strokeWidth: 0.5 },
          encoding: {
            x: { field: 'start', type: 'quantitative', title: null, scale: { zero: false, nice: false }, axis: { labelExpr: ADAPTIVE_LABEL, tickCount: 5 } },
            x2: { field: 'end' },
            y: { field: 'count', type: 'quantitative', title: 'runs' },
            tooltip: binTooltip(fmt, 'runs'),
          },
        },
        {
          mark: { type: 'rule', color: COLORS.mean, strokeWidth: 2 },
          encoding: { x: { field: 'median', aggregate: 'min', type: 'quantitative' }, tooltip: [{ field: 'median', aggregate: 'min', type: 'quantitative', title: 'median', format: fmt }] },
        },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  });
}
