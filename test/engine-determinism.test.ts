import { describe, expect, it, vi } from 'vitest';
import { MinerSchema } from '../src/agents/schema.ts';
import { NetworkSupply } from '../src/agents/supply.ts';
import { buildAgentState, REC, R_CASH_USD } from '../src/agents/state.ts';
import { HashsimError } from '../src/errors.ts';
import { simulate, type RunResult } from '../src/engine/index.ts';
import { checkFinite } from '../src/engine/loop.ts';
import { deriveStream } from '../src/random/index.ts';
import { ScenarioSchema, type ScenarioInput } from '../src/scenario/schema.ts';

const input: ScenarioInput = {
  name: 'det',
  horizonDays: 120,
  price: { model: 'gbm', initialUsd: 70_000, volAnnual: 0.6 },
  fees: { model: 'lognormal', meanBtcPerBlock: 0.03, sigmaLog: 0.5 },
  miners: [
    { name: 'A', hashrateEHs: 40, efficiencyJPerTH: 19, powerPriceUsdPerMWh: 42, treasuryBtc: 20_000, loan: { principalUsd: 4e8 }, strategy: 'deleverager' },
    { name: 'B', hashrateEHs: 5, efficiencyJPerTH: 17, powerPriceUsdPerMWh: 35, payout: { scheme: 'solo' }, strategy: 'hodler' },
    { name: 'C', hashrateEHs: 30, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40, strategy: 'ai-pivoter', cashUsd: 1e9 },
  ],
  populations: [{ name: 'p', count: 200, strategy: { seller: 1, hodler: 1, expander: 1 }, loanLtv: { dist: 'uniform', min: 0, max: 0.5 }, fppsShare: 0.7 }],
  fringe: { hashrateEHs: 700 },
};

function bytes(r: RunResult): string {
  const parts: string[] = [Buffer.from(r.sampleDays.buffer).toString('base64')];
  for (const [k, v] of Object.entries(r.series)) parts.push(k, Buffer.from(v.buffer).toString('base64'));
  parts.push(JSON.stringify(r.summary), JSON.stringify(r.miners));
  return parts.join('|');
}

describe('determinism', () => {
  const sc = ScenarioSchema.parse(input);

  it('same (scenario, seed, runIndex) gives byte-identical results', () => {
    const a = simulate(sc, { seed: 11, runIndex: 3 });
    const b = simulate(ScenarioSchema.parse(structuredClone(input)), { seed: 11, runIndex: 3 });
    expect(bytes(a)).toBe(bytes(b));
  });

  it('different run indexes and seeds give different runs', () => {
    const a = bytes(simulate(sc, { seed: 11, runIndex: 0 }));
    expect(bytes(simulate(sc, { seed: 11, runIndex: 1 }))).not.toBe(a);
    expect(bytes(simulate(sc, { seed: 12, runIndex: 0 }))).not.toBe(a);
  });

  it('common random numbers: another scenario with the same seed sees the same price path', () => {
    const other = ScenarioSchema.parse({ ...input, name: 'det-variant', miners: [] });
    const a = simulate(sc, { seed: 5, runIndex: 2 });
    const b = simulate(other, { seed: 5, runIndex: 2 });
    expect(Array.from(b.series.price_usd!)).toEqual(Array.from(a.series.price_usd!));
    // A distinct crnKey decorrelates them.
    const c = simulate(other, { seed: 5, runIndex: 2, crnKey: 'other' });
    expect(Array.from(c.series.price_usd!)).not.toEqual(Array.from(a.series.price_usd!));
  });
});

describe('hard errors', () => {
  it('NaN in miner state names the run, step, day and miner', () => {
    const st = buildAgentState(
      [MinerSchema.parse({ name: 'ok', hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40 }), MinerSchema.parse({ name: 'bad', hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40 })],
      [],
      deriveStream({ seed: 1, scenario: 'x', runIndex: 0, component: 'population' }),
      { priceUsd: 70_000, btcPerPhDay: 5e-7 },
    );
    expect(() => checkFinite(st, 4, 17, 17)).not.toThrow();
    st.rec[1 * REC + R_CASH_USD] = Number.NaN;
    expect(() => checkFinite(st, 4, 17, 17)).toThrow(HashsimError);
    expect(() => checkFinite(st, 4, 17, 17)).toThrow(/run 4, step 17 \(day 17\), miner "bad": cashUsd is NaN/);
  });

  it('machines that stop being conserved in the fringe fail the run, in a long run and in a short one', () => {
    const sc = ScenarioSchema.parse(input);
    // a residual from the fringe's 41st balance on: the check at step 63 (every 32 steps) must see it
    let calls = 0;
    const spy = vi.spyOn(NetworkSupply.prototype, 'conservationResidual').mockImplementation(() => (++calls > 1 ? 5 : 0));
    try {
      expect(() => simulate(sc, { seed: 1, runIndex: 2 })).toThrow(/run 2, step 63 \(day 63\): machines not conserved .*residual 5 EH\/s.*steps 32-63/);
      // a run shorter than the interval is checked at its last step
      calls = 1;
      expect(() => simulate(ScenarioSchema.parse({ ...input, horizonDays: 10 }), { seed: 1, runIndex: 0 })).toThrow(/step 9 \(day 9\): machines not conserved.*steps 0-9/);
    } finally {
      spy.mockRestore();
    }
    expect(() => simulate(sc, { seed: 1, runIndex: 2 })).not.toThrow();
  });

  it('a strategy module returning garbage fails the run with the miner named', () => {
    const sc = ScenarioSchema.parse({
      ...input,
      populations: [],
      miners: [{ name: 'Z', hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, strategyModule: 'bad.ts' }],
    });
    expect(() => simulate(sc, { seed: 1, runIndex: 0, strategies: { 'bad.ts': { sellBtc: () => Number.NaN } } })).toThrow(/bad\.ts.*miner "Z"/);
  });
});
