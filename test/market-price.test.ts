import { describe, expect, it } from 'vitest';
import { deriveStream } from '../src/random/index.ts';
import { createPriceProcess, shockStep, type PriceProcess } from '../src/market/price.ts';
import { PriceModelSchema, type PriceModelInput } from '../src/market/schema.ts';

// Statistical tests: every tolerance is a multiple (Z) of the estimator's standard error for the
// sample size used, so a correct model fails with negligible probability and a wrong one fails.
const Z = 5;

const stream = (component: string, runIndex = 0) => deriveStream({ seed: 42, scenario: 'market-test', runIndex, component });
const config = (input: PriceModelInput) => PriceModelSchema.parse(input);

function logReturns(p: PriceProcess, steps: number, netSold = (_k: number) => 0): Float64Array {
  const out = new Float64Array(steps);
  let prev = p.initialUsd;
  for (let k = 1; k <= steps; k++) {
    const x = p.next(k, netSold(k));
    out[k - 1] = Math.log(x / prev);
    prev = x;
  }
  return out;
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}
function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return s / (xs.length - 1);
}
function moment(xs: ArrayLike<number>, k: number): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** k;
  return s / xs.length;
}

describe('GBM', () => {
  it('log returns have mean (mu - sigma^2/2) dt and variance sigma^2 dt', () => {
    const n = 200_000;
    for (const stepDays of [1, 7]) {
      const mu = 0.3;
      const sigma = 0.55;
      const dt = stepDays / 365;
      const r = logReturns(createPriceProcess(config({ model: 'gbm', driftAnnual: mu, volAnnual: sigma }), stream(`gbm${stepDays}`), { stepDays, horizonSteps: n }), n);
      const v = sigma * sigma * dt;
      expect(Math.abs(mean(r) - (mu - sigma * sigma / 2) * dt)).toBeLessThan(Z * Math.sqrt(v / n));
      // Var of the sample variance of normals: 2 v^2 / (n - 1).
      expect(Math.abs(variance(r) - v)).toBeLessThan(Z * v * Math.sqrt(2 / (n - 1)));
      // Normal: third central moment 0 (its sd is sqrt(15 v^3 / n)).
      expect(Math.abs(moment(r, 3))).toBeLessThan(Z * Math.sqrt((15 * v ** 3) / n));
    }
  });

  it('is deterministic per stream and differs between runs', () => {
    const c = config({ model: 'gbm' });
    const a = logReturns(createPriceProcess(c, stream('det', 0), { stepDays: 1, horizonSteps: 50 }), 50);
    const b = logReturns(createPriceProcess(c, stream('det', 0), { stepDays: 1, horizonSteps: 50 }), 50);
    const d = logReturns(createPriceProcess(c, stream('det', 1), { stepDays: 1, horizonSteps: 50 }), 50);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(d));
  });

  it('rejects out-of-order steps', () => {
    const p = createPriceProcess(config({ model: 'gbm' }), stream('order'), { stepDays: 1, horizonSteps: 5 });
    p.next(1, 0);
    expect(() => p.next(3, 0)).toThrow(RangeError);
  });
});

