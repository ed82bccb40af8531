import { describe, expect, it } from 'vitest';
import { directionNumbers, sobolPoints, SOBOL_MAX_DIMS } from '../src/sweep/sobol.ts';
import { JOE_KUO_6_21201 } from '../src/sweep/sobol-directions.ts';
import { saltelliUnit } from '../src/sweep/design.ts';
import { sobolIndices, samplesNeeded, type Estimate } from '../src/sweep/sensitivity.ts';
import { deriveStream } from '../src/random/index.ts';

// The Sobol sequence against published values, and the Sobol index estimators against analytic
// truth (Ishigami and the Sobol G-function), through the estimator API (no engine).

/**
 * Points of the unscrambled 40-dimensional sequence with the new-joe-kuo-6.21201 direction numbers
 * in Gray-code order (Joe & Kuo's sobol.cc; SciPy's scipy.stats.qmc.Sobol(40, scramble=False)
 * gives the same), point i -> every coordinate times 8 (points 1-7) or times 1024 (later points):
 * the first 2^m points have coordinates on the grid of 2^-m.
 */
const PUBLISHED: ReadonlyArray<readonly [number, readonly number[]]> = [
    [1, [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]],
    [2, [6, 2, 2, 2, 6, 6, 2, 6, 6, 6, 6, 6, 2, 2, 6, 2, 6, 2, 6, 2, 2, 6, 2, 2, 2, 6, 2, 6, 2, 6, 2, 2, 2, 6, 6, 6, 2, 2, 2, 2]],
    [3, [2, 6, 6, 6, 2, 2, 6, 2, 2, 2, 2, 2, 6, 6, 2, 6, 2, 6, 2, 6, 6, 2, 6, 6, 6, 2, 6, 2, 6, 2, 6, 6, 6, 2, 2, 2, 6, 6, 6, 6]],
    [4, [3, 3, 5, 7, 3, 1, 3, 7, 7, 5, 7, 3, 3, 5, 3, 7, 3, 7, 7, 1, 1, 1, 3, 7, 7, 7, 3, 5, 1, 1, 3, 1, 7, 7, 5, 5, 5, 7, 3, 7]],
    [5, [7, 7, 1, 3, 7, 5, 7, 3, 3, 1, 3, 7, 7, 1, 7, 3, 7, 3, 3, 5, 5, 5, 7, 3, 3, 3, 7, 1, 5, 5, 7, 5, 3, 3, 1, 1, 1, 3, 7, 3]],
    [6, [5, 1, 7, 5, 5, 7, 1, 1, 1, 3, 1, 5, 1, 7, 5, 5, 5, 5, 1, 3, 3, 7, 1, 5, 5, 1, 1, 3, 3, 7, 1, 3, 5, 1, 3, 3, 7, 5, 1, 5]],
    [7, [1, 5, 3, 1, 1, 3, 5, 5, 5, 7, 5, 1, 5, 3, 1, 1, 1, 1, 5, 7, 7, 3, 5, 1, 1, 5, 5, 7, 7, 3, 5, 7, 1, 5, 7, 7, 3, 1, 5, 1]],
    [100, [424, 264, 792, 744, 904, 760, 24, 488, 648, 712, 472, 696, 488, 872, 328, 504, 696, 760, 856, 344, 776, 408, 8, 504, 24, 8, 968, 680, 248, 744, 728, 424, 264, 264, 376, 680, 1000, 488, 920, 136]],
    [511, [2, 514, 418, 866, 362, 898, 762, 474, 226, 206, 350, 850, 62, 966, 122, 662, 574, 262, 926, 134, 678, 802, 662, 854, 574, 10, 414, 218, 218, 942, 970, 218, 530, 758, 806, 486, 130, 674, 370, 242]],
    [1000, [225, 99, 531, 693, 287, 929, 47, 921, 513, 71, 87, 261, 165, 393, 147, 379, 737, 353, 1015, 743, 535, 563, 973, 553, 597, 929, 41, 1003, 61, 349, 151, 149, 303, 607, 821, 789, 869, 851, 315, 491]],
    [1023, [1, 771, 627, 149, 191, 449, 143, 633, 353, 871, 695, 37, 133, 681, 371, 475, 321, 897, 599, 327, 887, 19, 813, 201, 245, 385, 521, 779, 861, 445, 951, 629, 463, 895, 341, 885, 965, 1011, 923, 715]],
];

const stream = (c: string) => deriveStream({ seed: 2026, scenario: 'test', runIndex: 0, component: c });

