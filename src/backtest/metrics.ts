// Forecast verification of an ensemble against one real value, and the window summary of a
// backtest. Pure: numbers in, numbers out (no I/O, no randomness). Definitions: docs/BACKTEST.md.
import { quantileType7 } from '../results/bands.ts';
import { normalCdf } from '../random/normal.ts';

/** Number of equal-width bins of the PIT histogram over [0, 1]. */
export const PIT_BINS = 10;

/** The quantiles of the simulated band, as row column -> probability. */
export const SIM_QUANTILES = [
  ['sim_p05', 0.05],
  ['sim_p25', 0.25],
  ['sim_p50', 0.5],
  ['sim_p75', 0.75],
  ['sim_p95', 0.95],
] as const;

/** Ascending copy of the finite values (NaN = "no value" is dropped). */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) out.push(v);
  }
  return Float64Array.from(out).sort();
}

/**
 * CRPS of an ensemble (the empirical distribution of its members) against the observation y:
 * CRPS = E|X - y| - 0.5 E|X - X'|, X and X' drawn independently from the members (the "energy"
 * form, Gneiting & Raftery 2007, eq. 21; equal to the integral of (F(x) - 1{x >= y})^2 for the
 * ensemble's step CDF F). Computed exactly from the ascending members x(0) <= ... <= x(n-1):
 * sum over all ordered pairs |x_i - x_j| = 2 sum_i (2i - n + 1) x(i), so
 * CRPS = (1/n) sum |x_i - y| - (1/n^2) sum_i (2i - n + 1) x(i). NaN for an empty ensemble.
 */
export function crpsSorted(sorted: ArrayLike<number>, y: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  let abs = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i]!;
    abs += Math.abs(x - y);
    spread += (2 * i - n + 1) * x;
  }
  return abs / n - spread / (n * n);
}

/** Ensemble CRPS of any (unsorted) members; non-finite members are dropped. */
export function ensembleCrps(values: ArrayLike<number>, y: number): number {
  return crpsSorted(sortedFinite(values), y);
}

/**
 * Closed-form CRPS of a normal forecast N(mu, sigma^2) at y (Gneiting et al. 2005):
 * sigma [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)], z = (y - mu) / sigma.
 */
export function normalCrps(mu: number, sigma: number, y: number): number {
  const z = (y - mu) / sigma;
  const phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  return sigma * (z * (2 * normalCdf(z) - 1) + 2 * phi - 1 / Math.sqrt(Math.PI));
}

/**
 * Probability integral transform of y under the ensemble, mid-rank for ties:
 * (#{x < y} + 0.5 #{x = y}) / n. Uniform on [0, 1] (up to the ensemble's granularity) when y is
 * drawn from the same distribution as the members. NaN for an empty ensemble.
 */
export function pitValue(values: ArrayLike<number>, y: number): number {
  let below = 0;
  let equal = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) continue;
    n++;
    if (x < y) below++;
    else if (x === y) equal++;
  }
  return n === 0 ? Number.NaN : (below + 0.5 * equal) / n;
}

/**
 * Counts of PIT values in `bins` equal bins of [0, 1]: value p goes to bin min(floor(p x bins),
 * bins - 1) (each bin holds its lower edge; the last also holds 1). Non-finite values are skipped.
 */
export function pitHistogram(pits: Iterable<number>, bins: number = PIT_BINS): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const p of pits) {
    if (!Number.isFinite(p)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    counts[b]!++;
  }
  return counts;
}

/** The simulated side of one real retarget (the part of a backtest row computed from the runs). */
export interface RetargetScore {
  /** Runs that reached the height (finite values). */
  readonly sim_n: number;
  readonly sim_p05: number | null;
  readonly sim_p25: number | null;
  readonly sim_p50: number | null;
  readonly sim_p75: number | null;
  readonly sim_p95: number | null;
  /** sim_p50 / real - 1. */
  readonly median_error: number | null;
  /** sim_p05 <= real <= sim_p95. */
  readonly in_band_90: boolean | null;
  /** sim_p25 <= real <= sim_p75. */
  readonly in_band_50: boolean | null;
  /** Share of runs with sim < real (ties count half). */
  readonly pit: number | null;
  /** Ensemble CRPS of the relative error sim / real - 1 against 0. */
  readonly crps: number | null;
}