describe('Merton jump-diffusion', () => {
  it('matches the analytic mean and variance of log returns', () => {
    const n = 200_000;
    const c = { mu: 0.1, sigma: 0.35, lambda: 12, muJ: -0.04, delta: 0.08 };
    const dt = 1 / 365;
    const r = logReturns(
      createPriceProcess(
        config({ model: 'merton', driftAnnual: c.mu, volAnnual: c.sigma, jumpsPerYear: c.lambda, jumpMeanLog: c.muJ, jumpSdLog: c.delta }),
        stream('merton'),
        { stepDays: 1, horizonSteps: n },
      ),
      n,
    );
    const k = Math.exp(c.muJ + c.delta ** 2 / 2) - 1;
    const m = (c.mu - c.sigma ** 2 / 2 - c.lambda * k) * dt + c.lambda * dt * c.muJ;
    const v = c.sigma ** 2 * dt + c.lambda * dt * (c.muJ ** 2 + c.delta ** 2);
    expect(Math.abs(mean(r) - m)).toBeLessThan(Z * Math.sqrt(v / n));
    // Var of the sample variance: (mu4 - v^2)/n with the empirical fourth moment (jumps are fat-tailed).
    const m4 = moment(r, 4);
    expect(Math.abs(variance(r) - v)).toBeLessThan(Z * Math.sqrt((m4 - v * v) / n));
  });

  it('jumps arrive at the Poisson rate', () => {
    // Tiny diffusion and big positive jumps: a step with a jump is unmistakable. Many short paths keep
    // the price representable (the compensated drift alone would take it to 0 over centuries).
    const lambda = 6;
    const dt = 1 / 365;
    const k = Math.exp(0.5 + 0.01 ** 2 / 2) - 1;
    const c = config({ model: 'merton', driftAnnual: lambda * k, volAnnual: 0.001, jumpsPerYear: lambda, jumpMeanLog: 0.5, jumpSdLog: 0.01 });
    const r: number[] = [];
    for (let run = 0; run < 100; run++) {
      r.push(...logReturns(createPriceProcess(c, stream('merton-freq', run), { stepDays: 1, horizonSteps: 1000 }), 1000));
    }
    const n = r.length;
    const jumpSteps = r.filter((x) => x > 0.25).length;
    const p = 1 - Math.exp(-lambda * dt);
    expect(Math.abs(jumpSteps / n - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / n));
    // Jump sizes: a step with one jump moves by ~N(0.5, 0.01^2) (two jumps: ~1.0).
    const single = r.filter((x) => x > 0.25 && x < 0.75);
    expect(Math.abs(mean(single) - 0.5)).toBeLessThan(0.005);
  });
});

describe('regime switching', () => {
  it('occupies each regime in its stationary proportion with the regime returns', () => {
    const n = 300_000;
    const bull = { driftAnnual: 0.5, volAnnual: 0.4, meanDurationDays: 60 };
    const bear = { driftAnnual: -0.5, volAnnual: 0.8, meanDurationDays: 30 };
    const p = createPriceProcess(config({ model: 'regime', bull, bear, initialRegime: 'bull' }), stream('regime'), { stepDays: 1, horizonSteps: n });
    let bullSteps = 0;
    const bullR: number[] = [];
    const bearR: number[] = [];
    let prev = p.initialUsd;
    for (let k = 1; k <= n; k++) {
      const x = p.next(k, 0);
      const r = Math.log(x / prev);
      prev = x;
      if (p.regime === 'bull') {
        bullSteps++;
        bullR.push(r);
      } else bearR.push(r);
    }
    const a = 1 - Math.exp(-1 / bull.meanDurationDays);
    const b = 1 - Math.exp(-1 / bear.meanDurationDays);
    const pi = b / (a + b);
    // Occupancy of a two-state chain: variance pi(1-pi)/n * (1 + rho)/(1 - rho), rho = 1 - a - b.
    const rho = 1 - a - b;
    const se = Math.sqrt(((pi * (1 - pi)) / n) * ((1 + rho) / (1 - rho)));
    expect(Math.abs(bullSteps / n - pi)).toBeLessThan(Z * se);
    const dt = 1 / 365;
    for (const [rs, c] of [[bullR, bull], [bearR, bear]] as const) {
      const v = c.volAnnual ** 2 * dt;
      expect(Math.abs(mean(rs) - (c.driftAnnual - c.volAnnual ** 2 / 2) * dt)).toBeLessThan(Z * Math.sqrt(v / rs.length));
      expect(Math.abs(variance(rs) - v)).toBeLessThan(Z * v * Math.sqrt(2 / rs.length));
    }
  });

  it('draws the initial regime from the stationary distribution', () => {
    const runs = 4000;
    let bull = 0;
    const c = config({ model: 'regime', initialRegime: 'stationary', bull: { driftAnnual: 0, volAnnual: 0.1, meanDurationDays: 300 }, bear: { driftAnnual: 0, volAnnual: 0.1, meanDurationDays: 100 } });
    for (let i = 0; i < runs; i++) {
      // The first step's regime is the initial one with probability 1 - p_leave; use a long duration so
      // occupancy at step 1 stays at the stationary value anyway (the chain is stationary).
      const p = createPriceProcess(c, stream('regime-init', i), { stepDays: 1, horizonSteps: 1 });
      p.next(1, 0);
      if (p.regime === 'bull') bull++;
    }
    const a = 1 - Math.exp(-1 / 300);
    const b = 1 - Math.exp(-1 / 100);
    const pi = b / (a + b);
    expect(Math.abs(bull / runs - pi)).toBeLessThan(Z * Math.sqrt((pi * (1 - pi)) / runs));
  });
});