describe('Sobol sequence (Joe & Kuo 2008 direction numbers)', () => {
  it('embeds rows d = 2..40 of new-joe-kuo-6.21201 consistently (degree, odd m_k < 2^k)', () => {
    expect(SOBOL_MAX_DIMS).toBe(40);
    JOE_KUO_6_21201.forEach(([d, s, a, m], i) => {
      expect(d).toBe(i + 2);
      expect(m.length).toBe(s);
      expect(a).toBeLessThan(2 ** Math.max(0, s - 1));
      m.forEach((mk, k) => {
        expect(mk % 2).toBe(1);
        expect(mk).toBeLessThan(2 ** (k + 1));
      });
    });
    // Spot checks against the published file.
    expect(JOE_KUO_6_21201[0]).toEqual([2, 1, 0, [1]]);
    expect(JOE_KUO_6_21201[5]).toEqual([7, 4, 4, [1, 3, 5, 13]]);
    expect(JOE_KUO_6_21201[38]).toEqual([40, 8, 22, [1, 3, 1, 11, 11, 11, 77, 249]]);
  });

  it('gives the published first points in all 40 dimensions', () => {
    const cols = sobolPoints(1024, 40);
    for (let d = 0; d < 40; d++) expect(cols[d]![0]).toBe(0);
    for (const [i, coords] of PUBLISHED) {
      const scale = i < 8 ? 8 : 1024;
      expect(coords.length).toBe(40);
      coords.forEach((c, d) => expect(cols[d]![i]! * scale, `point ${i}, dimension ${d + 1}`).toBe(c));
    }
    // Dimension 1 is van der Corput in Gray-code order; dimension 2 by hand from m = 1, 3, 5, 15, ...
    expect(Array.from(cols[0]!.slice(0, 8))).toEqual([0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125]);
    expect(Array.from(cols[1]!.slice(0, 8))).toEqual([0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625]);
  });

  it('direction numbers follow the recurrence past the initial m_k', () => {
    // Dimension 3 (s = 2, a = 1, m = 1, 3): m_3 = 2 m_2 xor 4 m_1 xor m_1 = 6 xor 4 xor 1 = 3, m_4 = 2 m_3 xor 4 m_2 xor m_2 = 6 xor 12 xor 3 = 9.
    const v = directionNumbers(2);
    expect(v[2]! / 2 ** 29).toBe(3);
    expect(v[3]! / 2 ** 28).toBe(9);
  });

  it('scrambled points are reproducible from the seed, differ between seeds, and stay a net', () => {
    const a = sobolPoints(256, 6, { scrambleSeed: 7 });
    const b = sobolPoints(256, 6, { scrambleSeed: 7 });
    const c = sobolPoints(256, 6, { scrambleSeed: 8 });
    expect(a.map((x) => Array.from(x))).toEqual(b.map((x) => Array.from(x)));
    expect(Array.from(a[0]!)).not.toEqual(Array.from(c[0]!));
    expect(a[0]![0]).not.toBe(0);
    // Every 2^m-point prefix has one point in each interval [j/2^m, (j+1)/2^m) of every dimension,
    // and the first 16 points one in each 1/4 x 1/4 square of every two-dimensional projection of
    // the first two dimensions (t = 0 for the pair (1, 2)).
    for (const m of [1, 2, 4, 6, 8]) {
      const n = 2 ** m;
      for (const col of a) {
        const cells = Array.from(col.slice(0, n), (u) => Math.floor(u * n)).sort((x, y) => x - y);
        expect(cells).toEqual(Array.from({ length: n }, (_, j) => j));
      }
    }
    const squares = new Set(Array.from({ length: 16 }, (_, i) => `${Math.floor(a[0]![i]! * 4)},${Math.floor(a[1]![i]! * 4)}`));
    expect(squares.size).toBe(16);
  });
});

const inside = (e: Estimate, truth: number): boolean => e.low <= truth && truth <= e.high;

