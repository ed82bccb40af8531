// The backtest's verification metrics against textbook values and hand computations: ensemble CRPS
// (one and two members by hand, a large quantile ensemble of a normal against the closed form, the
// O(n^2) definition and the integral form), PIT (mid-ranks, uniform when the observation comes from
// the ensemble's distribution), the PIT histogram's bin edges, and a small backtest table whose
// rows, coverage counts and window metrics are worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  crpsSorted,
  ensembleCrps,
  normalCrps,
  pitHistogram,
  pitValue,
  scoreRetarget,
  windowMetrics,
  PIT_BINS,
} from '../src/backtest/metrics.ts';
import { backtestParquetColumns, backtestRows, BACKTEST_COLUMNS } from '../src/backtest/report.ts';
import type { RealRetarget } from '../src/backtest/window.ts';
import { deriveStream } from '../src/random/index.ts';
import { incompleteGammaQ, normalQuantile } from '../src/random/normal.ts';

/** CRPS by its definition E|X - y| - 0.5 E|X - X'| with a double loop (O(n^2)). */
function crpsBruteForce(xs: readonly number[], y: number): number {
  const n = xs.length;
  let a = 0;
  let b = 0;
  for (const x of xs) a += Math.abs(x - y);
  for (const x of xs) for (const z of xs) b += Math.abs(x - z);
  return a / n - (0.5 * b) / (n * n);
}

/** CRPS as the integral of (F(x) - 1{x >= y})^2 for the ensemble's step CDF F (exact, piecewise constant). */
function crpsIntegral(xs: readonly number[], y: number): number {
  const pts = [...xs, y].sort((a, b) => a - b);
  const n = xs.length;
  let total = 0;
  for (let i = 0; i + 1 < pts.length; i++) {
    const lo = pts[i]!;
    const hi = pts[i + 1]!;
    if (hi === lo) continue;
    const F = xs.filter((x) => x <= lo).length / n;
    const H = lo >= y ? 1 : 0;
    total += (F - H) ** 2 * (hi - lo);
  }
  return total;
}

/** Chi-square statistic and its upper-tail p-value (df = bins - 1) of counts against a uniform expectation. */
function chiSquareUniform(counts: readonly number[]): { stat: number; p: number } {
  const total = counts.reduce((a, b) => a + b, 0);
  const e = total / counts.length;
  const stat = counts.reduce((a, c) => a + (c - e) ** 2 / e, 0);
  return { stat, p: incompleteGammaQ((counts.length - 1) / 2, stat / 2) };
}