describe('OU mean-reverting log price', () => {
  it('has stationary mean ln(meanUsd), variance sigma^2/(2 kappa) and lag autocorrelation exp(-kappa dt)', () => {
    const n = 200_000;
    const kappa = 50;
    const sigma = 0.6;
    const dt = 1 / 365;
    const p = createPriceProcess(config({ model: 'ou', initialUsd: 70_000, meanUsd: 50_000, reversionPerYear: kappa, volAnnual: sigma }), stream('ou'), { stepDays: 1, horizonSteps: n + 1000 });
    for (let k = 1; k <= 1000; k++) p.next(k, 0); // burn-in: 1000 steps = 137 half-lives
    const x = new Float64Array(n);
    for (let k = 0; k < n; k++) x[k] = Math.log(p.next(1001 + k, 0));
    const rho = Math.exp(-kappa * dt);
    const v = (sigma * sigma) / (2 * kappa);
    // AR(1) sample statistics: se(mean) = sqrt(v/n * (1+rho)/(1-rho)); se(var) ~ v sqrt(2/n * (1+rho^2)/(1-rho^2)).
    expect(Math.abs(mean(x) - Math.log(50_000))).toBeLessThan(Z * Math.sqrt((v / n) * ((1 + rho) / (1 - rho))));
    expect(Math.abs(variance(x) - v)).toBeLessThan(Z * v * Math.sqrt((2 / n) * ((1 + rho * rho) / (1 - rho * rho))));
    const m = mean(x);
    let c1 = 0;
    let c0 = 0;
    for (let i = 0; i < n; i++) {
      c0 += (x[i]! - m) ** 2;
      if (i > 0) c1 += (x[i]! - m) * (x[i - 1]! - m);
    }
    // Bartlett: se(r1) ~ sqrt((1 - rho^2) / n).
    expect(Math.abs(c1 / c0 - rho)).toBeLessThan(Z * Math.sqrt((1 - rho * rho) / n));
  });
});

