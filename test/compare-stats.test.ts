import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bootstrapOneSample,
  bootstrapPaired,
  bootstrapUnpaired,
  incompleteBeta,
  kolmogorovSmirnov2,
  kolmogorovUpper,
  mannWhitneyU,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
  tTestOneSample,
  tTestTwoSample,
  wilcoxonSignedRank,
} from '../src/compare/stats.ts';
import { RandomStream } from '../src/random/index.ts';

// Deterministic property runs (the guide asks for seeded tests).
fc.configureGlobal({ seed: 20260301 });

// Reference values are R 4.x outputs printed in R's own documentation examples or in the cited
// textbooks, to the digits R prints (4 significant digits for p-values); tolerances match that.

// R datasets::sleep (Cushny & Peebles 1905, as in Student 1908): extra sleep for drug 1 and 2.
const sleep1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const sleep2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

// Hollander & Wolfe (1973), p. 29f: Hamilton depression scale before (x) and after (y) the first
// tranquilizer; the example of ?wilcox.test.
const hwX = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const hwY = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

// Hollander & Wolfe (1973), p. 69f (also Hollander, Wolfe & Chicken 2014, Example 4.1):
// permeability constants of the human chorioamnion at term (x) and at 12-26 weeks (y).
const permX = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const permY = [1.15, 0.88, 0.9, 0.74, 1.21];

function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe('distribution functions', () => {
  it('normal quantiles match published values (Abramowitz & Stegun 26.2; R qnorm)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829303548901, 12);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644853626951472, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
  });

  it('t quantiles match the standard table (R qt)', () => {
    // qt(0.975, c(1, 2, 5, 10, 30)), qt(0.995, 9)
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.70620474, 7);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.30265273, 7);
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.570581836, 8);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138852, 8);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272456, 8);
    expect(studentTQuantile(0.995, 9)).toBeCloseTo(3.249835542, 8);
  });

  it('t CDF equals the closed forms for 1 (Cauchy) and 2 degrees of freedom', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (t) => {
        expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
        expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
      }),
    );
  });

  it('t quantile inverts the t CDF', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.5, max: 500, noNaN: true }), (p, df) => {
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10);
      }),
    );
  });

  it('incomplete beta equals closed forms I_x(a,1) = x^a and I_x(1,b) = 1-(1-x)^b', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.1, max: 30, noNaN: true }), (x, a) => {
        expect(incompleteBeta(x, a, 1)).toBeCloseTo(x ** a, 12);
        expect(incompleteBeta(x, 1, a)).toBeCloseTo(1 - (1 - x) ** a, 12);
      }),
    );
    // pbeta(0.5, 2, 3) = 11/16 (binomial identity)
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(11 / 16, 14);
  });

  it('Kolmogorov limiting distribution matches Smirnov (1948) critical values', () => {
    // Upper-tail critical values 1.2238 (10%), 1.3581 (5%), 1.6276 (1%).
    expect(kolmogorovUpper(1.2238)).toBeCloseTo(0.1, 4);
    expect(kolmogorovUpper(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovUpper(1.6276)).toBeCloseTo(0.01, 4);
    // Both series agree where they meet.
    expect(kolmogorovUpper(1 - 1e-12)).toBeCloseTo(kolmogorovUpper(1), 10);
  });
});

describe('t tests (R t.test on the sleep data, the examples of ?t.test)', () => {
  it('Welch two-sample: t = -1.8608, df = 17.776, p = 0.07939, CI [-3.3654832, 0.2054832]', () => {
    const r = tTestTwoSample(sleep1, sleep2);
    expect(r.t).toBeCloseTo(-1.8608, 4);
    expect(r.df).toBeCloseTo(17.776, 3);
    expect(r.pValue).toBeCloseTo(0.07939, 5);
    expect(r.lower).toBeCloseTo(-3.3654832, 6);
    expect(r.upper).toBeCloseTo(0.2054832, 6);
  });

  it('pooled two-sample: df = 18, p = 0.07919, CI [-3.363874, 0.203874]', () => {
    const r = tTestTwoSample(sleep1, sleep2, { equalVariance: true });
    expect(r.df).toBe(18);
    expect(r.pValue).toBeCloseTo(0.07919, 5);
    expect(r.lower).toBeCloseTo(-3.363874, 6);
    expect(r.upper).toBeCloseTo(0.203874, 6);
  });

  it('paired: t = -4.0621, df = 9, p = 0.002833, CI [-2.4598858, -0.7001142]', () => {
    const r = tTestOneSample(sleep1.map((v, i) => v - sleep2[i]!));
    expect(r.t).toBeCloseTo(-4.0621, 4);
    expect(r.df).toBe(9);
    expect(r.pValue).toBeCloseTo(0.002833, 6);
    expect(r.lower).toBeCloseTo(-2.4598858, 7);
    expect(r.upper).toBeCloseTo(-0.7001142, 7);
  });
});

