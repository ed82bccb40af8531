import type { TopLevelSpec } from 'vega-lite';
import { COLORS, STATUS_COLORS, THEME } from '../theme.ts';
import { axisTitle, metricInfo, numberFormat } from '../metrics.ts';
import { bandsOf } from './fan.ts';
import { DATE_TOOLTIP, dateX, dayToDate } from './time.ts';
import { titleOf, topLevel } from './common.ts';
import type { BandRow, TimeChartOptions } from './types.ts';

/** One line of a multi-line chart: a band statistic of a metric. */
export interface LineSeries {
  readonly metric: string;
  readonly stat: 'mean' | 'p5' | 'p25' | 'p50' | 'p75' | 'p95';
  /** Legend label; default "<metric label> (<stat>)". */
  readonly label?: string;
  /** Line colour; default: the theme's category colours in series order. */
  readonly color?: string;
  /** Dashed line, e.g. a tail quantile drawn next to the mean of the same metric. */
  readonly dashed?: boolean;
}

export interface MultiLineOptions extends TimeChartOptions {
  readonly title: string;
  readonly yTitle: string;
  readonly series: readonly LineSeries[];
}

/** The theme's category colours, so unnamed series look as they did before colours could be set. */
const SERIES_COLORS = (THEME.range as { category: string[] }).category;

const STAT_NAMES: Readonly<Record<LineSeries['stat'], string>> = { mean: 'mean', p5: '5th pct', p25: '25th pct', p50: 'median', p75: '75th pct', p95: '95th pct' };

/** Lines of band statistics of several metrics on one axis; series whose metric is missing are left out; null if none is left. */
export function multiLineChart(rows: readonly BandRow[], opts: MultiLineOptions): TopLevelSpec | null {
  const values: Array<{ date: string; series: string; value: number | null }> = [];
  const days: number[] = [];
  const labels: string[] = [];
  const colors: string[] = [];
  const dashes: number[][] = [];
  for (const s of opts.series) {
    const data = bandsOf(rows, s.metric);
    if (data.length === 0) continue;
    const label = s.label ?? `${metricInfo(s.metric).label} (${STAT_NAMES[s.stat]})`;
    labels.push(label);
    colors.push(s.color ?? SERIES_COLORS[(labels.length - 1) % SERIES_COLORS.length]!);
    dashes.push(s.dashed ? [5, 3] : [1, 0]);
    for (const r of data) {
      values.push({ date: dayToDate(opts.startDate, r.day), series: label, value: r[s.stat] });
      days.push(r.day);
    }
  }
  if (values.length === 0) return null;
  const fmt = numberFormat(values.map((v) => v.value));
  return topLevel(
    {
      title: titleOf(opts.title, opts.subtitle),
      data: { values },
      mark: { type: 'line', strokeWidth: 1.25, point: false },
      encoding: {
        x: dateX(days, 'date', opts.width),
        y: { field: 'value', type: 'quantitative', title: opts.yTitle, axis: { format: fmt } },
        color: { field: 'series', type: 'nominal', title: null, sort: labels, scale: { domain: labels, range: colors }, legend: { symbolStrokeWidth: 3 } },
        strokeDash: { field: 'series', type: 'nominal', sort: labels, scale: { domain: labels, range: dashes } },
        tooltip: [DATE_TOOLTIP, { field: 'series', type: 'nominal' }, { field: 'value', type: 'quantitative', format: fmt }],
      },
    },
    opts,
  );
}

export interface StatusAreaOptions extends TimeChartOptions {
  /** Status names; the metric of status s is `miners_<s>`. */
  readonly statuses?: readonly string[];
  readonly stat?: 'mean' | 'p50';
}

/**
 * Miners by status as a stacked area of the mean (default) count per status. Means add up to the
 * mean total, which medians do not, so the stack height stays meaningful.
 */
export function minersByStatusChart(rows: readonly BandRow[], opts: StatusAreaOptions): TopLevelSpec | null {
  const statuses = opts.statuses ?? ['active', 'curtailing', 'pivoting', 'exited'];
  const stat = opts.stat ?? 'mean';
  const values: Array<{ date: string; status: string; order: number; miners: number | null }> = [];
  const present: string[] = [];
  const days: number[] = [];
  statuses.forEach((status, order) => {
    const data = bandsOf(rows, `miners_${status}`);
    if (data.length === 0) return;
    present.push(status);
    for (const r of data) {
      values.push({ date: dayToDate(opts.startDate, r.day), status, order, miners: r[stat] });
      days.push(r.day);
    }
  });
  if (values.length === 0) return null;
  return topLevel(
    {
      title: titleOf(opts.title ?? 'Miners by status', opts.subtitle ?? `${stat === 'mean' ? 'mean' : 'median'} number of miners per status over runs`),
      data: { values },
      mark: { type: 'area', interpolate: 'step-after' },
      encoding: {
        x: dateX(days, 'date', opts.width),
        y: { field: 'miners', type: 'quantitative', stack: 'zero', title: 'Miners', axis: { format: numberFormat(values.map((v) => v.miners)) } },
        color: {
          field: 'status',
          type: 'nominal',
          title: 'status',
          sort: present,
          scale: { domain: present, range: present.map((s) => STATUS_COLORS[s] ?? COLORS.retarget) },
        },
        order: { field: 'order', type: 'quantitative' },
        tooltip: [DATE_TOOLTIP, { field: 'status', type: 'nominal' }, { field: 'miners', type: 'quantitative', format: ',.1f' }],
      },
    },
    opts,
  );
}

/** Axis title of a metric (re-exported for builders that take a metric name). */
export function metricAxisTitle(metric: string): string {
  return axisTitle(metricInfo(metric));
}
