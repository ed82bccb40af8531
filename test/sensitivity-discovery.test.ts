import { describe, expect, it } from 'vitest';
import { binomialSf, cart, prim } from '../src/sweep/prim.ts';
import { OutcomeError, parseOutcome, type OutcomeRef } from '../src/sweep/outcome.ts';
import { deriveStream } from '../src/random/index.ts';

// Scenario discovery (PRIM, CART) on synthetic data with a planted box, and outcome expressions.

function planted(seed: number, n: number, noiseIn: number, noiseOut: number) {
  // Box of interest: 0.2 <= x1 <= 0.5 and x2 >= 0.6 (mass 0.12); x3 irrelevant. Inside, a row is of
  // interest with probability 1 - noiseIn; outside with probability noiseOut.
  const s = deriveStream({ seed, scenario: 'test', runIndex: 0, component: 'prim' });
  const x = [0, 1, 2].map(() => new Float64Array(n));
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of x) c[i] = s.uniform();
    const inBox = x[0]![i]! >= 0.2 && x[0]![i]! <= 0.5 && x[1]![i]! >= 0.6;
    y[i] = s.uniform() < (inBox ? 1 - noiseIn : noiseOut) ? 1 : 0;
  }
  return { x, y };
}

describe('PRIM', () => {
  it('finds a planted box with the expected coverage and density', () => {
    const noiseIn = 0.05;
    const noiseOut = 0.02;
    const { x, y } = planted(1, 3000, noiseIn, noiseOut);
    const r = prim(x, y, { threshold: 0.9 });
    // The planted box has density 1 - noiseIn and coverage 0.12 (1 - noiseIn) / (0.12 (1 - noiseIn) + 0.88 noiseOut).
    const density = 1 - noiseIn;
    const coverage = (0.12 * density) / (0.12 * density + 0.88 * noiseOut);
    expect(r.thresholdMet).toBe(true);
    expect(r.box.restricted).toEqual([0, 1]);
    expect(r.box.lo[0]).toBeGreaterThan(0.15);
    expect(r.box.lo[0]).toBeLessThan(0.25);
    expect(r.box.hi[0]).toBeGreaterThan(0.45);
    expect(r.box.hi[0]).toBeLessThan(0.55);
    expect(r.box.lo[1]).toBeGreaterThan(0.55);
    expect(r.box.lo[1]).toBeLessThan(0.65);
    expect(r.box.hi[1]).toBe(r.trajectory[0]!.hi[1]);
    expect(Math.abs(r.box.density - density)).toBeLessThan(0.06);
    expect(Math.abs(r.box.coverage - coverage)).toBeLessThan(0.06);
    // The trajectory starts with everything and trades coverage for density.
    expect(r.trajectory[0]!.coverage).toBe(1);
    expect(r.trajectory[0]!.mass).toBe(1);
    expect(r.trajectory[0]!.density).toBeCloseTo(r.baseRate, 12);
    expect(r.trajectory.at(-1)!.mass).toBeGreaterThanOrEqual(0.05);
    // Both restrictions matter (tiny quasi-p-values).
    for (const q of r.quasiP) expect(q.p).toBeLessThan(1e-6);
  });

  it('peels rows with equal values together (grid-like designs) and falls back to the densest box', () => {
    const n = 400;
    const x = [Float64Array.from({ length: n }, (_, i) => i % 4), Float64Array.from({ length: n }, (_, i) => Math.floor(i / 4) % 5)];
    // Of interest: half of the rows where x1 = 3 (density 0.5 at best: threshold 0.8 is never met).
    const y = Uint8Array.from({ length: n }, (_, i) => (i % 4 === 3 && i % 8 === 7 ? 1 : 0));
    const r = prim(x, y, { threshold: 0.8, minMass: 0.05 });
    expect(r.thresholdMet).toBe(false);
    expect(r.box.lo[0]).toBe(3);
    expect(r.box.density).toBeCloseTo(0.5, 12);
    expect(r.box.coverage).toBe(1);
  });

  it('binomial tail probabilities', () => {
    expect(binomialSf(0, 10, 0.3)).toBe(1);
    expect(binomialSf(11, 10, 0.3)).toBe(0);
    expect(binomialSf(10, 10, 0.5)).toBeCloseTo(1 / 1024, 12);
    expect(binomialSf(3, 5, 0.5)).toBeCloseTo(0.5, 12);
  });
});