describe('Wilcoxon signed-rank', () => {
  it('exact: Hollander & Wolfe depression data gives V = 40, two-sided p = 0.03906 (one-sided 0.01953 in ?wilcox.test)', () => {
    const r = wilcoxonSignedRank(hwX, hwY);
    expect(r.statistic).toBe(40);
    expect(r.exact).toBe(true);
    // P(V >= 40 | n = 9) = 10/512 by counting the subsets of 1..9 with sum <= 5.
    expect(r.pValue).toBeCloseTo(20 / 512, 12);
  });

  it('normal approximation with ties and a zero: sleep data gives V = 0, p = 0.009091 (R wilcox.test paired)', () => {
    const r = wilcoxonSignedRank(sleep1, sleep2);
    expect(r.statistic).toBe(0);
    expect(r.exact).toBe(false);
    expect(r.n).toBe(9);
    expect(r.pValue).toBeCloseTo(0.009091, 6);
  });

  it('exact distribution agrees with brute-force enumeration of sign patterns', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -40, max: 40 }).filter((v) => v !== 0), { minLength: 1, maxLength: 10, selector: Math.abs }), (d) => {
        const n = d.length;
        const r = wilcoxonSignedRank(d);
        const ranks = [...d].map(Math.abs).sort((a, b) => a - b);
        const sums: number[] = [];
        for (let mask = 0; mask < 1 << n; mask++) {
          let s = 0;
          for (let k = 0; k < n; k++) if (mask & (1 << k)) s += ranks.indexOf(ranks[k]!) + 1;
          sums.push(s);
        }
        const v = r.statistic;
        const centre = (n * (n + 1)) / 4;
        const tail = v > centre ? sums.filter((s) => s >= v).length : sums.filter((s) => s <= v).length;
        expect(r.pValue).toBeCloseTo(Math.min(1, (2 * tail) / sums.length), 12);
      }),
      { numRuns: 60 },
    );
  });
});

describe('Mann-Whitney U', () => {
  it('exact: Hollander & Wolfe permeability data gives W = 35, two-sided p = 0.2544 (one-sided 0.1272 in ?wilcox.test)', () => {
    const r = mannWhitneyU(permX, permY);
    expect(r.statistic).toBe(35);
    expect(r.exact).toBe(true);
    expect(r.pValue).toBeCloseTo(0.2544, 4);
  });

  it('normal approximation with ties: W = 51.5, p = 0.5966 and W = 0, p = 0.001364 (R output on endmemo.com/r/wilcoxon.php)', () => {
    const x = [1, 5, 9, 24, 56, 21, 3, 7, 21, 4];
    const r1 = mannWhitneyU(x, [12, 15, 5, 9, 9, 14, 56, 22, 3, 7, 32, 5]);
    expect(r1.statistic).toBe(51.5);
    expect(r1.pValue).toBeCloseTo(0.5966, 4);
    const r2 = mannWhitneyU(x, [1233, 4356, 987, 39999, 1111, 200000]);
    expect(r2.statistic).toBe(0);
    expect(r2.pValue).toBeCloseTo(0.001364, 6);
  });

  it('exact distribution agrees with brute-force enumeration of labelings', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 11 }), fc.nat(), (vals, cut) => {
        const m = 1 + (cut % (vals.length - 1));
        const x = vals.slice(0, m);
        const y = vals.slice(m);
        const r = mannWhitneyU(x, y);
        const sorted = [...vals].sort((a, b) => a - b);
        const N = vals.length;
        const us: number[] = [];
        for (let mask = 0; mask < 1 << N; mask++) {
          let bits = 0;
          for (let k = 0; k < N; k++) if (mask & (1 << k)) bits++;
          if (bits !== m) continue;
          let rs = 0;
          for (let k = 0; k < N; k++) if (mask & (1 << k)) rs += k + 1;
          us.push(rs - (m * (m + 1)) / 2);
        }
        void sorted;
        const w = r.statistic;
        const centre = (m * (N - m)) / 2;
        const tail = w > centre ? us.filter((u) => u >= w).length : us.filter((u) => u <= w).length;
        expect(us.length).toBe(choose(N, m));
        expect(r.pValue).toBeCloseTo(Math.min(1, (2 * tail) / us.length), 12);
      }),
      { numRuns: 60 },
    );
  });
});