describe('Sobol indices: Ishigami function (a = 7, b = 0.1)', () => {
  // f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x uniform on [-pi, pi]^3. Analytic variances:
  // V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V13 = b^2 pi^8 (1/18 - 1/50), V = V1 + V2 + V13.
  const a = 7;
  const b = 0.1;
  const V1 = 0.5 * (1 + (b * Math.PI ** 4) / 5) ** 2;
  const V2 = a ** 2 / 8;
  const V13 = b ** 2 * Math.PI ** 8 * (1 / 18 - 1 / 50);
  const V = V1 + V2 + V13;
  const truth = { S1: [V1 / V, V2 / V, 0], ST: [(V1 + V13) / V, V2 / V, V13 / V], S13: V13 / V };
  const N = 4096;

  it('analytic values are those of the literature', () => {
    expect(truth.S1[0]).toBeCloseTo(0.3139, 4);
    expect(truth.S1[1]).toBeCloseTo(0.4424, 4);
    expect(truth.ST[0]).toBeCloseTo(0.5576, 4);
    expect(truth.ST[1]).toBeCloseTo(0.4424, 4);
    expect(truth.ST[2]).toBeCloseTo(0.2437, 4);
  });

  it(`first, total and second-order indices are recovered inside their 95% bootstrap intervals at N = ${N}`, () => {
    const unit = saltelliUnit('ishigami', N, 3, true);
    const y = new Float64Array(unit[0]!.length);
    for (let i = 0; i < y.length; i++) {
      const [x1, x2, x3] = unit.map((c) => -Math.PI + 2 * Math.PI * c[i]!) as [number, number, number];
      y[i] = Math.sin(x1) + a * Math.sin(x2) ** 2 + b * x3 ** 4 * Math.sin(x1);
    }
    const r = sobolIndices(y, 3, N, true, { resamples: 1000, confidence: 0.95, stream: stream('ishigami') });
    expect(r.used).toBe(N);
    for (let i = 0; i < 3; i++) {
      expect(inside(r.first[i]!, truth.S1[i]!), `S${i + 1} = ${r.first[i]!.estimate} [${r.first[i]!.low}, ${r.first[i]!.high}]`).toBe(true);
      expect(inside(r.total[i]!, truth.ST[i]!), `ST${i + 1} = ${r.total[i]!.estimate} [${r.total[i]!.low}, ${r.total[i]!.high}]`).toBe(true);
      // Intervals narrow enough to mean something, and point estimates close.
      expect(r.first[i]!.high - r.first[i]!.low).toBeLessThan(0.1);
      expect(Math.abs(r.first[i]!.estimate - truth.S1[i]!)).toBeLessThan(0.02);
      expect(Math.abs(r.total[i]!.estimate - truth.ST[i]!)).toBeLessThan(0.02);
    }
    const s2 = new Map(r.second!.map((s) => [`${s.i}${s.j}`, s.value]));
    expect(inside(s2.get('02')!, truth.S13)).toBe(true);
    expect(inside(s2.get('01')!, 0)).toBe(true);
    expect(inside(s2.get('12')!, 0)).toBe(true);
    // Output variance over A and B matches V.
    expect(r.variance / V).toBeGreaterThan(0.95);
    expect(r.variance / V).toBeLessThan(1.05);
  });

  it('is deterministic and leaves out base samples with a missing output', () => {
    const n = 64;
    const unit = saltelliUnit(1, n, 3, false);
    const y = Float64Array.from({ length: unit[0]!.length }, (_, i) => Math.sin(-Math.PI + 2 * Math.PI * unit[0]![i]!) + 7 * Math.sin(-Math.PI + 2 * Math.PI * unit[1]![i]!) ** 2);
    const r1 = sobolIndices(y, 3, n, false, { resamples: 200, stream: stream('det') });
    const r2 = sobolIndices(y, 3, n, false, { resamples: 200, stream: stream('det') });
    expect(r1).toEqual(r2);
    y[5 * 5 + 2] = NaN;
    expect(sobolIndices(y, 3, n, false, { resamples: 200, stream: stream('det') }).used).toBe(n - 1);
    expect(() => sobolIndices(y.slice(1), 3, n, false, { stream: stream('det') })).toThrow(/expected 320 outputs/);
  });

  it('suggests the sample size for a target interval width (1/sqrt(N), power of two)', () => {
    expect(samplesNeeded(64, 0.2, 0.1)).toBe(256);
    expect(samplesNeeded(64, 0.05, 0.1)).toBe(16);
    expect(samplesNeeded(100, 0.15, 0.1)).toBe(256);
  });
});

describe('Sobol indices: Sobol G-function', () => {
  // g(x) = prod (|4 x_i - 2| + a_i) / (1 + a_i) on [0, 1]^k: V_i = 1 / (3 (1 + a_i)^2),
  // V = prod (1 + V_i) - 1, S_i = V_i / V, ST_i = V_i prod_{j != i} (1 + V_j) / V.
  const A = [0, 1, 4.5, 9, 99, 99, 99, 99];
  const k = A.length;
  const Vi = A.map((a) => 1 / (3 * (1 + a) ** 2));
  const V = Vi.reduce((p, v) => p * (1 + v), 1) - 1;
  const S1 = Vi.map((v) => v / V);
  const ST = Vi.map((v, i) => (v * Vi.reduce((p, w, j) => (j === i ? p : p * (1 + w)), 1)) / V);
  const N = 4096;

  it(`first-order and total indices are recovered inside their 95% intervals at N = ${N}`, () => {
    const unit = saltelliUnit('g-function', N, k, false);
    const y = new Float64Array(unit[0]!.length);
    for (let i = 0; i < y.length; i++) {
      let p = 1;
      for (let d = 0; d < k; d++) p *= (Math.abs(4 * unit[d]![i]! - 2) + A[d]!) / (1 + A[d]!);
      y[i] = p;
    }
    const r = sobolIndices(y, k, N, false, { resamples: 1000, stream: stream('g') });
    for (let i = 0; i < k; i++) {
      expect(inside(r.first[i]!, S1[i]!), `S${i + 1} = ${r.first[i]!.estimate} [${r.first[i]!.low}, ${r.first[i]!.high}] vs ${S1[i]}`).toBe(true);
      expect(inside(r.total[i]!, ST[i]!), `ST${i + 1} = ${r.total[i]!.estimate} [${r.total[i]!.low}, ${r.total[i]!.high}] vs ${ST[i]}`).toBe(true);
      expect(r.total[i]!.high - r.total[i]!.low).toBeLessThan(0.1);
    }
    // The ranking of the total indices is the analytic one for the four distinct a_i.
    expect(r.total[0]!.estimate).toBeGreaterThan(r.total[1]!.estimate);
    expect(r.total[1]!.estimate).toBeGreaterThan(r.total[2]!.estimate);
    expect(r.total[2]!.estimate).toBeGreaterThan(r.total[3]!.estimate);
  });
});