describe('block bootstrap', () => {
  // Input: fat-tailed, skewed daily returns (a Student-t-like mix), all distinct.
  const hist = (() => {
    const s = stream('bootstrap-input');
    const out: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const scale = s.bernoulli(0.1) ? 0.08 : 0.025;
      out.push(0.001 + scale * s.normal() + (s.bernoulli(0.02) ? -0.15 : 0));
    }
    return out;
  })();

  function ks(a: number[], b: number[]): number {
    const x = [...a].sort((p, q) => p - q);
    const y = [...b].sort((p, q) => p - q);
    let i = 0;
    let j = 0;
    let d = 0;
    while (i < x.length && j < y.length) {
      const t = Math.min(x[i]!, y[j]!);
      while (i < x.length && x[i]! <= t) i++;
      while (j < y.length && y[j]! <= t) j++;
      d = Math.max(d, Math.abs(i / x.length - j / y.length));
    }
    return d;
  }

  it('reproduces the input return distribution and keeps blocks contiguous', () => {
    const n = 60_000;
    const blockDays = 10;
    const r = Array.from(
      logReturns(createPriceProcess(config({ model: 'bootstrap', returns: hist, blockDays }), stream('bootstrap'), { stepDays: 1, horizonSteps: n }), n),
    );
    // Each output day is one input day, each drawn with probability 1/N (circular blocks). With
    // n/blockDays independent blocks, KS distance shrinks like 1/sqrt(n/blockDays).
    const blocks = n / blockDays;
    expect(ks(r, hist)).toBeLessThan(1.95 * Math.sqrt(1 / blocks + 1 / hist.length) * 1.5);
    const v = variance(hist);
    expect(Math.abs(mean(r) - mean(hist))).toBeLessThan(Z * Math.sqrt((v * blockDays) / n));
    // Map each output return back to its input day (prices round-trip through exp/log: ~1e-12 error).
    const sorted = hist.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    let worst = 0;
    const dayOf = (x: number): number => {
      let lo = 0;
      let hi = sorted.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]![0] <= x) lo = mid;
        else hi = mid;
      }
      const best = Math.abs(sorted[lo]![0] - x) < Math.abs(sorted[hi]![0] - x) ? sorted[lo]! : sorted[hi]!;
      worst = Math.max(worst, Math.abs(best[0] - x));
      return best[1];
    };
    const days = r.map(dayOf);
    expect(worst).toBeLessThan(1e-9);
    let contiguous = 0;
    for (let i = 1; i < days.length; i++) if (days[i] === (days[i - 1]! + 1) % hist.length) contiguous++;
    // Within a block every transition is contiguous: at least (blockDays - 1) / blockDays of them.
    expect(contiguous / (r.length - 1)).toBeGreaterThanOrEqual((blockDays - 1) / blockDays - 0.001);
  });

  it('demean removes the historical drift; steps sum stepDays daily returns', () => {
    const n = 20_000;
    const r = logReturns(createPriceProcess(config({ model: 'bootstrap', returns: hist, blockDays: 5, demean: true }), stream('bootstrap-demean'), { stepDays: 7, horizonSteps: n }), n);
    const v = variance(hist);
    expect(Math.abs(mean(r))).toBeLessThan(Z * Math.sqrt((7 * v * 5) / n));
    // A 7-day step's variance is ~7x the daily one (blocks of iid draws from an iid-like input).
    expect(variance(r) / v).toBeGreaterThan(5.5);
    expect(variance(r) / v).toBeLessThan(8.5);
  });
});

describe('explicit path', () => {
  const prices = Array.from({ length: 31 }, (_, i) => 100 + i);
  it('follows the CSV prices day by day and by step', () => {
    const p = createPriceProcess(config({ model: 'path', pricesUsd: prices }), stream('path'), { stepDays: 1, horizonSteps: 30 });
    expect(p.initialUsd).toBe(100);
    for (let k = 1; k <= 30; k++) expect(p.next(k, 0)).toBeCloseTo(100 + k, 9);
    const w = createPriceProcess(config({ model: 'path', pricesUsd: prices }), stream('path'), { stepDays: 10, horizonSteps: 3 });
    expect([w.next(1, 0), w.next(2, 0), w.next(3, 0)].map((x) => Math.round(x * 1e9) / 1e9)).toEqual([110, 120, 130]);
  });
  it('errors when shorter than the horizon, or holds the last price if asked', () => {
    expect(() => createPriceProcess(config({ model: 'path', pricesUsd: prices }), stream('path'), { stepDays: 1, horizonSteps: 31 })).toThrow(/31 daily prices.*needs 32/);
    const h = createPriceProcess(config({ model: 'path', pricesUsd: prices, onShort: 'hold-last' }), stream('path'), { stepDays: 1, horizonSteps: 40 });
    let last = 0;
    for (let k = 1; k <= 40; k++) last = h.next(k, 0);
    expect(last).toBeCloseTo(130, 9);
  });
});

