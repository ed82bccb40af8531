import { describe, expect, it } from 'vitest';
import { deriveStream, type RandomStream } from '../src/random/index.ts';

/**
 * Moments of seeded samples against their analytic values. Tolerances are 5 standard errors for
 * the sample size: SE(mean) = sigma / sqrt(n); SE(variance) = sqrt((mu4 - sigma^4) / n), with the
 * fourth central moment estimated from the sample.
 */
const N = 200_000;
const Z = 5;

function stream(component: string): RandomStream {
  return deriveStream({ seed: 424242, scenario: 'moments', runIndex: 0, component });
}

function sample(n: number, f: () => number): Float64Array {
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = f();
  return xs;
}

function checkMoments(xs: Float64Array, mean: number, variance: number): void {
  const n = xs.length;
  let m = 0;
  for (const x of xs) m += x;
  m /= n;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= n - 1;
  m4 /= n;
  const seMean = Math.sqrt(variance / n);
  const seVar = Math.sqrt(Math.max(m4 - m2 * m2, 0) / n);
  expect(Math.abs(m - mean), `mean ${m} vs ${mean}`).toBeLessThan(Z * seMean);
  expect(Math.abs(m2 - variance), `variance ${m2} vs ${variance}`).toBeLessThan(Z * seVar);
}

/**
 * Pearson chi-square of observed counts against expected probabilities (bins with expected count
 * >= 20, the rest pooled). Under the null it has mean df and sd sqrt(2 df): allow df + 5 sd.
 */
function checkChiSquare(counts: Map<number, number>, pmf: (k: number) => number, kMax: number, n: number): void {
  let chi = 0;
  let df = -1;
  let pooledObs = 0;
  let pooledExp = 0;
  let seen = 0;
  for (let k = 0; k <= kMax; k++) {
    const e = pmf(k) * n;
    const o = counts.get(k) ?? 0;
    seen += o;
    if (e >= 20) {
      chi += ((o - e) * (o - e)) / e;
      df++;
    } else {
      pooledObs += o;
      pooledExp += e;
    }
  }
  pooledObs += n - seen;
  pooledExp = Math.max(0, n - Array.from({ length: kMax + 1 }, (_, k) => pmf(k) * n).reduce((a, b) => a + b, 0)) + pooledExp;
  if (pooledExp >= 5) {
    chi += ((pooledObs - pooledExp) * (pooledObs - pooledExp)) / pooledExp;
    df++;
  } else {
    expect(pooledObs).toBeLessThan(pooledExp + Z * Math.sqrt(pooledExp) + Z);
  }
  expect(df).toBeGreaterThan(3);
  expect(chi, `chi-square ${chi} with ${df} df`).toBeLessThan(df + Z * Math.sqrt(2 * df));
}

function logFactorial(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}
const poissonPmf = (lambda: number) => (k: number) => Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));

describe('distribution moments (5 standard errors at n = 200000)', () => {
  it('uniform', () => {
    const s = stream('uniform');
    checkMoments(sample(N, () => s.uniform()), 0.5, 1 / 12);
    checkMoments(sample(N, () => s.uniformRange(-2, 6)), 2, 64 / 12);
  });

  it('int(n) is uniform on 0..n-1', () => {
    const s = stream('int');
    const counts = new Map<number, number>();
    for (let i = 0; i < N; i++) {
      const k = s.int(37);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(Math.min(...counts.keys())).toBe(0);
    expect(Math.max(...counts.keys())).toBe(36);
    checkChiSquare(counts, () => 1 / 37, 36, N);
  });

  it('normal', () => {
    const s = stream('normal');
    checkMoments(sample(N, () => s.normal()), 0, 1);
    checkMoments(sample(N, () => s.normal(2, 3)), 2, 9);
  });

  it('exponential', () => {
    const s = stream('exponential');
    checkMoments(sample(N, () => s.exponential(2.5)), 0.4, 0.16);
  });

  for (const lambda of [0.2, 3.7, 29.5]) {
    it(`poisson small-lambda branch (lambda = ${lambda})`, () => {
      const s = stream(`poisson-${lambda}`);
      const xs = sample(N, () => s.poisson(lambda));
      checkMoments(xs, lambda, lambda);
      const counts = new Map<number, number>();
      for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
      if (lambda > 1) checkChiSquare(counts, poissonPmf(lambda), Math.ceil(lambda * 3 + 10), N);
    });
  }

  for (const lambda of [30, 57.3, 1000, 144.7 * 24]) {
    it(`poisson PTRS branch (lambda = ${lambda})`, () => {
      const s = stream(`poisson-${lambda}`);
      const xs = sample(N, () => s.poisson(lambda));
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      checkMoments(xs, lambda, lambda);
      const counts = new Map<number, number>();
      for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
      checkChiSquare(counts, poissonPmf(lambda), Math.ceil(lambda + 8 * Math.sqrt(lambda)), N);
    });
  }

  it('poisson(0) is 0 and invalid lambdas throw', () => {
    const s = stream('poisson-edge');
    expect(s.poisson(0)).toBe(0);
    expect(() => s.poisson(-1)).toThrow(RangeError);
    expect(() => s.poisson(Number.NaN)).toThrow(RangeError);
    expect(() => s.poisson(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('lognormal', () => {
    const s = stream('lognormal');
    const mu = 0.1;
    const sigma = 0.5;
    checkMoments(
      sample(N, () => s.lognormal(mu, sigma)),
      Math.exp(mu + (sigma * sigma) / 2),
      (Math.exp(sigma * sigma) - 1) * Math.exp(2 * mu + sigma * sigma),
    );
  });

  for (const [shape, scale] of [
    [2.5, 1.5],
    [0.4, 2],
    [1, 1],
  ] as const) {
    it(`gamma(shape ${shape}, scale ${scale})`, () => {
      const s = stream(`gamma-${shape}`);
      checkMoments(sample(N, () => s.gamma(shape, scale)), shape * scale, shape * scale * scale);
    });
  }

  it('beta', () => {
    const s = stream('beta');
    for (const [a, b] of [
      [2, 5],
      [0.5, 0.5],
    ] as const) {
      checkMoments(sample(N, () => s.beta(a, b)), a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1)));
    }
  });

  it('triangular', () => {
    const s = stream('triangular');
    for (const [a, c, b] of [
      [1, 2, 5],
      [0, 0, 1],
      [0, 1, 1],
    ] as const) {
      const xs = sample(N, () => s.triangular(a, c, b));
      expect(xs.every((x) => x >= a && x <= b)).toBe(true);
      checkMoments(xs, (a + b + c) / 3, (a * a + b * b + c * c - a * b - a * c - b * c) / 18);
    }
  });

  it('bernoulli', () => {
    const s = stream('bernoulli');
    const p = 0.3;
    checkMoments(sample(N, () => (s.bernoulli(p) ? 1 : 0)), p, p * (1 - p));
  });

  it('rejects invalid parameters', () => {
    const s = stream('invalid');
    expect(() => s.exponential(0)).toThrow(RangeError);
    expect(() => s.gamma(-1)).toThrow(RangeError);
    expect(() => s.triangular(2, 1, 3)).toThrow(RangeError);
    expect(() => s.int(0)).toThrow(RangeError);
    expect(() => s.int(2.5)).toThrow(RangeError);
  });
});
