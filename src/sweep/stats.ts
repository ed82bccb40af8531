import { quantileType7 } from '../results/bands.ts';
/** Summary statistics of one metric over a point's replications (nulls left out). */
export interface MetricSummary {
  /** Number of non-null values. */
  readonly n: number;
  readonly mean: number | null;
  /** Sample standard deviation (divisor n - 1); null when n < 2. */
  readonly sd: number | null;
  readonly p5: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
}

/** Statistics reported per metric, in column order (`<metric>_<stat>`). */
export const SWEEP_STATS = ['n', 'mean', 'sd', 'p5', 'p50', 'p95'] as const;

/**
 * Quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan
 * type 7: R's default, numpy's "linear", DuckDB's quantile_cont): h = (n - 1) p.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of no values');
  return quantileType7(sorted, p);
}

/** Mean, sd, 5/50/95 % quantiles of the finite values (NaN and null count as missing). */
export function summarize(values: ArrayLike<number | null>): MetricSummary {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) xs.push(v);
  }
  const n = xs.length;
  if (n === 0) return { n, mean: null, sd: null, p5: null, p50: null, p95: null };
  // Two-pass mean and variance: numerically stable for the large magnitudes (USD, hashes) we see.
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
  const sorted = Float64Array.from(xs).sort();
  return { n, mean, sd, p5: quantileSorted(sorted, 0.05), p50: quantileSorted(sorted, 0.5), p95: quantileSorted(sorted, 0.95) };
}
