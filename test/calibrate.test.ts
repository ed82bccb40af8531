// The calibration's parts against independent truth: the Gamma epoch-span density's analytic
// moments, the prior transforms, the sampler on a known Gaussian target, R-hat/ESS on series with
// known properties, and simulation-based calibration: on "history" simulated by hashsim itself with
// known parameters, the posterior 90% interval covers the truth at the expected rate.
import { describe, expect, it } from 'vitest';
import { FringeSchema } from '../src/agents/schema.ts';
import { timespanFromBits, type History, type HistoryEpoch } from '../src/calibrate/history.ts';
import { realHistory } from '../src/calibrate/history.ts';
import { gammaLogPdf, SPAN_INTERVALS } from '../src/calibrate/likelihood.ts';
import { advanceChain, startChain } from '../src/calibrate/sampler.ts';
import { effectiveSampleSize, splitRhat } from '../src/calibrate/diagnostics.ts';
import { makeLogPosterior, parametersOf, type CalibrationSpec } from '../src/calibrate/target.ts';
import { logPriorZ, priorSd, toParameter, toUnbounded } from '../src/calibrate/transform.ts';
import { drawIndex } from '../src/calibrate/apply.ts';
import { simulate } from '../src/engine/index.ts';
import { RandomStream } from '../src/random/index.ts';
import { ScenarioSchema } from '../src/scenario/schema.ts';
import { EPOCH_BITS, EPOCH_START_TIME, FIRST_TIMED_EPOCH } from '../src/scenario/retarget-data.ts';

describe('the epoch-span likelihood', () => {
  it('Gamma(2015, tau) density integrates to 1 with mean k tau and variance k tau^2 (quadrature)', () => {
    const k = SPAN_INTERVALS;
    const tau = 600;
    const mean = k * tau;
    const sd = Math.sqrt(k) * tau;
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    const n = 20_000;
    const lo = mean - 12 * sd;
    const h = (24 * sd) / n;
    for (let i = 0; i < n; i++) {
      const x = lo + (i + 0.5) * h;
      const p = Math.exp(gammaLogPdf(x, k, tau)) * h;
      m0 += p;
      m1 += p * x;
      m2 += p * x * x;
    }
    expect(m0).toBeCloseTo(1, 9);
    expect(m1 / mean).toBeCloseTo(1, 9);
    expect((m2 - m1 * m1) / (sd * sd)).toBeCloseTo(1, 6);
  });

  it('real timespans from bits reproduce the data file realized hashrates (2,016-block consensus rule)', () => {
    // 2,016 x 600 s x new target / old target, Core's rule inverted; e.g. epoch 465 -> 1,037.7 EH/s.
    const t = timespanFromBits(EPOCH_BITS[465]!, EPOCH_BITS[466]!)!;
    expect(t).toBeGreaterThan(1_209_600 * 0.25);
    const h = realHistory('2025-01-01', [1]);
    const ep = h.epochs.find((e) => e.epoch === 465)!;
    expect(ep.timespanS).toBeCloseTo(t, 6);
  });
});

describe('prior transforms', () => {
  it('map bounded parameters to the line and back; the logistic density integrates to 1', () => {
    for (const prior of [{ dist: 'uniform', min: -3, max: 7 }, { dist: 'loguniform', min: 0.01, max: 20 }] as const) {
      for (const x of [prior.min + 0.001 * (prior.max - prior.min), (prior.min + prior.max) / 2, prior.max - 0.001 * (prior.max - prior.min)]) {
        expect(toParameter(prior, toUnbounded(prior, x))).toBeCloseTo(x, 9);
      }
    }
    let s = 0;
    for (let z = -40; z < 40; z += 0.001) s += Math.exp(logPriorZ(z)) * 0.001;
    expect(s).toBeCloseTo(1, 6);
    // Uniform(0, 12): sd = 12 / sqrt(12); loguniform sd by quadrature.
    expect(priorSd({ dist: 'uniform', min: 0, max: 12 })).toBeCloseTo(Math.sqrt(12), 12);
    const lu = { dist: 'loguniform', min: 1, max: 100 } as const;
    let m1 = 0;
    let m2 = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = Math.exp(Math.log(100) * ((i + 0.5) / n));
      m1 += x / n;
      m2 += (x * x) / n;
    }
    expect(priorSd(lu)).toBeCloseTo(Math.sqrt(m2 - m1 * m1), 4);
  });
});

