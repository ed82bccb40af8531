import { BAND_QUANTILES } from './layout.ts';

/**
 * Sample quantile, Hyndman & Fan type 7 (the default of R, NumPy, pandas and DuckDB's
 * quantile_cont): h = (n - 1) p, Q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]) on the
 * ascending sorted sample x (0-based). `sorted` must be ascending and non-empty.
 */
export function quantileType7(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return h === lo || a === b ? a : a + (h - lo) * (b - a);
}

export interface BandStats {
  readonly n: number;
  readonly mean: number;
  /** In BAND_QUANTILES order. */
  readonly quantiles: readonly number[];
}

/** Mean and band quantiles of the finite values of a sample (NaN values are left out). */
export function bandStats(values: Float64Array): BandStats {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) m++;
  const x = new Float64Array(m);
  let j = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) {
      x[j++] = v;
      sum += v;
    }
  }
  x.sort();
  return {
    n: m,
    mean: m === 0 ? Number.NaN : sum / m,
    quantiles: BAND_QUANTILES.map(([, p]) => quantileType7(x, p)),
  };
}