describe('two-sample Kolmogorov-Smirnov', () => {
  it('exact p for m = n equals the Gnedenko-Korolyuk formula', () => {
    // P(D >= k/n) = 2 sum_{j>=1} (-1)^(j+1) C(2n, n - jk) / C(2n, n)  (Gnedenko & Korolyuk 1951)
    for (const n of [5, 10, 20, 40]) {
      for (let k = 1; k <= n; k++) {
        const x = Array.from({ length: n }, (_, i) => i);
        const y = Array.from({ length: n }, (_, i) => i + k - 0.5);
        const r = kolmogorovSmirnov2(x, y);
        expect(r.statistic).toBeCloseTo(k / n, 12);
        let s = 0;
        for (let j = 1; n - j * k >= 0; j++) s += (j % 2 ? 1 : -1) * choose(2 * n, n - j * k);
        expect(r.pValue).toBeCloseTo(Math.min(1, (2 * s) / choose(2 * n, n)), 10);
      }
    }
  });

  it('completely separated samples: p = 2 / C(m + n, m)', () => {
    const r = kolmogorovSmirnov2([1, 2, 3], [10, 11, 12, 13, 14]);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(2 / choose(8, 3), 14);
  });

  it('exact p agrees with brute-force enumeration (with ties)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 11 }), fc.nat(), (vals, cut) => {
        const m = 1 + (cut % (vals.length - 1));
        const x = vals.slice(0, m);
        const y = vals.slice(m);
        const r = kolmogorovSmirnov2(x, y);
        const N = vals.length;
        const ecdfD = (a: number[], b: number[]): number => {
          let d = 0;
          for (const t of vals) {
            const fa = a.filter((v) => v <= t).length / a.length;
            const fb = b.filter((v) => v <= t).length / b.length;
            d = Math.max(d, Math.abs(fa - fb));
          }
          return d;
        };
        expect(r.statistic).toBeCloseTo(ecdfD(x, y), 12);
        let total = 0;
        let extreme = 0;
        for (let mask = 0; mask < 1 << N; mask++) {
          const a: number[] = [];
          const b: number[] = [];
          for (let k = 0; k < N; k++) (mask & (1 << k) ? a : b).push(vals[k]!);
          if (a.length !== m) continue;
          total++;
          if (ecdfD(a, b) >= r.statistic - 1e-12) extreme++;
        }
        expect(r.pValue).toBeCloseTo(extreme / total, 10);
      }),
      { numRuns: 40 },
    );
  });

  it('large samples use the limiting distribution of sqrt(mn/(m+n)) D', () => {
    const x = Array.from({ length: 200 }, (_, i) => i / 200);
    const y = Array.from({ length: 100 }, (_, i) => i / 100 + 0.1);
    const r = kolmogorovSmirnov2(x, y);
    expect(r.exact).toBe(false);
    expect(r.pValue).toBeCloseTo(kolmogorovUpper(Math.sqrt((200 * 100) / 300) * r.statistic), 14);
  });
});