describe('ensemble CRPS', () => {
  it('of a single member is |x - y|', () => {
    for (const [x, y] of [[3, 1], [1, 3], [-2.5, 0], [0.125, 0.125], [1e6, -1e6]] as const) {
      expect(ensembleCrps([x], y)).toBeCloseTo(Math.abs(x - y), 12);
    }
  });

  it('of a two-member ensemble matches the hand computation', () => {
    // {1, 3} at y = 0: E|X - y| = 2, E|X - X'| = (0 + 2 + 2 + 0) / 4 = 1, CRPS = 2 - 0.5 = 1.5.
    expect(ensembleCrps([3, 1], 0)).toBe(1.5);
    // At y = 2 (between the members): E|X - y| = 1, CRPS = 1 - 0.5 = 0.5 (integral: 0.25 + 0.25).
    expect(ensembleCrps([1, 3], 2)).toBe(0.5);
    // At y = 1 (on a member): E|X - y| = 1, CRPS = 0.5.
    expect(ensembleCrps([1, 3], 1)).toBe(0.5);
    // Equal members: the spread term vanishes.
    expect(ensembleCrps([2, 2], 5)).toBe(3);
  });

  it('equals the O(n^2) definition and the integral form on random ensembles', () => {
    const rng = deriveStream({ seed: 7, scenario: 'backtest-test', runIndex: 0, component: 'crps' });
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + rng.int(30);
      const xs = Array.from({ length: n }, () => Math.round(rng.normal(0, 3) * 4) / 4); // ties on purpose
      const y = Math.round(rng.normal(0, 3) * 4) / 4;
      const got = ensembleCrps(xs, y);
      expect(got).toBeCloseTo(crpsBruteForce(xs, y), 10);
      expect(got).toBeCloseTo(crpsIntegral(xs, y), 10);
      expect(got).toBeGreaterThanOrEqual(0);
    }
  });

  it('closed form of a normal: textbook values', () => {
    // CRPS(N(0,1), 0) = 2 phi(0) - 1/sqrt(pi) = (sqrt 2 - 1) / sqrt(pi) = 0.23369...
    expect(normalCrps(0, 1, 0)).toBeCloseTo((Math.SQRT2 - 1) / Math.sqrt(Math.PI), 14);
    expect(normalCrps(0, 1, 0)).toBeCloseTo(0.233695, 6);
    // Scale equivariance and symmetry.
    expect(normalCrps(5, 2, 5)).toBeCloseTo(2 * normalCrps(0, 1, 0), 14);
    expect(normalCrps(0, 1, 1.3)).toBeCloseTo(normalCrps(0, 1, -1.3), 14);
    // Far from the forecast, CRPS -> |y - mu| - sigma / sqrt(pi).
    expect(normalCrps(0, 1, 10)).toBeCloseTo(10 - 1 / Math.sqrt(Math.PI), 10);
  });

  it('of a large quantile ensemble of N(mu, s) matches the closed form to ~1e-3', () => {
    const n = 20_000;
    for (const [mu, s] of [[0, 1], [0.5, 2], [-3, 0.25]] as const) {
      const xs = Float64Array.from({ length: n }, (_, i) => mu + s * normalQuantile((i + 0.5) / n));
      for (const y of [mu, mu + 0.3 * s, mu - 1.3 * s, mu + 2.5 * s]) {
        const exact = normalCrps(mu, s, y);
        expect(Math.abs(crpsSorted(xs, y) - exact) / s, `N(${mu}, ${s}) at ${y}`).toBeLessThan(1e-3);
      }
    }
    // The sample version converges too: 4000 seeded draws from N(0, 1) at y = 0, within a few standard errors.
    const rng = deriveStream({ seed: 11, scenario: 'backtest-test', runIndex: 0, component: 'crps-sample' });
    const draws = Array.from({ length: 4000 }, () => rng.normal());
    expect(Math.abs(ensembleCrps(draws, 0) - normalCrps(0, 1, 0))).toBeLessThan(0.02);
  });

  it('ignores non-finite members and is NaN for an empty ensemble', () => {
    expect(ensembleCrps([1, Number.NaN, 3], 2)).toBe(0.5);
    expect(ensembleCrps([], 0)).toBeNaN();
  });
});

describe('PIT', () => {
  it('is the share below, ties counting half', () => {
    expect(pitValue([1, 2, 3, 4], 2.5)).toBe(0.5);
    expect(pitValue([1, 2, 2, 3], 2)).toBe(0.5);
    expect(pitValue([1, 2, 3], 0)).toBe(0);
    expect(pitValue([1, 2, 3], 9)).toBe(1);
    expect(pitValue([5], 5)).toBe(0.5);
    expect(pitValue([1, Number.NaN, 3], 2)).toBe(0.5);
    expect(pitValue([], 2)).toBeNaN();
  });

  it('histogram bins hold their lower edge; the last also holds 1', () => {
    expect(pitHistogram([0, 0.0999, 0.1, 0.95, 1, Number.NaN])).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(pitHistogram([], 4)).toEqual([0, 0, 0, 0]);
    expect(PIT_BINS).toBe(10);
  });

  it('is uniform when the observation comes from the ensemble distribution (chi-square, 10 bins)', () => {
    // 99 members: PIT = k/99 for k = 0..99 (no ties in continuous draws), exactly 10 values per bin,
    // so the histogram is uniform in expectation. 3000 trials: expected 300 per bin; at the
    // 0.1% level the chi-square (9 df) critical value is 27.9.
    const rng = deriveStream({ seed: 3, scenario: 'backtest-test', runIndex: 0, component: 'pit' });
    const trials = 3000;
    const pits: number[] = [];
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 99 }, () => rng.normal(1, 2));
      pits.push(pitValue(xs, rng.normal(1, 2)));
    }
    const counts = pitHistogram(pits);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(trials);
    const { stat, p } = chiSquareUniform(counts);
    expect(stat, `counts ${counts.join(' ')}`).toBeLessThan(27.88);
    expect(p).toBeGreaterThan(0.001);
    // Every bin within 4.5 binomial standard deviations of 300.
    const sd = Math.sqrt(trials * 0.1 * 0.9);
    for (const c of counts) expect(Math.abs(c - 300)).toBeLessThan(4.5 * sd);
    // ... and the test has power: an ensemble too narrow (sd 1 vs the truth's 2) gives a U-shaped PIT.
    const narrow: number[] = [];
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 99 }, () => rng.normal(1, 1));
      narrow.push(pitValue(xs, rng.normal(1, 2)));
    }
    const u = pitHistogram(narrow);
    expect(chiSquareUniform(u).p).toBeLessThan(1e-6);
    expect(u[0]! + u[9]!).toBeGreaterThan(3 * (u[4]! + u[5]!));
  });
});