/**
 * Scores the simulated values of one quantity against its real value: type-7 quantiles, error of
 * the median, 50% and 90% band membership (bands closed), PIT and the CRPS of the relative error.
 * `sims` may hold NaN for runs that did not reach it. All fields null when no run did.
 */
export function scoreRetarget(sims: ArrayLike<number>, real: number): RetargetScore {
  const x = sortedFinite(sims);
  const n = x.length;
  if (n === 0) {
    return { sim_n: 0, sim_p05: null, sim_p25: null, sim_p50: null, sim_p75: null, sim_p95: null, median_error: null, in_band_90: null, in_band_50: null, pit: null, crps: null };
  }
  const [p05, p25, p50, p75, p95] = SIM_QUANTILES.map(([, p]) => quantileType7(x, p)) as [number, number, number, number, number];
  const rel = new Float64Array(n);
  for (let i = 0; i < n; i++) rel[i] = x[i]! / real - 1;
  // Dividing by a positive real keeps the order, so `rel` is sorted too.
  return {
    sim_n: n,
    sim_p05: p05,
    sim_p25: p25,
    sim_p50: p50,
    sim_p75: p75,
    sim_p95: p95,
    median_error: p50 / real - 1,
    in_band_90: p05 <= real && real <= p95,
    in_band_50: p25 <= real && real <= p75,
    pit: pitValue(x, real),
    crps: crpsSorted(rel, 0),
  };
}

/** What the window summary reads from each row. */
export interface ScoredRow {
  /** The row counts in the window metrics (every successful run reached its height). */
  readonly scored: boolean;
  readonly median_error: number | null;
  readonly in_band_50: boolean | null;
  readonly in_band_90: boolean | null;
  readonly pit: number | null;
  readonly crps: number | null;
}

/** Summary of a backtest over its window (rows with `scored` only). */
export interface WindowMetrics {
  /** Real retargets in the window (rows). */
  readonly n_retargets: number;
  /** Rows that enter the metrics below. */
  readonly n_scored: number;
  /** Mean of median_error. */
  readonly bias: number | null;
  /** Mean of |median_error|. */
  readonly mae: number | null;
  /** Median (type 7) of |median_error|. */
  readonly median_abs_error: number | null;
  /** Mean of crps. */
  readonly crps_mean: number | null;
  /** Rows with in_band_50. */
  readonly in_band_50_count: number;
  /** Rows with in_band_90. */
  readonly in_band_90_count: number;
  /** in_band_50_count / n_scored. */
  readonly coverage_50: number | null;
  /** in_band_90_count / n_scored. */
  readonly coverage_90: number | null;
  /** Counts of pit in PIT_BINS equal bins of [0, 1] (see pitHistogram). */
  readonly pit_histogram: readonly number[];
}

/** Window metrics of backtest rows; sums run in row order (deterministic). */
export function windowMetrics(rows: readonly ScoredRow[]): WindowMetrics {
  const used = rows.filter((r) => r.scored && r.median_error !== null);
  const n = used.length;
  let sum = 0;
  let sumAbs = 0;
  let sumCrps = 0;
  let c50 = 0;
  let c90 = 0;
  const abs: number[] = [];
  for (const r of used) {
    const e = r.median_error!;
    sum += e;
    sumAbs += Math.abs(e);
    abs.push(Math.abs(e));
    sumCrps += r.crps!;
    if (r.in_band_50) c50++;
    if (r.in_band_90) c90++;
  }
  abs.sort((a, b) => a - b);
  return {
    n_retargets: rows.length,
    n_scored: n,
    bias: n > 0 ? sum / n : null,
    mae: n > 0 ? sumAbs / n : null,
    median_abs_error: n > 0 ? quantileType7(abs, 0.5) : null,
    crps_mean: n > 0 ? sumCrps / n : null,
    in_band_50_count: c50,
    in_band_90_count: c90,
    coverage_50: n > 0 ? c50 / n : null,
    coverage_90: n > 0 ? c90 / n : null,
    pit_histogram: pitHistogram(used.map((r) => r.pit!)),
  };
}