describe('CART', () => {
  it('finds the planted box as the leaf of interest', () => {
    const { x, y } = planted(2, 3000, 0, 0);
    const r = cart(x, y, { maxDepth: 3, minLeaf: 0.02 });
    expect(r.accuracy).toBeGreaterThan(0.99);
    const leaves = r.leaves.filter((l) => l.predicted);
    expect(leaves.length).toBe(1);
    const l = leaves[0]!;
    expect(l.lo[0]).toBeCloseTo(0.2, 1);
    expect(l.hi[0]).toBeCloseTo(0.5, 1);
    expect(l.lo[1]).toBeCloseTo(0.6, 1);
    expect(l.hi[1]).toBeNull();
    expect(l.lo[2]).toBeNull();
    expect(l.coverage).toBeGreaterThan(0.98);
  });
});

describe('outcome expressions', () => {
  const vals: Record<string, number | null> = { final_hashrate_ehs: 750, mw_pivoted: 0, first_liquidation_day: null, final_price_usd: 60000 };
  const run = (expr: string, miner: Record<string, number | null> = {}) =>
    parseOutcome(expr).evaluate((r: OutcomeRef) => (r.kind === 'run' ? (vals[r.metric] ?? null) : r.kind === 'miner' ? (miner[`${r.miner}.${r.field}`] ?? null) : null));

  it('evaluate comparisons, logic, arithmetic and null', () => {
    expect(run('final_hashrate_ehs < 800')).toBe(true);
    expect(run('final_hashrate_ehs < 800 and mw_pivoted > 0')).toBe(false);
    expect(run('final_hashrate_ehs >= 800 || not (mw_pivoted > 0)')).toBe(true);
    expect(run('final_price_usd * 2 - 1_000 == 119e3')).toBe(true);
    expect(run('-final_hashrate_ehs > -1000')).toBe(true);
    expect(run('first_liquidation_day != null')).toBe(false);
    expect(run('first_liquidation_day == null')).toBe(true);
    expect(run('first_liquidation_day < 100')).toBe(false);
    expect(run('first_liquidation_day + 1 > 0')).toBe(false);
    expect(run('miner("MARA").liquidations > 0', { 'MARA.liquidations': 2 })).toBe(true);
    expect(run("miner['Cango'].exit_day != null", {})).toBe(false);
  });

  it('know their scope and the miners they read', () => {
    expect(parseOutcome('final_hashrate_ehs < 800').scope).toBe('run');
    expect(parseOutcome('final_hashrate_ehs_mean < 800').scope).toBe('point');
    const o = parseOutcome('miner("MARA").liquidations > 0 or miner("Riot").liquidations > 0');
    expect(o.miners).toEqual(['MARA', 'Riot']);
  });

  it('reject unknown metrics and bad syntax with the position', () => {
    const err = (e: string): OutcomeError => {
      try {
        parseOutcome(e);
      } catch (x) {
        expect(x).toBeInstanceOf(OutcomeError);
        return x as OutcomeError;
      }
      throw new Error(`no error for ${e}`);
    };
    expect(err('final_hashrate < 800').message).toMatch(/unknown metric "final_hashrate" \(did you mean "final_hashrate_ehs"/);
    expect(err('final_hashrate < 800').position).toBe(0);
    expect(err('mw_pivoted > 0 and hashrat_ehs_mean < 2').position).toBe(19);
    expect(err('final_hashrate_ehs = 800').message).toMatch(/use "==" to compare/);
    expect(err('final_hashrate_ehs').message).toMatch(/expected a condition/);
    expect(err('1 < 2 < 3').message).toMatch(/cannot be chained/);
    expect(err('(mw_pivoted > 0').message).toMatch(/expected "\)"/);
    expect(err('miner("MARA").liquidation > 0').message).toMatch(/unknown miner outcome field "liquidation".*did you mean "liquidations"/);
    expect(err('final_hashrate_ehs_mean < 800 and mw_pivoted > 0').message).toMatch(/mixes per-point statistics/);
    expect(err('mw_pivoted > null').message).toMatch(/null can only be compared with == or !=/);
    expect(err('').message).toMatch(/empty/);
  });
});
