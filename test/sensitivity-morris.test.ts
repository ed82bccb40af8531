import { describe, expect, it } from 'vitest';
import { morrisUnit } from '../src/sweep/design.ts';
import { morrisIndices } from '../src/sweep/sensitivity.ts';
import { deriveStream } from '../src/random/index.ts';

// Morris trajectories and elementary effects, against the Sobol G-function's analytic importance
// order (through the estimator API, no engine).

const stream = (c: string) => deriveStream({ seed: 2026, scenario: 'test', runIndex: 0, component: c });

describe('Morris trajectories', () => {
  it('move one parameter per step by ±delta on the p-level grid inside [0, 1], each parameter once', () => {
    for (const [r, k, p] of [
      [5, 3, 4],
      [8, 6, 6],
      [3, 1, 2],
    ] as const) {
      const m = morrisUnit(11, r, k, p);
      expect(m.delta).toBeCloseTo(p / (2 * (p - 1)), 15);
      expect(m.unit.length).toBe(k);
      for (let t = 0; t < r; t++) {
        expect([...m.factor[t]!].sort()).toEqual(Array.from({ length: k }, (_, i) => i));
        for (let s = 0; s <= k; s++) {
          for (let d = 0; d < k; d++) {
            const u = m.unit[d]![t * (k + 1) + s]!;
            expect(u).toBeGreaterThanOrEqual(0);
            expect(u).toBeLessThanOrEqual(1);
            const level = u * (p - 1);
            expect(Math.abs(level - Math.round(level))).toBeLessThan(1e-9);
          }
          if (s === 0) continue;
          const f = m.factor[t]![s - 1]!;
          for (let d = 0; d < k; d++) {
            const diff = m.unit[d]![t * (k + 1) + s]! - m.unit[d]![t * (k + 1) + s - 1]!;
            if (d === f) expect(diff).toBeCloseTo(m.sign[t]![s - 1]! * m.delta, 12);
            else expect(diff).toBe(0);
          }
        }
      }
    }
  });

  it('are reproducible from the seed', () => {
    expect(morrisUnit(3, 4, 3, 4)).toEqual(morrisUnit(3, 4, 3, 4));
    expect(morrisUnit(3, 4, 3, 4).unit).not.toEqual(morrisUnit(4, 4, 3, 4).unit);
  });
});

describe('Morris elementary effects', () => {
  it('are exact for a linear function (mu = mu* = slope, sigma = 0)', () => {
    const m = morrisUnit(5, 6, 3, 4);
    const slope = [2, -5, 0];
    const y = Float64Array.from({ length: 6 * 4 }, (_, i) => slope.reduce((s, b, d) => s + b * m.unit[d]![i]!, 1));
    const r = morrisIndices(y, { r: 6, k: 3, delta: m.delta, factor: m.factor, sign: m.sign }, { resamples: 200, stream: stream('lin') });
    slope.forEach((b, i) => {
      expect(r.mu[i]!.estimate).toBeCloseTo(b, 10);
      expect(r.muStar[i]!.estimate).toBeCloseTo(Math.abs(b), 10);
      expect(r.sigma[i]!.estimate).toBeCloseTo(0, 10);
    });
    expect(r.effects).toEqual([6, 6, 6]);
  });

  it('mu* ranks the G-function parameters in the analytic order (a = 0, 1, 4.5, 9, then four of 99)', () => {
    // Importance falls as a_i grows: V_i = 1 / (3 (1 + a_i)^2). Parameters 5-8 (a = 99) are
    // negligible and tied.
    const A = [0, 1, 4.5, 9, 99, 99, 99, 99];
    const k = A.length;
    const r = 20;
    const m = morrisUnit('g-function', r, k, 4);
    const y = new Float64Array(r * (k + 1));
    for (let i = 0; i < y.length; i++) {
      let p = 1;
      for (let d = 0; d < k; d++) p *= (Math.abs(4 * m.unit[d]![i]! - 2) + A[d]!) / (1 + A[d]!);
      y[i] = p;
    }
    const res = morrisIndices(y, { r, k, delta: m.delta, factor: m.factor, sign: m.sign }, { resamples: 500, stream: stream('g') });
    const mu = res.muStar.map((e) => e.estimate);
    expect(mu[0]).toBeGreaterThan(mu[1]!);
    expect(mu[1]).toBeGreaterThan(mu[2]!);
    expect(mu[2]).toBeGreaterThan(mu[3]!);
    for (let i = 4; i < k; i++) expect(mu[i]).toBeLessThan(mu[3]! / 3);
    // The intervals of the four influential ones do not reach the negligible ones.
    const maxNegligible = Math.max(...res.muStar.slice(4).map((e) => e.high));
    for (let i = 0; i < 4; i++) expect(res.muStar[i]!.low).toBeGreaterThan(maxNegligible);
    // Missing outputs drop the effects they enter.
    y[0] = NaN;
    const dropped = morrisIndices(y, { r, k, delta: m.delta, factor: m.factor, sign: m.sign }, { resamples: 100, stream: stream('g') });
    expect(dropped.effects.reduce((a, b) => a + b, 0)).toBe(r * k - 1);
  });
});