describe('the adaptive Metropolis sampler', () => {
  it('recovers the mean and covariance of a correlated Gaussian (tolerance from the effective sample size)', () => {
    // Target in z: N((1, -2), [[1, 0.8 * 0.5], [0.8 * 0.5, 0.25]]) (the prior term is cancelled out).
    const mu = [1, -2];
    const s = [1, 0.5];
    const rho = 0.8;
    const lp = (z: readonly number[]) => {
      const a = (z[0]! - mu[0]!) / s[0]!;
      const b = (z[1]! - mu[1]!) / s[1]!;
      return -(a * a - 2 * rho * a * b + b * b) / (2 * (1 - rho * rho));
    };
    const settings = { iterations: 12_000, burnIn: 2_000, thin: 1 };
    const chains = [0, 1, 2, 3].map((c) => advanceChain(startChain(c, 2, 'sampler-test', lp), settings.iterations, settings, lp));
    const xs = chains.map((c) => c.samples.map((d) => d.z[0]!));
    const ys = chains.map((c) => c.samples.map((d) => d.z[1]!));
    const all = (v: number[][]) => v.flat();
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const ess = Math.min(effectiveSampleSize(xs), effectiveSampleSize(ys));
    expect(ess).toBeGreaterThan(500);
    const mx = mean(all(xs));
    const my = mean(all(ys));
    expect(Math.abs(mx - 1)).toBeLessThan((5 * 1) / Math.sqrt(ess));
    expect(Math.abs(my + 2)).toBeLessThan((5 * 0.5) / Math.sqrt(ess));
    const ax = all(xs);
    const ay = all(ys);
    const vx = mean(ax.map((x) => (x - mx) ** 2));
    const cxy = mean(ax.map((x, i) => (x - mx) * (ay[i]! - my)));
    expect(Math.abs(vx - 1)).toBeLessThan(0.15);
    expect(Math.abs(cxy / Math.sqrt(vx * mean(ay.map((y) => (y - my) ** 2))) - rho)).toBeLessThan(0.05);
    expect(splitRhat(xs)).toBeLessThan(1.05);
    // Acceptance adapted toward 0.234 (2-d).
    for (const c of chains) expect(c.accepted / c.iteration).toBeGreaterThan(0.12);
  });

  it('advancing in blocks gives the same chain as advancing at once (checkpoint/resume)', () => {
    const lp = (z: readonly number[]) => -0.5 * (z[0]! * z[0]! + (z[1]! - 1) ** 2 * 4);
    const settings = { iterations: 500, burnIn: 200, thin: 3 };
    const once = advanceChain(startChain(0, 2, 'k', lp), 500, settings, lp);
    let s = startChain(0, 2, 'k', lp);
    for (const until of [37, 100, 199, 200, 201, 350, 500]) s = JSON.parse(JSON.stringify(advanceChain(s, until, settings, lp)));
    expect(JSON.stringify(s)).toBe(JSON.stringify(once));
  });
});

describe('diagnostics', () => {
  it('ESS of an AR(1) series is near n (1 - rho) / (1 + rho); R-hat flags chains that disagree', () => {
    const rng = new RandomStream('ar1');
    const rho = 0.7;
    const chains: number[][] = [];
    for (let c = 0; c < 4; c++) {
      const x: number[] = [];
      let v = 0;
      for (let i = 0; i < 20_000; i++) {
        v = rho * v + Math.sqrt(1 - rho * rho) * rng.normal();
        x.push(v);
      }
      chains.push(x);
    }
    const expected = (4 * 20_000 * (1 - rho)) / (1 + rho);
    expect(Math.abs(effectiveSampleSize(chains) / expected - 1)).toBeLessThan(0.15);
    expect(splitRhat(chains)).toBeLessThan(1.01);
    const shifted = chains.map((c, k) => c.map((x) => x + k));
    expect(splitRhat(shifted)).toBeGreaterThan(1.5);
  });
});

describe('posterior draws per run', () => {
  it('draw indices follow the weights and depend only on (seed, run index)', () => {
    const w = [1, 0, 3];
    const counts = [0, 0, 0];
    for (let r = 0; r < 4000; r++) counts[drawIndex(w, 7, r)]!++;
    expect(counts[1]).toBe(0);
    // Binomial(4000, 0.25): sd ~27.
    expect(Math.abs(counts[0]! - 1000)).toBeLessThan(5 * 27.4);
    expect(drawIndex(w, 7, 123)).toBe(drawIndex(w, 7, 123));
  });
});

// --- simulation-based calibration

