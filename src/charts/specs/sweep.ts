import type { TopLevelSpec } from 'vega-lite';
import { COLORS } from '../theme.ts';
import { numberFormat } from '../metrics.ts';
import { finite, titleOf, topLevel } from './common.ts';

/** One sweep point: parameter values and per-metric statistics (a row of sweep.parquet). */
export type SweepPoint = Readonly<Record<string, number | string | null>>;

export interface SweepHeatmapOptions {
  /** Column of the x parameter, e.g. "price.volAnnual". */
  readonly x: string;
  readonly y: string;
  /** Column of the statistic shown as colour, e.g. "hashrate_ehs_final_mean". */
  readonly value: string;
  readonly title?: string;
  readonly subtitle?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly valueTitle?: string;
  readonly width?: number;
  readonly height?: number;
}

/**
 * Heatmap of one statistic over two swept parameters; points sharing an (x, y) cell (other
 * parameters varied) are averaged. Cells are labelled with their value. Null when no point has a
 * finite value.
 */
export function sweepHeatmap(points: readonly SweepPoint[], opts: SweepHeatmapOptions): TopLevelSpec | null {
  const cells = new Map<string, { x: number | string; y: number | string; sum: number; n: number }>();
  for (const p of points) {
    const x = p[opts.x];
    const y = p[opts.y];
    const v = p[opts.value];
    if (x === null || x === undefined || y === null || y === undefined || typeof v !== 'number' || !Number.isFinite(v)) continue;
    const key = JSON.stringify([x, y]);
    const c = cells.get(key) ?? { x, y, sum: 0, n: 0 };
    c.sum += v;
    c.n += 1;
    cells.set(key, c);
  }
  if (cells.size === 0) return null;
  const values = [...cells.values()].map((c) => ({ x: c.x, y: c.y, value: c.sum / c.n, points: c.n }));
  const fmt = numberFormat(values.map((v) => v.value));
  const sortNum = (a: number | string, b: number | string): number => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)));
  const xs = [...new Set(values.map((v) => v.x))].sort(sortNum);
  const ys = [...new Set(values.map((v) => v.y))].sort(sortNum).reverse();
  const valueTitle = opts.valueTitle ?? opts.value;
  const labelled = xs.length * ys.length <= 120;
  return topLevel(
    {
      title: titleOf(opts.title ?? `${valueTitle} by ${opts.x} and ${opts.y}`, opts.subtitle),
      data: { values },
      encoding: {
        x: { field: 'x', type: 'ordinal', sort: xs, title: opts.xTitle ?? opts.x, axis: { labelAngle: 0 } },
        y: { field: 'y', type: 'ordinal', sort: ys, title: opts.yTitle ?? opts.y },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            color: { field: 'value', type: 'quantitative', title: valueTitle, scale: { scheme: 'viridis' }, legend: { format: fmt, orient: 'right', direction: 'vertical', gradientLength: 200, titleLimit: 400 } },
            tooltip: [
              { field: 'x', title: opts.xTitle ?? opts.x },
              { field: 'y', title: opts.yTitle ?? opts.y },
              { field: 'value', type: 'quantitative', title: valueTitle, format: fmt },
              { field: 'points', type: 'quantitative', title: 'sweep points averaged' },
            ],
          },
        },
        ...(labelled
          ? [
              {
                mark: { type: 'text', fontSize: 11 },
                encoding: {
                  text: { field: 'value', type: 'quantitative', format: fmt },
                  color: { condition: { test: `datum.value > ${(Math.min(...values.map((v) => v.value)) + Math.max(...values.map((v) => v.value))) / 2}`, value: '#111111' }, value: 'white' },
                },
              },
            ]
          : []),
      ],
    },
    { width: opts.width ?? Math.min(640, Math.max(240, 60 * xs.length)), height: opts.height ?? Math.min(400, Math.max(160, 36 * ys.length)) },
  );
}

/** A bar of a tornado chart: the statistic when the parameter is low and when it is high. */
export interface TornadoRow {
  readonly parameter: string;
  readonly low: number;
  readonly high: number;
  /** Labels of the parameter's low/high settings (e.g. "0.3", "0.9"). */
  readonly lowLabel?: string;
  readonly highLabel?: string;
}

export interface TornadoOptions {
  readonly valueTitle: string;
  /** Reference value drawn as a rule and where bars start (e.g. the mean over all points). */
  readonly baseline: number;
  readonly title?: string;
  readonly subtitle?: string;
  readonly width?: number;
}

