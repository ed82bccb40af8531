import type { TopLevelSpec } from 'vega-lite';
import { COLORS } from '../theme.ts';
import { numberFormat } from '../metrics.ts';
import { formatNumber } from '../../sweep/labels.ts';
import { finite, titleOf, topLevel } from './common.ts';

/** One sweep point: parameter values and per-metric statistics (a row of sweep.parquet). */
export type SweepPoint = Readonly<Record<string, number | string | null>>;

/** A d3 format for axis labels that never prints raw large numbers (1200000 -> 1.2M). */
function axisFormat(values: Iterable<number | null | undefined>): string {
  return numberFormat(values);
}

/** Vega expression writing a number like formatNumber: SI suffixes from 10,000 up, "B" for giga. */
function labelExprFor(fmt: string): string {
  return `isNumber(datum.value) ? replace(format(datum.value, '${fmt}'), 'G', 'B') : datum.value`;
}

export interface SweepHeatmapOptions {
  /** Column of the x parameter, e.g. "price.volAnnual". */
  readonly x: string;
  readonly y: string;
  /** Column of the statistic shown as colour, e.g. "hashrate_ehs_final_mean". */
  readonly value: string;
  /**
   * Uncertainty per cell: the columns of the standard deviation over replications and their count
   * (e.g. "final_hashrate_ehs_sd", "final_hashrate_ehs_n"); the cell shows mean ± standard error.
   */
  readonly sd?: string;
  readonly n?: string;
  /**
   * Bin numeric x and y into this many equal-width bins (designs whose points do not share values:
   * Latin hypercube, Sobol, Morris); the standard error of a cell is then that of the mean of its
   * points (their spread includes the other parameters' effects), or for a single point that of its
   * replications.
   */
  readonly bins?: number;
  readonly title?: string;
  readonly subtitle?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  readonly valueTitle?: string;
  readonly width?: number;
  readonly height?: number;
}

interface HeatCell {
  x: number | string;
  y: number | string;
  xLabel: string;
  yLabel: string;
  sum: number;
  n: number;
  values: number[];
  seSq: number;
  seN: number;
}

/**
 * Heatmap of one statistic over two swept parameters; points sharing an (x, y) cell (other
 * parameters varied) are averaged. Cells are labelled with their value, and with ± the standard
 * error when `sd`/`n` are given (grid: from the replications, sqrt(sum se_i^2) / m for m points
 * averaged; binned: the standard error of the mean of the cell's points). Null when no point has a
 * finite value.
 */