/** History simulated by hashsim: the real epochs up to the start, then the run's own retargets. */
function syntheticHistory(trueMedian: number, seed: number): { history: History; from: string; to: string } {
  const from = '2024-06-01';
  const days = 200;
  const sc = ScenarioSchema.parse({
    name: 'sbc',
    start: { date: from },
    horizonDays: days,
    price: { model: 'gbm', initialUsd: 65_000, driftAnnual: 0, volAnnual: 0.9 },
    fees: { model: 'constant', btcPerBlock: 0.05 },
    rewards: 'expected',
    fringe: {
      hashrateEHs: 'realized',
      vintages: [
        { efficiencyJPerTH: 17.5, share: 0.3 },
        { efficiencyJPerTH: 25, share: 0.4 },
        { efficiencyJPerTH: 34, share: 0.3 },
      ],
      powerPrice: { medianUsdPerMWh: trueMedian },
      investment: { enabled: false },
    },
  });
  const retargets: { height: number; bits: number; time: number }[] = [];
  const r = simulate(sc, { seed, runIndex: 0, onRetarget: (height, _old, bits, time) => retargets.push({ height, bits, time }) });
  const epochs: HistoryEpoch[] = [];
  const firstSim = retargets[0]!.height / 2016;
  for (let e = FIRST_TIMED_EPOCH; e < firstSim; e++) {
    epochs.push({ epoch: e, bits: EPOCH_BITS[e]!, startTime: EPOCH_START_TIME[e - FIRST_TIMED_EPOCH]!, timespanS: null });
  }
  // The epoch running at the start: its real bits; the realized start uses the one before it.
  const before = epochs[epochs.length - 2]!;
  epochs[epochs.length - 2] = { ...before, timespanS: timespanFromBits(before.bits, EPOCH_BITS[before.epoch + 1]!) };
  retargets.forEach((rt, k) => {
    const next = retargets[k + 1];
    epochs.push({ epoch: rt.height / 2016, bits: rt.bits, startTime: rt.time, timespanS: next ? timespanFromBits(rt.bits, next.bits) : null });
  });
  return { history: { epochs, firstDate: from, pricesUsd: Array.from(r.series.price_usd!) }, from, to: `2024-12-${String(1 + 16).padStart(2, '0')}` };
}

describe('simulation-based calibration', () => {
  it('the 90% posterior interval of the power-price median covers the true value at the nominal rate', () => {
    const prior = { dist: 'uniform', min: 25, max: 75 } as const;
    const truthRng = new RandomStream('sbc-truth');
    const K = 14;
    let covered = 0;
    let sdRatio = 0;
    for (let k = 0; k < K; k++) {
      // The truth is drawn from the prior (SBC), the history simulated with it.
      const truth = toParameter(prior, toUnbounded(prior, prior.min + (prior.max - prior.min) * truthRng.uniform()));
      const { history, from, to } = syntheticHistory(truth, 100 + k);
      const base = FringeSchema.parse({
        hashrateEHs: 1,
        vintages: [
          { efficiencyJPerTH: 17.5, share: 0.3 },
          { efficiencyJPerTH: 25, share: 0.4 },
          { efficiencyJPerTH: 34, share: 0.3 },
        ],
        investment: { enabled: false },
      });
      const spec: CalibrationSpec = {
        name: 'sbc',
        seed: k,
        parameters: [{ path: 'fringe.powerPrice.medianUsdPerMWh', prior }],
        modelErrorLog: 0,
        windows: [{ from, to, feeBtcPerBlock: 0.05 }],
        baseFringe: base,
        fleetAtStart: 'base',
        history,
        sampler: { chains: 2, iterations: 700, burnIn: 250, thin: 3, block: 700 },
      };
      const lp = makeLogPosterior(spec);
      const draws = [0, 1]
        .map((c) => advanceChain(startChain(c, 1, `sbc-${k}`, lp), 700, spec.sampler, lp))
        .flatMap((s) => s.samples.map((d) => parametersOf(spec, d.z)[0]!))
        .sort((a, b) => a - b);
      const lo = draws[Math.floor(0.05 * draws.length)]!;
      const hi = draws[Math.ceil(0.95 * draws.length) - 1]!;
      if (truth >= lo && truth <= hi) covered++;
      const m = draws.reduce((a, b) => a + b, 0) / draws.length;
      sdRatio += Math.sqrt(draws.reduce((a, b) => a + (b - m) ** 2, 0) / draws.length) / priorSd(prior) / K;
    }
    // Binomial(14, 0.9): P(X <= 9) ~ 0.9%. The data must also be informative (not just the prior back).
    expect(covered).toBeGreaterThanOrEqual(10);
    expect(sdRatio).toBeLessThan(0.5);
  });
});