describe('scripted shocks', () => {
  it('land on their day, on top of any model, and persist', () => {
    for (const model of ['gbm', 'merton', 'regime', 'bootstrap'] as const) {
      for (const stepDays of [1, 7]) {
        const base: PriceModelInput = model === 'bootstrap' ? { model, returns: [0.01, -0.02, 0.005, 0.03] } : { model };
        const horizonSteps = Math.ceil(200 / stepDays);
        const plain = createPriceProcess(config(base), stream(`shock-${model}`), { stepDays, horizonSteps });
        const shocked = createPriceProcess(config({ ...base, shocks: [{ day: 90, returnPct: -30 }, { day: 150, returnPct: 50 }] }), stream(`shock-${model}`), { stepDays, horizonSteps });
        for (let k = 1; k <= horizonSteps; k++) {
          const ratio = shocked.next(k, 0) / plain.next(k, 0);
          const endDay = k * stepDays;
          const expected = (endDay >= 90 ? 0.7 : 1) * (endDay >= 150 ? 1.5 : 1);
          expect(ratio).toBeCloseTo(expected, 9);
        }
      }
    }
    expect(shockStep(90, 7)).toBe(13); // the step covering days 85-91
  });

  it('on the OU model, a shock moves the state, which then reverts', () => {
    const c = { model: 'ou', volAnnual: 0, meanUsd: 70_000, initialUsd: 70_000, reversionPerYear: 10 } as const;
    const p = createPriceProcess(config({ ...c, shocks: [{ day: 10, returnPct: -50 }] }), stream('ou-shock'), { stepDays: 1, horizonSteps: 400 });
    const path = Array.from({ length: 400 }, (_, i) => p.next(i + 1, 0));
    expect(path[8]).toBeCloseTo(70_000, 6);
    expect(path[9]).toBeCloseTo(35_000, 6);
    // ln(P/theta) decays by exp(-kappa dt) per day after the shock.
    expect(Math.log(path[10]! / 70_000)).toBeCloseTo(Math.log(0.5) * Math.exp(-10 / 365), 9);
    expect(path[399]! / 70_000).toBeCloseTo(1, 3);
  });
});

describe('price impact of miner sales', () => {
  it('lowers the price by lambda * excess sales / depth, raises it on net buying, and is off by default', () => {
    // Permanent impact, baseline 450 BTC issued per day (the transient kernel: agents-finance.test.ts).
    const impact = { lambda: 0.1, dailyDepthBtc: 20_000, halfLifeDays: 30, permanentShare: 1, baselineShareOfIssuance: 1 };
    const c = (withImpact: boolean) => config({ model: 'gbm', volAnnual: 0.5, ...(withImpact ? { impact } : {}) });
    for (const stepDays of [1, 7]) {
      const sold = 4_000 * stepDays;
      const p0 = createPriceProcess(c(false), stream('impact'), { stepDays, horizonSteps: 3 });
      const p1 = createPriceProcess(c(true), stream('impact'), { stepDays, horizonSteps: 3 });
      // The impulse is per BTC sold in the step (sales over a day's depth), whatever the step's length.
      const e = Math.exp((-0.1 * (4_000 - 450) * stepDays) / 20_000);
      expect(p1.next(1, sold, 450 * stepDays) / p0.next(1, sold)).toBeCloseTo(e, 12);
      // Selling exactly what is mined has no impact; the earlier (permanent) impact persists.
      expect(p1.next(2, 450 * stepDays, 450 * stepDays) / p0.next(2, 0)).toBeCloseTo(e, 12);
      // Net buying pushes up.
      expect(p1.next(3, -1000, 450 * stepDays) / p0.next(3, 0)).toBeGreaterThan(e);
    }
    // Without impact the sales argument is ignored.
    const a = createPriceProcess(c(false), stream('impact2'), { stepDays: 1, horizonSteps: 1 }).next(1, 1e6);
    const b = createPriceProcess(c(false), stream('impact2'), { stepDays: 1, horizonSteps: 1 }).next(1, 0);
    expect(a).toBe(b);
  });
});