export function sweepHeatmap(points: readonly SweepPoint[], opts: SweepHeatmapOptions): TopLevelSpec | null {
  const cells = new Map<string, HeatCell>();
  const bins = opts.bins;
  const range = (col: string): { lo: number; hi: number } | null => {
    const v = finite(points.map((p) => (typeof p[col] === 'number' ? (p[col] as number) : null)));
    return v.length ? { lo: Math.min(...v), hi: Math.max(...v) } : null;
  };
  const rx = bins ? range(opts.x) : null;
  const ry = bins ? range(opts.y) : null;
  const binOf = (v: number, r: { lo: number; hi: number }): number => (r.hi > r.lo ? Math.min(bins! - 1, Math.floor(((v - r.lo) / (r.hi - r.lo)) * bins!)) : 0);
  const binLabel = (b: number, r: { lo: number; hi: number }): string => {
    const w = (r.hi - r.lo) / bins!;
    return `${formatNumber(r.lo + b * w, 2)} to ${formatNumber(r.lo + (b + 1) * w, 2)}`;
  };
  for (const p of points) {
    const x = p[opts.x];
    const y = p[opts.y];
    const v = p[opts.value];
    if (x === null || x === undefined || y === null || y === undefined || typeof v !== 'number' || !Number.isFinite(v)) continue;
    let cx: number | string = x;
    let cy: number | string = y;
    let xLabel = typeof x === 'number' ? formatNumber(x) : x;
    let yLabel = typeof y === 'number' ? formatNumber(y) : y;
    if (bins && rx && ry && typeof x === 'number' && typeof y === 'number') {
      cx = binOf(x, rx);
      cy = binOf(y, ry);
      xLabel = binLabel(cx, rx);
      yLabel = binLabel(cy, ry);
    }
    const key = JSON.stringify([cx, cy]);
    const c = cells.get(key) ?? { x: cx, y: cy, xLabel, yLabel, sum: 0, n: 0, values: [], seSq: 0, seN: 0 };
    c.sum += v;
    c.n += 1;
    c.values.push(v);
    if (opts.sd && opts.n) {
      const sd = p[opts.sd];
      const n = p[opts.n];
      if (typeof sd === 'number' && Number.isFinite(sd) && typeof n === 'number' && n > 0) {
        c.seSq += (sd * sd) / n;
        c.seN += 1;
      }
    }
    cells.set(key, c);
  }
  if (cells.size === 0) return null;
  const withSe = opts.sd !== undefined && opts.n !== undefined;
  const values = [...cells.values()].map((c) => {
    const mean = c.sum / c.n;
    let se: number | null = null;
    if (withSe) {
      if (bins && c.n > 1) {
        const ss = c.values.reduce((a, b) => a + (b - mean) ** 2, 0);
        se = Math.sqrt(ss / (c.n - 1) / c.n);
      } else if (c.seN === c.n) {
        se = Math.sqrt(c.seSq) / c.n;
      }
    }
    return { x: c.x, y: c.y, xLabel: c.xLabel, yLabel: c.yLabel, value: mean, points: c.n, se, lo95: se === null ? null : mean - 1.96 * se, hi95: se === null ? null : mean + 1.96 * se };
  });
  const fmt = numberFormat(values.map((v) => v.value));
  const seFmt = numberFormat(values.map((v) => v.se));
  const sortNum = (a: number | string, b: number | string): number => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)));
  const xs = [...new Map(values.map((v) => [v.x, v.xLabel])).entries()].sort((a, b) => sortNum(a[0], b[0]));
  const ys = [...new Map(values.map((v) => [v.y, v.yLabel])).entries()].sort((a, b) => sortNum(a[0], b[0])).reverse();
  const valueTitle = opts.valueTitle ?? opts.value;
  const labelled = xs.length * ys.length <= 120;
  const mid = (Math.min(...values.map((v) => v.value)) + Math.max(...values.map((v) => v.value))) / 2;
  const textColor = { condition: { test: `datum.value > ${mid}`, value: '#111111' }, value: 'white' };
  const hasSe = values.some((v) => v.se !== null);
  return topLevel(
    {
      title: titleOf(opts.title ?? `${valueTitle} by ${opts.x} and ${opts.y}`, opts.subtitle),
      data: { values },
      encoding: {
        x: { field: 'xLabel', type: 'ordinal', sort: xs.map((e) => e[1]), title: opts.xTitle ?? opts.x, axis: { labelAngle: bins ? -30 : 0, labelOverlap: false } },
        y: { field: 'yLabel', type: 'ordinal', sort: ys.map((e) => e[1]), title: opts.yTitle ?? opts.y },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            color: { field: 'value', type: 'quantitative', title: valueTitle, scale: { scheme: 'viridis' }, legend: { format: fmt, labelExpr: labelExprFor(fmt), orient: 'right', direction: 'vertical', gradientLength: 200, titleLimit: 400 } },
            tooltip: [
              { field: 'xLabel', title: opts.xTitle ?? opts.x },
              { field: 'yLabel', title: opts.yTitle ?? opts.y },
              { field: 'value', type: 'quantitative', title: valueTitle, format: fmt },
              ...(hasSe
                ? [
                    { field: 'se', type: 'quantitative', title: 'standard error', format: seFmt },
                    { field: 'lo95', type: 'quantitative', title: '95% interval, low', format: fmt },
                    { field: 'hi95', type: 'quantitative', title: '95% interval, high', format: fmt },
                  ]
                : []),
              { field: 'points', type: 'quantitative', title: 'sweep points averaged' },
            ],
          },
        },
        ...(labelled
          ? [
              {
                mark: { type: 'text', fontSize: 11, ...(hasSe ? { dy: -6 } : {}) },
                encoding: { text: { field: 'value', type: 'quantitative', format: fmt }, color: textColor },
              },
              ...(hasSe
                ? [
                    {
                      transform: [{ filter: 'isValid(datum.se)' }, { calculate: `'± ' + replace(format(datum.se, '${seFmt}'), 'G', 'B')`, as: 'seText' }],
                      mark: { type: 'text', fontSize: 9, dy: 7 },
                      encoding: { text: { field: 'seText', type: 'nominal' }, color: textColor },
                    },
                  ]
                : []),
            ]
          : []),
      ],
    },
    { width: opts.width ?? Math.min(640, Math.max(240, 70 * xs.length)), height: opts.height ?? Math.min(400, Math.max(160, (hasSe ? 44 : 36) * ys.length)) },
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
  /**
   * Standard errors of low/high when they are means of sampled points (Latin hypercube, Sobol,
   * Morris: the lowest/highest third), drawn as ±1.96 se whiskers.
   */
  readonly lowSe?: number;
  readonly highSe?: number;
}

