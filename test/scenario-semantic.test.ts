// Unit tests of the checks validate runs for the engine (src/scenario/semantic.ts) and of the
// "did you mean" suggestions (src/scenario/suggest.ts).
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/scenario/errors.ts';
import { parseScenario } from '../src/scenario/load.ts';
import { editDistance, suggestKey } from '../src/scenario/suggest.ts';
import { resolvePolicies } from '../src/agents/strategies.ts';

const MINER = { name: 'm', hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40 };

function problems(obj: unknown): string[] {
  try {
    parseScenario(obj);
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('did you mean', () => {
  it('suggests the allowed key of the same object within distance 2, ignoring case, _ and -', () => {
    expect(editDistance('pric', 'price')).toBe(1);
    expect(suggestKey([], 'horizon_days')).toBe('horizonDays');
    expect(suggestKey([], 'stepdays')).toBe('stepDays');
    expect(suggestKey(['miners', 0], 'hashrateEH')).toBe('hashrateEHs');
    expect(suggestKey(['fringe', 'investment'], 'enabeld')).toBe('enabled');
    expect(suggestKey(['price'], 'intialUsd')).toBe('initialUsd');
    expect(suggestKey([], 'completelyDifferent')).toBeUndefined();
    expect(problems({ name: 'x', miners: [{ ...MINER, hashrateEH: 1 }] })).toContain('miners[0].hashrateEH: unknown key; did you mean "hashrateEHs"?');
  });
});

describe('engine checks in validate', () => {
  it('accepts sound miners and populations', () => {
    expect(problems({ name: 'x', miners: [MINER], populations: [{ name: 'p', count: 3 }], fringe: { hashrateEHs: 900 } })).toEqual([]);
  });

  it('strategy names resolve to own keys only, in validate and in the engine', () => {
    for (const s of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(problems({ name: 'x', miners: [{ ...MINER, strategy: s }] })).toEqual([expect.stringMatching(new RegExp(`^miners\\[0\\]\\.strategy: unknown strategy "${s}"`))]);
      expect(() => resolvePolicies(s, {}, {}, 'miners[0]')).toThrow(/unknown strategy/);
    }
    expect(problems({ name: 'x', strategies: { mine: { treasury: { mode: 'hodl' } } }, miners: [{ ...MINER, strategy: 'mine' }] })).toEqual([]);
  });

  it('resolved policies are cached by object identity: other overrides or another bundle resolve anew, and the shared result is frozen', () => {
    const custom = { a: { treasury: { mode: 'hodl' as const } }, b: { treasury: { mode: 'sell-fraction' as const, sellFraction: 0.25 } } };
    const o1 = { treasury: { cashDays: 10 } };
    const o2 = { treasury: { cashDays: 20 } };
    const first = resolvePolicies('a', o1, custom, 'miners[0]');
    expect(resolvePolicies('a', o1, custom, 'miners[0]')).toBe(first);
    expect(first.treasury).toMatchObject({ mode: 'hodl', cashDays: 10 });
    // the same overrides object with another bundle, and another overrides object with the same bundle
    expect(resolvePolicies('b', o1, custom, 'miners[0]').treasury).toMatchObject({ mode: 'sell-fraction', sellFraction: 0.25, cashDays: 10 });
    expect(resolvePolicies('a', o2, custom, 'miners[0]').treasury).toMatchObject({ mode: 'hodl', cashDays: 20 });
    // an equal but distinct overrides object gives an equal result
    expect(resolvePolicies('a', { treasury: { cashDays: 10 } }, custom, 'miners[0]')).toEqual(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.treasury)).toBe(true);
    expect(() => {
      (first.treasury as { cashDays: number }).cashDays = 99;
    }).toThrow(TypeError);
    // the same objects edited in place (a notebook changing a scenario between runs) resolve anew
    o1.treasury.cashDays = 30;
    expect(resolvePolicies('a', o1, custom, 'miners[0]').treasury).toMatchObject({ mode: 'hodl', cashDays: 30 });
    custom.a.treasury = { mode: 'keep-cash' as 'hodl' };
    expect(resolvePolicies('a', o1, custom, 'miners[0]').treasury).toMatchObject({ mode: 'keep-cash', cashDays: 30 });
  });

  it('a triangular mode outside [min, max], a normal that can draw below 0, a lognormal without max that overflows', () => {
    const p = (field: string, d: unknown) => problems({ name: 'x', populations: [{ name: 'p', count: 3, [field]: d }] });
    expect(p('efficiencyJPerTH', { dist: 'triangular', min: 10, mode: 40, max: 30 })).toEqual([expect.stringMatching(/^populations\[0\]\.efficiencyJPerTH\.mode: expected min <= mode <= max/)]);
    expect(p('cashDays', { dist: 'normal', mean: 10, sd: 5 })).toEqual([expect.stringMatching(/^populations\[0\]\.cashDays\.min: required: this normal can draw/)]);
    expect(p('cashDays', { dist: 'normal', mean: 10, sd: 5, min: 0 })).toEqual([]);
    expect(p('hashrateEHs', { dist: 'lognormal', median: 1e300, sigma: 1 })).not.toEqual([]);
    expect(p('hashrateEHs', { dist: 'lognormal', median: 2, sigma: 1, max: 25 })).toEqual([]);
    expect(p('loanLtv', { dist: 'uniform', min: 0, max: 3 })).toEqual([expect.stringMatching(/^populations\[0\]\.loanLtv\.max: expected max >= 0 and <= 1/)]);
    expect(p('treasuryDays', { dist: 'beta', a: 2, b: 2, scale: 90 })).toEqual([]);
  });

  it('de-leveraging thresholds in order and at most 1', () => {
    expect(problems({ name: 'x', strategies: { d: { treasury: { deleverageAtLtv: 0.3, deleverageToLtv: 0.5 } } }, miners: [MINER] })).toEqual([
      expect.stringMatching(/^strategies\.d\.treasury\.deleverageToLtv: expected less than deleverageAtLtv/),
    ]);
    expect(problems({ name: 'x', miners: [{ ...MINER, policies: { treasury: { deleverageAtLtv: 5 } } }] })).toEqual([
      expect.stringMatching(/^miners\[0\]\.policies\.treasury\.deleverageAtLtv: expected an LTV <= 1/),
    ]);
  });
});