describe('properties of all tests', () => {
  const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 });
  it('p-values lie in [0, 1] and the two-sample tests are symmetric in their arguments', () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        for (const r of [mannWhitneyU(x, y), kolmogorovSmirnov2(x, y), wilcoxonSignedRank(x)]) {
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
        }
        expect(mannWhitneyU(y, x).pValue).toBeCloseTo(mannWhitneyU(x, y).pValue, 12);
        expect(kolmogorovSmirnov2(y, x).pValue).toBeCloseTo(kolmogorovSmirnov2(x, y).pValue, 12);
        expect(kolmogorovSmirnov2(y, x).statistic).toBe(kolmogorovSmirnov2(x, y).statistic);
      }),
      { numRuns: 80 },
    );
  });

  it('signed-rank is symmetric under negating every difference; identical samples give p = 1', () => {
    fc.assert(
      fc.property(sample, (d) => {
        expect(wilcoxonSignedRank(d.map((v) => -v)).pValue).toBeCloseTo(wilcoxonSignedRank(d).pValue, 12);
        expect(wilcoxonSignedRank(d, d).pValue).toBe(1);
        expect(mannWhitneyU(d, d).pValue).toBe(1);
        expect(kolmogorovSmirnov2(d, d).pValue).toBe(1);
      }),
      { numRuns: 80 },
    );
  });
});

describe('bootstrap intervals', () => {
  const normals = (seed: string, n: number, mu: number, sd: number): number[] => {
    const s = new RandomStream(`test/${seed}`);
    return Array.from({ length: n }, () => s.normal(mu, sd));
  };

  it('is deterministic for a seed and changes with the seed', () => {
    const x = normals('det', 40, 0, 1);
    const a = bootstrapOneSample(x, undefined, { seed: 7 });
    const b = bootstrapOneSample(x, undefined, { seed: 7 });
    const c = bootstrapOneSample(x, undefined, { seed: 8 });
    expect(a).toEqual(b);
    expect([c.lower, c.upper]).not.toEqual([a.lower, a.upper]);
  });

  it('percentile and BCa intervals for a mean approach the t interval for normal data', () => {
    // For n = 400 normal data, bootstrap and t intervals agree to O(1/n) relative to their width.
    const x = normals('t', 400, 5, 2);
    const t = tTestOneSample(x);
    const width = t.upper - t.lower;
    for (const method of ['percentile', 'bca'] as const) {
      const b = bootstrapOneSample(x, undefined, { seed: 1, method, resamples: 4000 });
      expect(Math.abs(b.lower - t.lower)).toBeLessThan(0.06 * width);
      expect(Math.abs(b.upper - t.upper)).toBeLessThan(0.06 * width);
    }
  });

  it('95% BCa intervals cover the true mean of skewed data about 95% of the time', () => {
    // 300 exponential samples of n = 40 (mean 1): coverage ~ Binomial(300, ~0.94): 3 sd = 0.04.
    let covered = 0;
    const reps = 300;
    for (let r = 0; r < reps; r++) {
      const s = new RandomStream(`test/cover/${r}`);
      const x = Array.from({ length: 40 }, () => s.exponential(1));
      const ci = bootstrapOneSample(x, undefined, { seed: r, resamples: 1000 });
      if (ci.lower <= 1 && 1 <= ci.upper) covered++;
    }
    // BCa for the exponential mean at n = 40 has true coverage ~0.93-0.95 (Efron & Tibshirani 1993, ch. 14).
    expect(covered / reps).toBeGreaterThan(0.88);
    expect(covered / reps).toBeLessThan(0.99);
  });

  it('paired interval of a constant shift is that shift; unpaired interval contains the true difference', () => {
    const a = normals('pa', 50, 10, 3);
    const b = a.map((v) => v + 2);
    const p = bootstrapPaired(a, b, undefined, { seed: 3 });
    expect(p.estimate).toBeCloseTo(2, 12);
    expect(p.lower).toBeCloseTo(2, 12);
    expect(p.upper).toBeCloseTo(2, 12);
    const u = bootstrapUnpaired(a, b, undefined, { seed: 3 });
    expect(u.estimate).toBeCloseTo(2, 12);
    expect(u.lower).toBeLessThan(2);
    expect(u.upper).toBeGreaterThan(2);
    // The unpaired interval must reflect the spread of each sample: about +-1.96*3*sqrt(2/50).
    expect(u.upper - u.lower).toBeGreaterThan(2 * 1.96 * 3 * Math.sqrt(2 / 50) * 0.7);
  });
});