export interface TornadoOptions {
  readonly valueTitle: string;
  /** Reference value drawn as a rule and where bars start (the base scenario's value, or the mean over all points). */
  readonly baseline: number;
  /** What the reference is, for the subtitle (default "baseline"). */
  readonly baselineLabel?: string;
  /** Readable parameter names for the axis (path -> title). */
  readonly parameterTitles?: Readonly<Record<string, string>>;
  readonly title?: string;
  readonly subtitle?: string;
  readonly width?: number;
}

/**
 * Tornado chart: per parameter, bars from the reference value to the statistic at the parameter's
 * low and high setting, widest on top; each bar end is labelled with the setting it stands for.
 */
export function tornadoChart(rows: readonly TornadoRow[], opts: TornadoOptions): TopLevelSpec | null {
  const ok = rows.filter((r) => Number.isFinite(r.low) && Number.isFinite(r.high));
  if (ok.length === 0 || !Number.isFinite(opts.baseline)) return null;
  const title = (p: string): string => opts.parameterTitles?.[p] ?? p;
  const order = [...ok].sort((a, b) => Math.abs(b.high - b.low) - Math.abs(a.high - a.low)).map((r) => title(r.parameter));
  const row = (r: TornadoRow, setting: string, value: number, label: string, se: number | undefined) => {
    const half = se !== undefined && Number.isFinite(se) ? 1.96 * se : 0;
    const right = value >= opts.baseline;
    return { parameter: title(r.parameter), setting, value, base: opts.baseline, label, lo: value - half, hi: value + half, hasSe: half > 0, labelAt: right ? value + half : value - half, right };
  };
  const values = ok.flatMap((r) => [row(r, 'parameter low', r.low, r.lowLabel ?? 'low', r.lowSe), row(r, 'parameter high', r.high, r.highLabel ?? 'high', r.highSe)]);
  const withSe = values.some((v) => v.hasSe);
  const fmt = numberFormat([...values.map((v) => v.value), opts.baseline]);
  const refName = opts.baselineLabel ?? 'baseline';
  const yEnc = { y: { field: 'parameter', type: 'nominal', sort: order }, yOffset: { field: 'setting', sort: ['parameter low', 'parameter high'] } };
  const ends = (side: 'right' | 'left') => ({
    transform: [{ filter: side === 'right' ? 'datum.right' : '!datum.right' }],
    mark: { type: 'text', fontSize: 10, align: side === 'right' ? 'left' : 'right', dx: side === 'right' ? 4 : -4, color: '#333333' },
    encoding: { ...yEnc, x: { field: 'labelAt', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
  });
  return topLevel(
    {
      title: titleOf(
        opts.title ?? `Sensitivity of ${opts.valueTitle}`,
        opts.subtitle ??
          `bars: mean with each parameter at its low and high setting (labelled)${withSe ? ', whiskers ±1.96 standard errors' : ''}; line: ${refName} ${formatNumber(opts.baseline, 4)}`,
      ),
      data: { values },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'parameter', type: 'nominal', sort: order, title: null, axis: { labelLimit: 340 } },
            x: { field: 'value', type: 'quantitative', title: opts.valueTitle, scale: { zero: false, nice: true, padding: 64 }, axis: { format: fmt, labelExpr: labelExprFor(fmt) } },
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
        ...(withSe
          ? [{ transform: [{ filter: 'datum.hasSe' }], mark: { type: 'rule', color: '#111111', strokeWidth: 1.2 }, encoding: { ...yEnc, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } }]
          : []),
        ends('right'),
        ends('left'),
        { data: { values: [{ base: opts.baseline }] }, mark: { type: 'rule', color: COLORS.zero, strokeWidth: 1.5 }, encoding: { x: { field: 'base', type: 'quantitative' }, y: null } },
      ],
    },
    { width: opts.width ?? 560, height: Math.max(120, 40 * order.length) },
  );
}