describe('scoring a retarget and a window', () => {
  it('scores a five-run ensemble by hand', () => {
    // Members 90, 95, 100, 105, 110; real 100. Type-7 quantiles: p05 = 90 + 0.2 x 5 = 91,
    // p25 = 95, p50 = 100, p75 = 105, p95 = 105 + 0.8 x 5 = 109. PIT = (2 + 0.5) / 5 = 0.5.
    // Relative errors -0.1, -0.05, 0, 0.05, 0.1: E|r| = 0.06, sum over ordered pairs |ri - rj| =
    // 2 x 0.05 x (4x1 + 3x2 + 2x3 + 1x4) = 2, so 0.5 E|X - X'| = 0.5 x 2 / 25 = 0.04: CRPS = 0.02.
    const s = scoreRetarget([110, 90, 105, 95, 100], 100);
    expect(s.sim_n).toBe(5);
    expect(s.sim_p05).toBeCloseTo(91, 12);
    expect(s.sim_p25).toBe(95);
    expect(s.sim_p50).toBe(100);
    expect(s.sim_p75).toBe(105);
    expect(s.sim_p95).toBeCloseTo(109, 12);
    expect(s.median_error).toBe(0);
    expect(s.in_band_50).toBe(true);
    expect(s.in_band_90).toBe(true);
    expect(s.pit).toBe(0.5);
    expect(s.crps).toBeCloseTo(0.02, 14);
    // CRPS of the relative error = CRPS of the values / real.
    const t = scoreRetarget([80, 123, 99.5, 101, 140, 77], 97);
    expect(t.crps).toBeCloseTo(ensembleCrps([80, 123, 99.5, 101, 140, 77], 97) / 97, 14);
    // Runs that did not reach it (NaN) are left out; none at all: every field null.
    expect(scoreRetarget([Number.NaN, 100, 100], 100)).toMatchObject({ sim_n: 2, pit: 0.5, crps: 0, median_error: 0 });
    expect(scoreRetarget([Number.NaN, Number.NaN], 100)).toMatchObject({ sim_n: 0, sim_p50: null, pit: null, crps: null, in_band_90: null });
  });

  it('window metrics and coverage counts match a hand computation on a fixed table', () => {
    // Five runs; at every retarget they set 0.90, 0.95, 1.00, 1.05, 1.10 x 100T, so the bands are
    // 91-109 (90%) and 95-105 (50%) x 1T and the median is 100T. Reals (T) and what follows by hand:
    //   height   real  in 50%  in 90%  PIT   median error
    //   A         100   yes     yes     0.5   0
    //   B         104   yes     yes     0.6   100/104 - 1
    //   C         107   no      yes     0.8   100/107 - 1
    //   D         120   no      no      1.0   100/120 - 1
    //   E          92   no      yes     0.2   100/92 - 1
    //   F          90   no      no      0.1   100/90 - 1   (a member equals it: PIT (0 + 0.5)/5)
    //   G         100   (run 4 did not reach it: shown, not scored)
    //   H         100   (no run reached it: all null, not scored)
    const T = 1e12;
    const reals = [100, 104, 107, 120, 92, 90, 100, 100];
    const retargets: RealRetarget[] = reals.map((r, k) => ({ height: 840_672 + 2016 * k, realDate: `2024-05-${String(k + 1).padStart(2, '0')}`, realBits: 0, realDifficulty: r * T }));
    const factors = [0.9, 0.95, 1, 1.05, 1.1];
    const runs = 5;
    const m = retargets.length;
    const values = new Float64Array(runs * m);
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < m; k++) values[r * m + k] = factors[r]! * 100 * T;
      values[r * m + 7] = Number.NaN;
    }
    values[4 * m + 6] = Number.NaN;
    const rows = backtestRows(retargets, values, runs, runs);
    expect(rows.map((r) => r.scored)).toEqual([true, true, true, true, true, true, false, false]);
    expect(rows.map((r) => r.sim_n)).toEqual([5, 5, 5, 5, 5, 5, 4, 0]);
    expect(rows.map((r) => r.in_band_50)).toEqual([true, true, false, false, false, false, true, null]);
    expect(rows.map((r) => r.in_band_90)).toEqual([true, true, true, false, true, false, true, null]);
    expect(rows.slice(0, 6).map((r) => r.pit)).toEqual([0.5, 0.6, 0.8, 1, 0.2, 0.1]);
    const errors = [0, 100 / 104 - 1, 100 / 107 - 1, 100 / 120 - 1, 100 / 92 - 1, 100 / 90 - 1];
    rows.slice(0, 6).forEach((r, i) => expect(r.median_error).toBeCloseTo(errors[i]!, 12));

    const w = windowMetrics(rows);
    expect(w.n_retargets).toBe(8);
    expect(w.n_scored).toBe(6);
    expect(w.in_band_50_count).toBe(2);
    expect(w.in_band_90_count).toBe(4);
    expect(w.coverage_50).toBeCloseTo(2 / 6, 14);
    expect(w.coverage_90).toBeCloseTo(4 / 6, 14);
    expect(w.pit_histogram).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 1, 1]);
    expect(w.bias).toBeCloseTo(errors.reduce((a, b) => a + b, 0) / 6, 14);
    expect(w.mae).toBeCloseTo(errors.reduce((a, b) => a + Math.abs(b), 0) / 6, 14);
    // |errors| sorted: 0, 0.0385, 0.0654, 0.0870, 0.1111, 0.1667: median = (0.0654 + 0.0870) / 2.
    expect(w.median_abs_error).toBeCloseTo((Math.abs(100 / 107 - 1) + (100 / 92 - 1)) / 2, 14);
    const crps = rows.slice(0, 6).map((r) => ensembleCrps(factors.map((f) => f * 100 * T), r.real_difficulty) / r.real_difficulty);
    expect(w.crps_mean).toBeCloseTo(crps.reduce((a, b) => a + b, 0) / 6, 14);

    // Parquet columns: booleans as 1/0, nulls kept, in the documented order.
    const cols = backtestParquetColumns(rows);
    expect(cols.map((c) => c.name)).toEqual(BACKTEST_COLUMNS.map(([n]) => n));
    expect(cols.find((c) => c.name === 'in_band_90')!.values).toEqual([1, 1, 1, 0, 1, 0, 1, null]);
    expect(cols.find((c) => c.name === 'scored')!.values).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('a window with nothing scored has null metrics and an empty histogram', () => {
    const w = windowMetrics([{ scored: false, median_error: 0.1, in_band_50: true, in_band_90: true, pit: 0.5, crps: 0.1 }]);
    expect(w).toMatchObject({ n_retargets: 1, n_scored: 0, bias: null, mae: null, median_abs_error: null, crps_mean: null, coverage_50: null, coverage_90: null, in_band_50_count: 0 });
    expect(w.pit_histogram).toEqual(new Array(10).fill(0));
  });
});
