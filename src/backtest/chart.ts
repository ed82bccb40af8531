// The backtest chart: real difficulty at each real retarget (points) over the simulated 5-95% and
// 25-75% bands and median, against the (estimated) date. A Vega-Lite spec in the charts module's
// theme; rendered to SVG/PNG by src/charts/render.ts.
import type { TopLevelSpec } from 'vega-lite';
import { titleOf, topLevel } from '../charts/specs/common.ts';
import { DATE_TOOLTIP, dateX } from '../charts/specs/time.ts';
import { COLORS } from '../charts/theme.ts';
import { daysBetween } from '../market/daily.ts';
import type { BacktestRow } from './report.ts';

const T = 1e12;
const REAL = 'real difficulty';
const MEDIAN = 'simulated median';
const INNER = '25–75% of runs';
const OUTER = '5–95% of runs';
const REAL_COLOR = '#b2182b';

export interface BacktestChartInput {
  readonly scenarioName: string;
  readonly runs: number;
  readonly fromHeight: number;
  readonly startDate: string;
  /** Difficulty the start retarget set (the runs' common starting point). */
  readonly startDifficulty: number;
  readonly to: string;
  readonly rows: readonly BacktestRow[];
}

const t = (v: number | null): number | null => (v === null ? null : v / T);

/**
 * Dates on x from the start to the end of the window (a little padding, so edge points show whole).
 * Windows under ~11 weeks get weekly ticks: day steps restart at each month (1, 15, 29, 1) and two
 * ticks two days apart would hide each other's labels.
 */
function xEncoding(days: readonly number[], startDate: string, to: string): Record<string, unknown> {
  const x = dateX([...days, daysBetween(startDate, to)], 'date') as { axis: Record<string, unknown>; scale: Record<string, unknown> };
  const span = daysBetween(startDate, to);
  const axis = span <= 75 ? { ...x.axis, format: '%d %b %Y', tickCount: { interval: 'week', step: span <= 35 ? 1 : 2 } } : x.axis;
  return { ...x, axis, scale: { ...x.scale, domain: [startDate, to], padding: 12 } };
}

/** Vega-Lite spec of real vs simulated difficulty per retarget. */
export function backtestChartSpec(c: BacktestChartInput): TopLevelSpec {
  const start = { date: c.startDate, height: c.fromHeight, real: c.startDifficulty / T, p5: c.startDifficulty / T, p25: c.startDifficulty / T, p50: c.startDifficulty / T, p75: c.startDifficulty / T, p95: c.startDifficulty / T, n: c.runs };
  const values = [
    start,
    ...c.rows.map((r) => ({ date: r.real_date, height: r.height, real: r.real_difficulty / T, p5: t(r.sim_p05), p25: t(r.sim_p25), p50: t(r.sim_p50), p75: t(r.sim_p75), p95: t(r.sim_p95), n: r.sim_n })),
  ];
  const simulated = values.filter((v) => v.p50 !== null);
  const days = values.map((v) => daysBetween(c.startDate, v.date));
  const color = {
    scale: { domain: [REAL, MEDIAN, INNER, OUTER], range: [REAL_COLOR, COLORS.median, COLORS.bandInner, COLORS.bandOuter] },
    legend: { title: null, symbolType: 'square' },
  };
  const y = { type: 'quantitative', title: 'Difficulty (T = 10^12)', scale: { zero: false }, axis: { format: ',.1f' } };
  const tooltip = [
    DATE_TOOLTIP,
    { field: 'height', type: 'quantitative', title: 'height', format: ',d' },
    { field: 'real', type: 'quantitative', title: 'real (T)', format: ',.2f' },
    ...(['p95', 'p75', 'p50', 'p25', 'p5'] as const).map((f) => ({ field: f, type: 'quantitative', title: `${f === 'p50' ? 'median' : f} (T)`, format: ',.2f' })),
    { field: 'n', type: 'quantitative', title: 'runs that reached it' },
  ];
  return topLevel({
    title: titleOf(
      `Difficulty at real retargets: ${c.scenarioName}`,
      `real (points; estimated dates) vs simulated bands over ${c.runs} runs from the retarget at height ${c.fromHeight.toLocaleString('en-US')} (${c.startDate}) to ${c.to}`,
    ),
    encoding: { x: xEncoding(days, c.startDate, c.to) },
    layer: [
      { data: { values: simulated }, mark: { type: 'area', opacity: 1 }, encoding: { y: { field: 'p5', ...y }, y2: { field: 'p95' }, color: { datum: OUTER, ...color } } },
      { data: { values: simulated }, mark: { type: 'area', opacity: 1 }, encoding: { y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' }, color: { datum: INNER } } },
      { data: { values: simulated }, mark: { type: 'line', strokeWidth: 2 }, encoding: { y: { field: 'p50', type: 'quantitative' }, color: { datum: MEDIAN } } },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: { y: { field: 'real', type: 'quantitative' }, color: { datum: REAL }, tooltip },
      },
    ],
    resolve: { scale: { color: 'shared' } },
  });
}
