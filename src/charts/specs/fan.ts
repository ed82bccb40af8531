import type { TopLevelSpec } from 'vega-lite';
import { CHART_HEIGHT, CHART_WIDTH, COLORS, THEME } from '../theme.ts';
import { axisNumberFormat, axisTitle, metricInfo } from '../metrics.ts';
import { DATE_TOOLTIP, dateX, dayToDate } from './time.ts';
import type { BandRow, Marker, TimeChartOptions } from './types.ts';

export interface FanChartOptions extends TimeChartOptions {
  readonly metric: string;
  /** Halving/retarget/event rules drawn over the bands. */
  readonly markers?: readonly Marker[];
  readonly logScale?: boolean;
  /** y axis title (default: "label (unit)"). */
  readonly yTitle?: string;
}

const BAND_OUTER = '5–95% of runs';
const BAND_INNER = '25–75% of runs';
const MEDIAN = 'median';

/** Rows grouped by metric, per rows array: a result set's ~30 time charts each took its metric's rows
 * from all 32,000 band rows (a scan and a string compare per row per chart). */
const byMetricCache = new WeakMap<readonly BandRow[], { readonly length: number; readonly byMetric: Map<string, BandRow[]> }>();

/** The rows of one metric, in time order (stable: rows of the same day keep their order), with finite days. */
export function bandsOf(rows: readonly BandRow[], metric: string): BandRow[] {
  let cached = byMetricCache.get(rows);
  if (cached === undefined || cached.length !== rows.length) {
    const byMetric = new Map<string, BandRow[]>();
    for (const r of rows) {
      if (!Number.isFinite(r.day)) continue;
      const list = byMetric.get(r.metric);
      if (list) list.push(r);
      else byMetric.set(r.metric, [r]);
    }
    for (const list of byMetric.values()) list.sort((a, b) => a.day - b.day);
    cached = { length: rows.length, byMetric };
    byMetricCache.set(rows, cached);
  }
  // A copy: callers may sort or change their list.
  return (cached.byMetric.get(metric) ?? []).slice();
}

function markerLayer(startDate: string, markers: readonly Marker[]): object[] {
  if (markers.length === 0) return [];
  const values = markers.map((m) => ({ date: dayToDate(startDate, m.day), kind: m.kind, label: m.label }));
  return [
    {
      data: { values },
      mark: { type: 'rule', strokeWidth: 1 },
      encoding: {
        x: { field: 'date', type: 'temporal', scale: { type: 'utc' } },
        strokeDash: { condition: { test: "datum.kind === 'halving'", value: [6, 3] }, value: [2, 3] },
        stroke: { condition: { test: "datum.kind === 'halving'", value: COLORS.halving }, value: COLORS.retarget },
        opacity: { condition: { test: "datum.kind === 'halving'", value: 0.9 }, value: 0.55 },
        tooltip: [{ field: 'label', type: 'nominal', title: 'marker' }, DATE_TOOLTIP],
      },
    },
  ];
}

/** Subtitle text that explains what the rules on a time chart mean. */
export function markerCaption(markers: readonly Marker[]): string | undefined {
  const h = markers.some((m) => m.kind === 'halving');
  const r = markers.some((m) => m.kind === 'retarget');
  if (!h && !r) return undefined;
  const parts: string[] = [];
  if (r) parts.push('dotted grey lines: difficulty retargets');
  if (h) parts.push('dashed red lines: halvings');
  return `${parts.join('; ')} (along the median path)`;
}

/**
 * Fan chart of one series metric: median line with 25–75% and 5–95% bands over runs, dates on x,
 * optional halving/retarget rules, and a hover rule with the quantiles as tooltip.
 * Returns null when the metric has no rows (so a missing metric skips its chart).
 */
export function fanChart(rows: readonly BandRow[], opts: FanChartOptions): TopLevelSpec | null {
  const data = bandsOf(rows, opts.metric);
  if (data.length === 0 || data.every((r) => r.p50 === null)) return null;
  const info = metricInfo(opts.metric);
  const yAxis = axisNumberFormat(info, data.flatMap((r) => [r.p5, r.p95, r.p50]));
  const fmt = yAxis.format;
  const values = data.map((r) => ({ date: dayToDate(opts.startDate, r.day), day: r.day, mean: r.mean, p5: r.p5, p25: r.p25, p50: r.p50, p75: r.p75, p95: r.p95 }));
  const markers = opts.markers ?? [];
  const subtitle = [opts.subtitle ?? `median and quantile bands over runs`, markerCaption(markers)].filter(Boolean).join(' · ');
  const x = dateX(data.map((r) => r.day), 'date', opts.width ?? CHART_WIDTH);
  const yScale = opts.logScale ? { type: 'log' as const } : { zero: false };
  const color = {
    scale: { domain: [MEDIAN, BAND_INNER, BAND_OUTER], range: [COLORS.median, COLORS.bandInner, COLORS.bandOuter] },
    legend: { title: null, symbolType: 'square' },
  };
  const tooltip = [
    DATE_TOOLTIP,
    ...(['p95', 'p75', 'p50', 'mean', 'p25', 'p5'] as const).map((f) => ({ field: f, type: 'quantitative', title: f === 'p50' ? 'median' : f, format: fmt })),
  ];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title ?? `${info.label}${info.unit ? ` (${info.unit})` : ''}`, subtitle },
    width: opts.width ?? CHART_WIDTH,
    height: opts.height ?? CHART_HEIGHT,
    config: THEME,
    data: { values },
    encoding: { x },
    layer: [
      {
        mark: { type: 'area', opacity: 1 },
        encoding: {
          y: { field: 'p5', type: 'quantitative', title: opts.yTitle ?? axisTitle(info), scale: yScale, axis: yAxis },
          y2: { field: 'p95' },
          color: { datum: BAND_OUTER, ...color },
        },
      },
      { mark: { type: 'area', opacity: 1 }, encoding: { y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' }, color: { datum: BAND_INNER } } },
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { y: { field: 'p50', type: 'quantitative' }, color: { datum: MEDIAN } } },
      ...markerLayer(opts.startDate, markers),
      {
        params: [{ name: 'hover', select: { type: 'point', encodings: ['x'], nearest: true, on: 'pointerover', clear: 'pointerout' } }],
        mark: { type: 'rule', color: '#444444', strokeWidth: 1 },
        encoding: {
          opacity: { condition: { param: 'hover', empty: false, value: 0.6 }, value: 0 },
          tooltip,
        },
      },
    ],
    resolve: { scale: { color: 'shared' } },
  };
  return spec as unknown as TopLevelSpec;
}
