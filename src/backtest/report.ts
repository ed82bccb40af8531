// The backtest's rows (one per real retarget), its JSON document, its Parquet columns and the
// terminal summary. Column and metric definitions: docs/BACKTEST.md.
import type { ParquetColumn } from '../results/parquet.ts';
import { scoreRetarget, windowMetrics, type RetargetScore, type WindowMetrics } from './metrics.ts';
import type { RealRetarget } from './window.ts';

/** Format tag of backtest.json; a folder holding a backtest.json with it is a backtest folder. */
export const BACKTEST_FORMAT = 'hashsim-backtest/1';

export const BACKTEST_FILES = {
  json: 'backtest.json',
  parquet: 'backtest.parquet',
  png: 'backtest.png',
  svg: 'backtest.svg',
  spec: 'backtest.vl.json',
} as const;

/** One real retarget of the window. */
export interface BacktestRow extends RetargetScore {
  readonly height: number;
  readonly real_date: string;
  readonly real_difficulty: number;
  /** Every successful run reached the height: the row enters the window metrics. */
  readonly scored: boolean;
}

/** Row columns in file order, with their Parquet types. */
export const BACKTEST_COLUMNS = [
  ['height', 'int32'],
  ['real_date', 'utf8'],
  ['real_difficulty', 'float64'],
  ['sim_p05', 'float64'],
  ['sim_p25', 'float64'],
  ['sim_p50', 'float64'],
  ['sim_p75', 'float64'],
  ['sim_p95', 'float64'],
  ['sim_n', 'int32'],
  ['median_error', 'float64'],
  ['in_band_90', 'int32'],
  ['in_band_50', 'int32'],
  ['pit', 'float64'],
  ['crps', 'float64'],
  ['scored', 'int32'],
] as const;

export type BacktestColumn = (typeof BACKTEST_COLUMNS)[number][0];

/**
 * Rows from the runs' values (runs x retargets, run-major, NaN = not reached; failed runs all NaN).
 * `okRuns` = runs that did not fail: a row is scored when all of them reached it.
 */
export function backtestRows(retargets: readonly RealRetarget[], values: Float64Array, runs: number, okRuns: number): BacktestRow[] {
  const m = retargets.length;
  return retargets.map((rt, k) => {
    const sims = new Float64Array(runs);
    for (let r = 0; r < runs; r++) sims[r] = values[r * m + k]!;
    const score = scoreRetarget(sims, rt.realDifficulty);
    return {
      height: rt.height,
      real_date: rt.realDate,
      real_difficulty: rt.realDifficulty,
      ...score,
      scored: okRuns > 0 && score.sim_n === okRuns,
    };
  });
}

/** The row with its keys in column order (what backtest.json stores). */
export function orderedRow(r: BacktestRow): Record<BacktestColumn, number | string | boolean | null> {
  const out = {} as Record<BacktestColumn, number | string | boolean | null>;
  for (const [name] of BACKTEST_COLUMNS) out[name] = r[name];
  return out;
}

/** backtest.parquet's columns (booleans as int32 1/0; null where no run reached the height). */
export function backtestParquetColumns(rows: readonly BacktestRow[]): ParquetColumn[] {
  return BACKTEST_COLUMNS.map(([name, type]) => {
    const values = rows.map((r) => {
      const v = r[name];
      return typeof v === 'boolean' ? (v ? 1 : 0) : v;
    });
    return { name, type, values: values as (number | null)[] | (string | null)[] };
  });
}

export interface BacktestDocument {
  readonly format: typeof BACKTEST_FORMAT;
  readonly hashsim_version: string;
  readonly scenario: { readonly name: string; readonly file: string; readonly sha256: string };
  readonly window: {
    readonly from_height: number;
    readonly start_date: string;
    readonly start_bits: string;
    readonly start_difficulty: number;
    readonly to: string;
    readonly horizon_days: number;
  };
  readonly prices: { readonly file: string; readonly sha256: string; readonly first_date: string; readonly last_date: string };
  readonly seed: string | number;
  readonly runs: number;
  readonly ok_runs: number;
  readonly failed_runs: readonly { readonly run_index: number; readonly error: string }[];
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, number | string | boolean | null>[];
  readonly metrics: WindowMetrics;
}

export { windowMetrics };

/** backtest.json's text: fixed key order, no times or paths of this machine beyond the inputs as given. */
export function backtestJson(doc: BacktestDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const pct = (v: number | null, digits = 1): string => (v === null ? '-' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(digits)}%`);
const tera = (v: number | null): string => (v === null ? '-' : (v / 1e12).toFixed(2));

/** The terminal summary: one line per retarget and the window metrics. */
export function formatBacktest(doc: BacktestDocument, rows: readonly BacktestRow[]): string {
  const header = ['height', 'real date', 'real (T)', 'p5 (T)', 'p25 (T)', 'median (T)', 'p75 (T)', 'p95 (T)', 'n', 'error', '50%', '90%', 'PIT', 'CRPS'];
  const yn = (v: boolean | null): string => (v === null ? '-' : v ? 'yes' : 'no');
  const body = rows.map((r) => [
    r.height.toLocaleString('en-US'),
    r.real_date,
    tera(r.real_difficulty),
    tera(r.sim_p05),
    tera(r.sim_p25),
    tera(r.sim_p50),
    tera(r.sim_p75),
    tera(r.sim_p95),
    `${r.sim_n}${r.scored ? '' : '*'}`,
    pct(r.median_error),
    yn(r.in_band_50),
    yn(r.in_band_90),
    r.pit === null ? '-' : r.pit.toFixed(3),
    r.crps === null ? '-' : r.crps.toFixed(4),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const m = doc.metrics;
  const w = doc.window;
  const out = [
    `backtest ${doc.scenario.name}: ${doc.runs} runs (seed ${String(doc.seed)}${doc.failed_runs.length > 0 ? `, ${doc.failed_runs.length} failed` : ''}) from the retarget at height ${w.from_height.toLocaleString('en-US')} (${w.start_date}, ${tera(w.start_difficulty)}T) to ${w.to}; prices ${doc.prices.file}`,
    '',
    line(header),
    ...body.map(line),
    '',
  ];
  if (rows.some((r) => !r.scored)) out.push('* not reached by every run: shown, but not in the window metrics', '');
  out.push(
    `retargets ${m.n_retargets} (scored ${m.n_scored})  bias ${pct(m.bias, 2)}  MAE ${pct(m.mae, 2).replace('+', '')}  median |error| ${pct(m.median_abs_error, 2).replace('+', '')}  CRPS ${m.crps_mean === null ? '-' : m.crps_mean.toFixed(4)}`,
    `coverage: 50% band ${m.in_band_50_count}/${m.n_scored}${m.coverage_50 === null ? '' : ` (${(m.coverage_50 * 100).toFixed(0)}%)`}, 90% band ${m.in_band_90_count}/${m.n_scored}${m.coverage_90 === null ? '' : ` (${(m.coverage_90 * 100).toFixed(0)}%)`}`,
    `PIT histogram (10 bins of [0, 1]): ${m.pit_histogram.join(' ')}`,
  );
  return `${out.join('\n')}\n`;
}