/** Tornado (one-at-a-time sensitivity) chart: bars from the baseline to low/high, widest on top. */
export function tornadoChart(rows: readonly TornadoRow[], opts: TornadoOptions): TopLevelSpec | null {
  const ok = rows.filter((r) => Number.isFinite(r.low) && Number.isFinite(r.high));
  if (ok.length === 0 || !Number.isFinite(opts.baseline)) return null;
  const order = [...ok].sort((a, b) => Math.abs(b.high - b.low) - Math.abs(a.high - a.low)).map((r) => r.parameter);
  const values = ok.flatMap((r) => [
    { parameter: r.parameter, setting: 'parameter low', value: r.low, base: opts.baseline, label: r.lowLabel ?? 'low' },
    { parameter: r.parameter, setting: 'parameter high', value: r.high, base: opts.baseline, label: r.highLabel ?? 'high' },
  ]);
  const fmt = numberFormat([...values.map((v) => v.value), opts.baseline]);
  return topLevel(
    {
      title: titleOf(opts.title ?? `Sensitivity of ${opts.valueTitle}`, opts.subtitle ?? `bars: value with each parameter at its low and high setting; line: baseline ${opts.baseline.toLocaleString('en-US', { maximumSignificantDigits: 4 })}`),
      data: { values },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'parameter', type: 'nominal', sort: order, title: null, axis: { labelLimit: 260 } },
            x: { field: 'value', type: 'quantitative', title: opts.valueTitle, scale: { zero: false }, axis: { format: fmt } },
            x2: { field: 'base' },
            yOffset: { field: 'setting', sort: ['parameter low', 'parameter high'] },
            color: { field: 'setting', type: 'nominal', title: null, scale: { domain: ['parameter low', 'parameter high'], range: [COLORS.a, COLORS.b] } },
            tooltip: [
              { field: 'parameter', type: 'nominal' },
              { field: 'label', type: 'nominal', title: 'setting' },
              { field: 'value', type: 'quantitative', format: fmt },
            ],
          },
        },
        { data: { values: [{ base: opts.baseline }] }, mark: { type: 'rule', color: COLORS.zero, strokeWidth: 1.5 }, encoding: { x: { field: 'base', type: 'quantitative' } } },
      ],
    },
    { width: opts.width ?? 560, height: Math.max(120, 34 * order.length) },
  );
}

/**
 * Main effects for a tornado chart from sweep points: for each parameter, the mean statistic over
 * points at its lowest vs highest setting (grid), or over the lowest vs highest third of its values
 * (Latin hypercube: more than 5 distinct settings). Others' settings are averaged over.
 */
export function tornadoFromSweep(points: readonly SweepPoint[], parameters: readonly string[], value: string): { rows: TornadoRow[]; baseline: number } {
  const all = finite(points.map((p) => (typeof p[value] === 'number' ? (p[value] as number) : null)));
  const baseline = all.length ? all.reduce((a, b) => a + b, 0) / all.length : NaN;
  const rows: TornadoRow[] = [];
  for (const param of parameters) {
    const pairs = points
      .map((p) => ({ s: p[param], v: p[value] }))
      .filter((q): q is { s: number; v: number } => typeof q.s === 'number' && typeof q.v === 'number' && Number.isFinite(q.v));
    if (pairs.length < 2) continue;
    const settings = [...new Set(pairs.map((q) => q.s))].sort((a, b) => a - b);
    if (settings.length < 2) continue;
    let lowSet: (s: number) => boolean;
    let highSet: (s: number) => boolean;
    let lowLabel: string;
    let highLabel: string;
    const fmt = (x: number): string => x.toLocaleString('en-US', { maximumSignificantDigits: 3 });
    if (settings.length <= 5) {
      const lo = settings[0]!;
      const hi = settings[settings.length - 1]!;
      lowSet = (s) => s === lo;
      highSet = (s) => s === hi;
      lowLabel = fmt(lo);
      highLabel = fmt(hi);
    } else {
      const cut1 = settings[Math.floor(settings.length / 3)]!;
      const cut2 = settings[Math.ceil((2 * settings.length) / 3) - 1]!;
      lowSet = (s) => s < cut1;
      highSet = (s) => s > cut2;
      lowLabel = `< ${fmt(cut1)}`;
      highLabel = `> ${fmt(cut2)}`;
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const lows = pairs.filter((q) => lowSet(q.s)).map((q) => q.v);
    const highs = pairs.filter((q) => highSet(q.s)).map((q) => q.v);
    if (lows.length === 0 || highs.length === 0) continue;
    rows.push({ parameter: param, low: mean(lows), high: mean(highs), lowLabel, highLabel });
  }
  return { rows, baseline };
}
