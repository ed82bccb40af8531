import { describe, expect, it } from 'vitest';
import { deriveStream } from '../src/random/index.ts';
import { createFeeProcess } from '../src/market/fees.ts';
import { FeeModelSchema, type FeeModelInput } from '../src/market/schema.ts';

const Z = 5;
const stream = (component: string) => deriveStream({ seed: 7, scenario: 'fees-test', runIndex: 0, component });
const config = (input: FeeModelInput) => FeeModelSchema.parse(input);
const draw = (input: FeeModelInput, n: number, stepDays = 1, name = 'fees') => {
  const f = createFeeProcess(config(input), stream(name), { stepDays });
  return Array.from({ length: n }, (_, i) => f.next(i + 1));
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};

describe('fee models', () => {
  it('constant: the configured fee every step; default 0.03 BTC per block', () => {
    expect(new Set(draw({ model: 'constant', btcPerBlock: 0.025 }, 100))).toEqual(new Set([0.025]));
    expect(draw({ model: 'constant' }, 1)).toEqual([0.03]);
  });

  it('lognormal: mean is the configured mean, log-variance sigma^2', () => {
    const n = 100_000;
    const sigma = 0.6;
    const xs = draw({ model: 'lognormal', meanBtcPerBlock: 0.03, sigmaLog: sigma }, n);
    const sdFee = 0.03 * Math.sqrt(Math.exp(sigma * sigma) - 1);
    expect(Math.abs(mean(xs) - 0.03)).toBeLessThan(Z * (sdFee / Math.sqrt(n)));
    const logs = xs.map(Math.log);
    expect(Math.abs(mean(logs) - (Math.log(0.03) - sigma * sigma / 2))).toBeLessThan(Z * sigma / Math.sqrt(n));
    expect(Math.abs(variance(logs) - sigma * sigma)).toBeLessThan(Z * sigma * sigma * Math.sqrt(2 / n));
    expect(xs.every((x) => x > 0)).toBe(true);
  });

  it('mean-reverting: stationary log base level N(ln median, s^2/(2k))', () => {
    const n = 200_000;
    const k = 0.2;
    const s = 0.2;
    const xs = draw({ model: 'mean-reverting', medianBtcPerBlock: 0.02, reversionPerDay: k, volPerSqrtDay: s, spikesPerYear: 0 }, n);
    const logs = xs.slice(200).map(Math.log);
    const rho = Math.exp(-k);
    const v = (s * s) / (2 * k);
    const m = logs.length;
    expect(Math.abs(mean(logs) - Math.log(0.02))).toBeLessThan(Z * Math.sqrt((v / m) * ((1 + rho) / (1 - rho))));
    expect(Math.abs(variance(logs) - v)).toBeLessThan(Z * v * Math.sqrt((2 / m) * ((1 + rho * rho) / (1 - rho * rho))));
  });

  it('mean-reverting: spikes arrive at their Poisson rate, with the documented mean size and decay', () => {
    const n = 200_000;
    const rate = 20;
    const half = 3;
    const size = 2;
    // No diffusion: fee = median * (1 + spike), so spike = fee / median - 1 exactly.
    const xs = draw({ model: 'mean-reverting', medianBtcPerBlock: 0.02, volPerSqrtDay: 0, spikesPerYear: rate, spikeMeanMultiple: size, spikeHalfLifeDays: half }, n, 1, 'spikes');
    const spike = xs.map((x) => x / 0.02 - 1);
    const decay = Math.pow(0.5, 1 / half);
    let arrivals = 0;
    for (let i = 1; i < n; i++) if (spike[i]! > spike[i - 1]! * decay + 1e-12) arrivals++;
    const p = 1 - Math.exp(-rate / 365);
    expect(Math.abs(arrivals / n - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / n));
    // Stationary mean of the spike component: rate dt * size / (1 - decay).
    const expected = ((rate / 365) * size) / (1 - decay);
    const jumps: number[] = [];
    for (let i = 1; i < n; i++) if (spike[i]! > spike[i - 1]! * decay + 1e-12) jumps.push(spike[i]! - spike[i - 1]! * decay);
    // Jump sizes (sums of Exp(mean size)): mean ~ size * E[N | N >= 1].
    const eN = (rate / 365) / p;
    expect(Math.abs(mean(jumps) - size * eN)).toBeLessThan(Z * size * 1.5 / Math.sqrt(jumps.length));
    // The spike level is an AR(1) with coefficient `decay`: se(mean) = sd sqrt((1 + decay) / ((1 - decay) n)).
    const se = Math.sqrt((variance(spike) * (1 + decay)) / ((1 - decay) * n));
    expect(Math.abs(mean(spike) - expected)).toBeLessThan(Z * se);
  });
});