/**
 * Main effects for a tornado chart from sweep points: for each parameter, the mean statistic over
 * points at its lowest vs highest setting (grid), or over the lowest vs highest third of its values
 * (more than 5 distinct settings: Latin hypercube, Sobol, Morris), with the standard errors of those
 * sampled means. Others' settings are averaged over. `baseline` is the mean over all points (charts draw the base scenario's value instead when
 * the sweep ran it).
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
    if (settings.length <= 5) {
      const lo = settings[0]!;
      const hi = settings[settings.length - 1]!;
      lowSet = (s) => s === lo;
      highSet = (s) => s === hi;
      lowLabel = formatNumber(lo);
      highLabel = formatNumber(hi);
    } else {
      const cut1 = settings[Math.floor(settings.length / 3)]!;
      const cut2 = settings[Math.ceil((2 * settings.length) / 3) - 1]!;
      lowSet = (s) => s < cut1;
      highSet = (s) => s > cut2;
      lowLabel = `< ${formatNumber(cut1)}`;
      highLabel = `> ${formatNumber(cut2)}`;
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const se = (xs: number[]): number | undefined => {
      if (xs.length < 2) return undefined;
      const m = mean(xs);
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) / xs.length);
    };
    const lows = pairs.filter((q) => lowSet(q.s)).map((q) => q.v);
    const highs = pairs.filter((q) => highSet(q.s)).map((q) => q.v);
    if (lows.length === 0 || highs.length === 0) continue;
    const sampled = settings.length > 5;
    rows.push({ parameter: param, low: mean(lows), high: mean(highs), lowLabel, highLabel, ...(sampled ? { lowSe: se(lows), highSe: se(highs) } : {}) });
  }
  return { rows, baseline };
}

/** One Sobol index with its interval, for sobolChart. */
export interface SobolBar {
  readonly parameter: string;
  /** "S1" (first order) or "ST" (total). */
  readonly index: 'S1' | 'ST';
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Sobol indices: per parameter a bar for the first-order index S1 and one for the total index ST,
 * with whiskers for their bootstrap confidence intervals; sorted by ST.
 */
export function sobolChart(rows: readonly SobolBar[], opts: { title: string; subtitle?: string; confidence?: number; parameterTitles?: Readonly<Record<string, string>>; width?: number }): TopLevelSpec | null {
  const ok = rows.filter((r) => Number.isFinite(r.estimate));
  if (ok.length === 0) return null;
  const title = (p: string): string => opts.parameterTitles?.[p] ?? p;
  const st = new Map(ok.filter((r) => r.index === 'ST').map((r) => [r.parameter, r.estimate]));
  const order = [...new Set(ok.map((r) => r.parameter))].sort((a, b) => (st.get(b) ?? 0) - (st.get(a) ?? 0)).map(title);
  const names = { S1: 'first order S1', ST: 'total ST' } as const;
  const values = ok.map((r) => ({ parameter: title(r.parameter), index: names[r.index], estimate: r.estimate, low: Number.isFinite(r.low) ? r.low : r.estimate, high: Number.isFinite(r.high) ? r.high : r.estimate }));
  const pct = Math.round((opts.confidence ?? 0.95) * 100);
  const lo = Math.min(0, ...values.map((v) => v.low));
  const hi = Math.max(1, ...values.map((v) => v.high));
  const enc = {
    y: { field: 'parameter', type: 'nominal', sort: order, title: null, axis: { labelLimit: 300 } },
    yOffset: { field: 'index', sort: [names.S1, names.ST] },
  };
  return topLevel(
    {
      title: titleOf(opts.title, opts.subtitle ?? `bars: estimates; whiskers: ${pct}% bootstrap intervals; S1 = share of the variance due to the parameter alone, ST = including its interactions`),
      data: { values },
      layer: [
        {
          mark: { type: 'bar', opacity: 0.85 },
          encoding: {
            ...enc,
            x: { field: 'estimate', type: 'quantitative', title: 'Sobol index (share of output variance)', scale: { domain: [lo, hi] }, axis: { format: '.1f' } },
            color: { field: 'index', type: 'nominal', title: null, scale: { domain: [names.S1, names.ST], range: [COLORS.a, COLORS.b] } },
            tooltip: [
              { field: 'parameter', type: 'nominal' },
              { field: 'index', type: 'nominal' },
              { field: 'estimate', type: 'quantitative', format: '.3f' },
              { field: 'low', type: 'quantitative', format: '.3f', title: `${pct}% interval, low` },
              { field: 'high', type: 'quantitative', format: '.3f', title: `${pct}% interval, high` },
            ],
          },
        },
        { mark: { type: 'rule', color: '#111111', strokeWidth: 1.5 }, encoding: { ...enc, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
        { mark: { type: 'tick', color: '#111111', thickness: 1.5, size: 8 }, encoding: { ...enc, x: { field: 'low', type: 'quantitative' } } },
        { mark: { type: 'tick', color: '#111111', thickness: 1.5, size: 8 }, encoding: { ...enc, x: { field: 'high', type: 'quantitative' } } },
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: COLORS.zero }, encoding: { x: { field: 'zero', type: 'quantitative' }, y: null } },
      ],
    },
    { width: opts.width ?? 560, height: Math.max(120, 44 * order.length) },
  );
}

/** One parameter's Morris statistics, for morrisChart. */
export interface MorrisPoint {
  readonly parameter: string;
  readonly muStar: number;
  readonly muStarLow: number;
  readonly muStarHigh: number;
  readonly sigma: number;
}

/**
 * Morris screening: mu* (mean absolute elementary effect: overall influence) against sigma (their
 * spread: non-linearity or interactions), one labelled point per parameter with its mu* interval;
 * the dashed line sigma = mu* separates mostly linear, additive effects (below) from others.
 */
export function morrisChart(rows: readonly MorrisPoint[], opts: { title: string; valueTitle: string; subtitle?: string; confidence?: number; parameterTitles?: Readonly<Record<string, string>>; width?: number; height?: number }): TopLevelSpec | null {
  const ok = rows.filter((r) => Number.isFinite(r.muStar) && Number.isFinite(r.sigma));
  if (ok.length === 0) return null;
  const title = (p: string): string => opts.parameterTitles?.[p] ?? p;
  const values = ok.map((r) => ({ parameter: title(r.parameter), muStar: r.muStar, sigma: r.sigma, lo: Number.isFinite(r.muStarLow) ? r.muStarLow : r.muStar, hi: Number.isFinite(r.muStarHigh) ? r.muStarHigh : r.muStar }));
  const top = Math.max(...values.map((v) => Math.max(v.hi, v.sigma)), 0) * 1.1 || 1;
  const fmt = numberFormat([top]);
  const pct = Math.round((opts.confidence ?? 0.95) * 100);
  const axis = { format: fmt, labelExpr: labelExprFor(fmt) };
  return topLevel(
    {
      title: titleOf(opts.title, opts.subtitle ?? `effects per whole range of each parameter; whiskers: ${pct}% bootstrap intervals of mu*; dashed: sigma = mu*`),
      layer: [
        { data: { values: [{ a: 0, b: top }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888888' }, encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'a', type: 'quantitative' }, x2: { field: 'b' }, y2: { field: 'b' } } },
        {
          data: { values },
          layer: [
            { mark: { type: 'rule', color: COLORS.median }, encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' }, y: { field: 'sigma', type: 'quantitative' } } },
            {
              mark: { type: 'point', filled: true, size: 80, color: COLORS.median },
              encoding: {
                x: { field: 'muStar', type: 'quantitative', title: `mu*: mean |elementary effect| on ${opts.valueTitle}`, scale: { domain: [0, top] }, axis },
                y: { field: 'sigma', type: 'quantitative', title: 'sigma: sd of the elementary effects', scale: { domain: [0, top] }, axis },
                tooltip: [
                  { field: 'parameter', type: 'nominal' },
                  { field: 'muStar', type: 'quantitative', title: 'mu*', format: fmt },
                  { field: 'lo', type: 'quantitative', title: `mu* ${pct}% low`, format: fmt },
                  { field: 'hi', type: 'quantitative', title: `mu* ${pct}% high`, format: fmt },
                  { field: 'sigma', type: 'quantitative', title: 'sigma', format: fmt },
                ],
              },
            },
            { mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 11 }, encoding: { x: { field: 'muStar', type: 'quantitative' }, y: { field: 'sigma', type: 'quantitative' }, text: { field: 'parameter', type: 'nominal' } } },
          ],
        },
      ],
    },
    { width: opts.width ?? 520, height: opts.height ?? 360 },
  );
}

/** One box of a PRIM peeling trajectory. */
export interface PrimTrajectoryPoint {
  readonly step: number;
  readonly coverage: number;
  readonly density: number;
  readonly restricted: number;
}

/** PRIM's coverage-density trade-off along the peeling trajectory; the chosen box is ringed. */
export function primTradeoffChart(points: readonly PrimTrajectoryPoint[], opts: { title: string; subtitle?: string; chosen: number; chosenCoverage?: number; chosenDensity?: number; threshold?: number; width?: number }): TopLevelSpec | null {
  if (points.length === 0) return null;
  const values = points.map((p) => ({ ...p, restrictedLabel: `${p.restricted}` }));
  const chosen = points.find((p) => p.step === opts.chosen);
  const pasted = opts.chosenCoverage !== undefined && opts.chosenDensity !== undefined ? [{ coverage: opts.chosenCoverage, density: opts.chosenDensity }] : chosen ? [{ coverage: chosen.coverage, density: chosen.density }] : [];
  return topLevel(
    {
      title: titleOf(opts.title, opts.subtitle ?? 'each point a box on the peeling trajectory (from the whole space at coverage 100%); ringed: the chosen box after pasting'),
      layer: [
        ...(opts.threshold !== undefined
          ? [{ data: { values: [{ t: opts.threshold }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888888' }, encoding: { y: { field: 't', type: 'quantitative' } } }]
          : []),
        {
          data: { values },
          mark: { type: 'line', point: { filled: true, size: 40 }, color: COLORS.median },
          encoding: {
            x: { field: 'coverage', type: 'quantitative', title: 'coverage (share of all cases of interest inside the box)', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
            y: { field: 'density', type: 'quantitative', title: 'density (share of cases of interest in the box)', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
            order: { field: 'step', type: 'quantitative' },
            tooltip: [
              { field: 'step', type: 'quantitative', title: 'peel' },
              { field: 'coverage', type: 'quantitative', format: '.1%' },
              { field: 'density', type: 'quantitative', format: '.1%' },
              { field: 'restricted', type: 'quantitative', title: 'parameters restricted' },
            ],
          },
        },
        { data: { values: pasted }, mark: { type: 'point', size: 260, strokeWidth: 2.5, color: COLORS.mean }, encoding: { x: { field: 'coverage', type: 'quantitative' }, y: { field: 'density', type: 'quantitative' } } },
      ],
    },
    { width: opts.width ?? 480, height: 320 },
  );
}

/** One parameter of a PRIM box: its limits in the box and the range the data covers. */
export interface PrimLimit {
  readonly parameter: string;
  readonly min: number;
  readonly max: number;
  readonly dataMin: number;
  readonly dataMax: number;
  readonly restricted: boolean;
  readonly quasiP?: number | null;
}

/**
 * The PRIM box: one row per parameter (restricted ones first), the whole swept range as a grey bar
 * scaled to 0-100% and the box's range on it in colour, labelled with its limits in the parameter's
 * units.
 */
export function primBoxChart(limits: readonly PrimLimit[], opts: { title: string; subtitle?: string; parameterTitles?: Readonly<Record<string, string>>; width?: number }): TopLevelSpec | null {
  const ok = limits.filter((l) => [l.min, l.max, l.dataMin, l.dataMax].every(Number.isFinite));
  if (ok.length === 0) return null;
  const title = (p: string): string => opts.parameterTitles?.[p] ?? p;
  const sorted = [...ok].sort((a, b) => Number(b.restricted) - Number(a.restricted) || (a.quasiP ?? 1) - (b.quasiP ?? 1));
  const values = sorted.map((l) => {
    const span = l.dataMax - l.dataMin || 1;
    return {
      parameter: title(l.parameter),
      from: (l.min - l.dataMin) / span,
      to: (l.max - l.dataMin) / span,
      label: l.restricted ? `${formatNumber(l.min)} – ${formatNumber(l.max)}` : 'not restricted',
      range: `${formatNumber(l.dataMin)} – ${formatNumber(l.dataMax)}`,
      quasiP: l.quasiP ?? null,
      restricted: l.restricted ? 'restricted' : 'not restricted',
      mid: ((l.min + l.max) / 2 - l.dataMin) / span,
      whole0: 0,
      whole1: 1,
    };
  });
  const order = values.map((v) => v.parameter);
  const y = { field: 'parameter', type: 'nominal', sort: order, title: null, axis: { labelLimit: 300 } };
  return topLevel(
    {
      title: titleOf(opts.title, opts.subtitle ?? 'grey: the swept range of each parameter (0-100%); colour: the range inside the box'),
      data: { values },
      layer: [
        { mark: { type: 'bar', color: '#e0e0e0', height: 16 }, encoding: { y, x: { field: 'whole0', type: 'quantitative', title: 'position in the swept range', scale: { domain: [0, 1] }, axis: { format: '.0%' } }, x2: { field: 'whole1' } } },
        {
          mark: { type: 'bar', height: 16 },
          encoding: {
            y,
            x: { field: 'from', type: 'quantitative' },
            x2: { field: 'to' },
            color: { field: 'restricted', type: 'nominal', title: null, scale: { domain: ['restricted', 'not restricted'], range: [COLORS.b, COLORS.bandInner] } },
            tooltip: [
              { field: 'parameter', type: 'nominal' },
              { field: 'label', type: 'nominal', title: 'in the box' },
              { field: 'range', type: 'nominal', title: 'swept range' },
              { field: 'quasiP', type: 'quantitative', title: 'quasi-p', format: '.1e' },
            ],
          },
        },
        { mark: { type: 'text', dy: -14, fontSize: 10, color: '#333333' }, encoding: { y, x: { field: 'mid', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } } },
      ],
    },
    { width: opts.width ?? 520, height: Math.max(100, 48 * order.length) },
  );
}
