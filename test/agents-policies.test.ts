import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { operate, raiseCash, StepFlows, treasuryPolicy } from '../src/agents/policies.ts';
import { FringeSchema, MinerSchema, PopulationSchema, type MinerInput } from '../src/agents/schema.ts';
import {
  buildAgentState,
  REC,
  R_ACTIVE_EHS,
  R_CASH_USD,
  R_COLLATERAL_BTC,
  R_COST_USD_PER_DAY,
  R_DEBT_USD,
  R_MINING_MW,
  R_POWER_USD_PER_DAY,
  R_SOLD_BTC,
  R_TREASURY_BTC,
} from '../src/agents/state.ts';
import type { StrategyModule } from '../src/agents/strategy-api.ts';
import { simulate } from '../src/engine/index.ts';
import { deriveStream } from '../src/random/index.ts';
import { ScenarioSchema, type ScenarioInput } from '../src/scenario/schema.ts';

const START = { priceUsd: 70_000, btcPerPhDay: 5e-7 };
const rng = () => deriveStream({ seed: 1, scenario: 'agents-test', runIndex: 0, component: 'population' });

function state(miners: MinerInput[]) {
  return buildAgentState(miners.map((m) => MinerSchema.parse(m)), [], rng(), START);
}

describe('operate / curtail', () => {
  // Three cohorts at $50/MWh: power costs 18, 24 and 30 USD per PH/day (15, 20, 25 J/TH).
  const fleet: MinerInput = {
    name: 'fleet',
    sites: [{ mw: 1000, powerPriceUsdPerMWh: 50 }],
    cohorts: [
      { hashrateEHs: 1, efficiencyJPerTH: 25 },
      { hashrateEHs: 1, efficiencyJPerTH: 15 },
      { hashrateEHs: 1, efficiencyJPerTH: 20 },
    ],
    // No spread within a cohort and no ramp limit: each cohort switches as one block (the rule's
    // limiting case; the progressive case is tested in test/supply.test.ts).
    policies: { operate: { hysteresisShare: 0.05, retireAfterCurtailedDays: 10_000, costSpreadShare: 0, rampSharePerDay: 1 } },
  };
  const costs = [30, 18, 24];

  it('switches a running cohort off below cost x 0.95 and an idle one on above cost x 1.05', () => {
    const st = state([fleet]);
    const on = () => [0, 1, 2].map((k) => st.cohortShare[k]);
    operate(st, 0, 40, 1); // everything covers its cost: all run
    expect(on()).toEqual([1, 1, 1]);
    operate(st, 0, 25, 1);
    expect(on()).toEqual([0, 1, 1]); // 25 < 30 x 0.95
    operate(st, 0, 22.9, 1);
    expect(on()).toEqual([0, 1, 1]); // 22.9 >= 24 x 0.95 = 22.8: stays on
    operate(st, 0, 22.7, 1);
    expect(on()).toEqual([0, 1, 0]);
    operate(st, 0, 25.1, 1);
    expect(on()).toEqual([0, 1, 0]); // 25.1 < 24 x 1.05 = 25.2: stays off
    operate(st, 0, 25.3, 1);
    expect(on()).toEqual([0, 1, 1]);
    expect(st.rec[0 * REC + R_ACTIVE_EHS]).toBe(2);
    // Power: 1 EH/s = 1000 PH/s at $18 + 1000 PH/s at $24 per PH/day.
    expect(st.rec[0 * REC + R_POWER_USD_PER_DAY]).toBeCloseTo(18_000 + 24_000, 6);
    expect(st.rec[0 * REC + R_MINING_MW]).toBeCloseTo(15 + 20, 9);
  });

  it('least efficient first: the running set is always the cheapest cohorts (any revenue path)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 5, max: 50, noNaN: true }), { minLength: 1, maxLength: 60 }), (path) => {
        const st = state([fleet]);
        for (const rev of path) {
          operate(st, 0, rev, 1);
          // If a costlier cohort runs, every cheaper one runs too.
          for (let a = 0; a < 3; a++) {
            for (let b = 0; b < 3; b++) {
              if (costs[a]! < costs[b]! && st.cohortShare[b] === 1) expect(st.cohortShare[a]).toBe(1);
            }
          }
        }
      }),
      { numRuns: 200, seed: 4 },
    );
  });

  it('retires a cohort curtailed for retireAfterCurtailedDays days in a row', () => {
    const st = state([{ ...fleet, policies: { operate: { retireAfterCurtailedDays: 5, costSpreadShare: 0, rampSharePerDay: 1 } } }]);
    operate(st, 0, 40, 1); // all running
    for (let d = 0; d < 4; d++) operate(st, 0, 23, 1);
    expect(st.cohortEhs[0]).toBe(1); // 25 J/TH idle 4 days
    operate(st, 0, 23, 1);
    expect(st.cohortEhs[0]).toBe(0); // 5th day: retired
    expect(st.installedEhs[0]).toBe(2);
  });
});

describe('treasury and financing', () => {
  const base: MinerInput = { name: 'm', hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, treasuryBtc: 100, cashUsd: 0 };

  it('sell-all sells what was mined, sell-fraction a share of it, hodl nothing', () => {
    const flows = new StepFlows();
    const all = state([{ ...base, strategy: 'seller' }]);
    treasuryPolicy(all, 0, 2, 50_000, flows);
    expect(all.rec[0 * REC + R_SOLD_BTC]).toBe(2);
    expect(all.rec[0 * REC + R_CASH_USD]).toBe(100_000);
    const frac = state([{ ...base, policies: { treasury: { mode: 'sell-fraction', sellFraction: 0.25 } } }]);
    treasuryPolicy(frac, 0, 2, 50_000, flows);
    expect(frac.rec[0 * REC + R_SOLD_BTC]).toBe(0.5);
    const hodl = state([{ ...base, strategy: 'hodler' }]);
    treasuryPolicy(hodl, 0, 2, 50_000, flows);
    expect(hodl.rec[0 * REC + R_SOLD_BTC]).toBe(0);
  });

  it('keep-cash sells just enough BTC to hold cashDays of costs', () => {
    const st = state([{ ...base, policies: { treasury: { mode: 'keep-cash', cashDays: 10 } } }]);
    st.rec[0 * REC + R_COST_USD_PER_DAY] = 20_000;
    st.rec[0 * REC + R_CASH_USD] = 50_000;
    treasuryPolicy(st, 0, 0, 50_000, new StepFlows());
    expect(st.rec[0 * REC + R_CASH_USD]).toBeCloseTo(200_000, 6);
    expect(st.rec[0 * REC + R_SOLD_BTC]).toBeCloseTo(3, 12);
  });

  it('sell-first sells before borrowing; borrow-first borrows at the origination LTV first', () => {
    const sf = state([{ ...base, policies: { financing: { order: 'sell-first' } } }]);
    expect(raiseCash(sf, 0, 1_000_000, 50_000, new StepFlows())).toBeCloseTo(1_000_000, 6);
    expect(sf.rec[0 * REC + R_SOLD_BTC]).toBeCloseTo(20, 9);
    expect(sf.rec[0 * REC + R_DEBT_USD]).toBe(0);
    const bf = state([{ ...base, policies: { financing: { order: 'borrow-first' } } }]);
    expect(raiseCash(bf, 0, 1_000_000, 50_000, new StepFlows())).toBeCloseTo(1_000_000, 6);
    expect(bf.rec[0 * REC + R_SOLD_BTC]).toBe(0);
    expect(bf.rec[0 * REC + R_DEBT_USD]).toBeCloseTo(1_000_000, 6);
    // Collateral posted at the default origination LTV of 0.5: $1M / (0.5 x $50k) = 40 BTC.
    expect(bf.rec[0 * REC + R_COLLATERAL_BTC]).toBeCloseTo(40, 9);
    expect(bf.rec[0 * REC + R_TREASURY_BTC]).toBeCloseTo(60, 9);
    // Borrowing capacity is the whole treasury at 0.5 LTV: $2.5M more at most, then it sells nothing
    // (all BTC is pledged).
    expect(raiseCash(bf, 0, 5_000_000, 50_000, new StepFlows())).toBeCloseTo(1_500_000, 6);
  });
});

function scenario(over: Partial<ScenarioInput>): ReturnType<typeof ScenarioSchema.parse> {
  return ScenarioSchema.parse({
    name: 'policies',
    start: { date: '2026-03-01', height: 953_567, bits: '0x170240c3' },
    horizonDays: 60,
    price: { model: 'gbm', initialUsd: 70_000, volAnnual: 0 },
    fees: { model: 'constant', btcPerBlock: 0.03 },
    fringe: { hashrateEHs: 900, responsive: false },
    rewards: 'expected',
    ...over,
  });
}

describe('expansion, exit, populations, fringe, user strategies (end to end)', () => {
  it('expands when payback < paybackDays, delivers after the lag, within site MW', () => {
    const miner: MinerInput = {
      name: 'grower',
      hashrateEHs: 5,
      efficiencyJPerTH: 20,
      powerPriceUsdPerMWh: 30,
      siteMw: 200, // 100 MW in use, 100 MW free
      cashUsd: 3e9,
      strategy: 'expander',
      policies: { expand: { paybackDays: 2000, machineUsdPerTH: 15, efficiencyJPerTH: 15, deliveryLagDays: 20, maxOrderShareOfFleet: 10 } },
    };
    const r = simulate(scenario({ miners: [miner] }), { seed: 1, runIndex: 0 });
    const h = r.series.agent_hashrate_ehs!;
    expect(h[19]).toBeCloseTo(5, 9);
    // 100 MW free / 15 J/TH = 6.667 EH/s, delivered on day 20.
    expect(h[20]).toBeCloseTo(5 + 100 / 15, 9);
    expect(r.series.mining_mw![20]).toBeCloseTo(200, 6);
    // Never beyond the site.
    for (const v of r.series.mining_mw!) expect(v).toBeLessThanOrEqual(200 + 1e-6);
    // Payback too long: no order.
    const slow = simulate(scenario({ miners: [{ ...miner, policies: { expand: { paybackDays: 10 } } }] }), { seed: 1, runIndex: 0 });
    expect(slow.series.agent_hashrate_ehs![59]).toBeCloseTo(5, 9);
  });

  it('an insolvent miner exits: its hashrate leaves and its treasury is liquidated', () => {
    const miner: MinerInput = {
      name: 'broke',
      hashrateEHs: 10,
      efficiencyJPerTH: 20,
      powerPriceUsdPerMWh: 30,
      treasuryBtc: 5,
      cashUsd: 1e6,
      opexUsdPerDay: 2e6, // far above its revenue
      policies: { financing: { borrow: false } },
    };
    const r = simulate(scenario({ miners: [miner] }), { seed: 1, runIndex: 0 });
    const v = r.miners[0]!.values;
    expect(r.miners[0]!.status).toBe('exited');
    const day = v.exit_day!;
    expect(day).toBeGreaterThanOrEqual(0);
    expect(r.series.agent_hashrate_ehs![day + 1]).toBe(0);
    expect(r.series.miners_exited![day]).toBe(1);
    expect(v.final_treasury_btc).toBe(0);
    expect(v.initial_btc! + v.mined_btc!).toBeCloseTo(v.sold_btc! + v.liquidated_btc!, 9);
  });

  it('generated populations: draws within their bounds, reproducible, uniform mean within 4 sd', () => {
    const pop = PopulationSchema.parse({
      name: 'p',
      count: 2000,
      powerPriceUsdPerMWh: { dist: 'uniform', min: 30, max: 80 },
      efficiencyJPerTH: { dist: 'triangular', min: 13.5, mode: 18, max: 30 },
      hashrateEHs: { dist: 'lognormal', median: 0.05, sigma: 1, max: 2 },
      fppsShare: 0.75,
    });
    const a = buildAgentState([], [pop], rng(), START);
    const b = buildAgentState([], [pop], rng(), START);
    expect(a.n).toBe(2000);
    expect(Array.from(a.sitePriceUsdPerMWh)).toEqual(Array.from(b.sitePriceUsdPerMWh));
    let sum = 0;
    let solo = 0;
    for (let i = 0; i < a.n; i++) {
      const p = a.sitePriceUsdPerMWh[i]!;
      expect(p).toBeGreaterThanOrEqual(30);
      expect(p).toBeLessThan(80);
      sum += p;
      solo += a.solo[i]!;
      const j = a.cohortJPerTH[a.cohortStart[i]!]!;
      expect(j).toBeGreaterThanOrEqual(13.5);
      expect(j).toBeLessThanOrEqual(30);
      expect(a.cohortEhs[a.cohortStart[i]!]!).toBeLessThanOrEqual(2);
    }
    const sd = 50 / Math.sqrt(12);
    expect(Math.abs(sum / a.n - 55)).toBeLessThan((4 * sd) / Math.sqrt(a.n));
    // Solo share 0.25: binomial sd sqrt(n p q).
    expect(Math.abs(solo - 500)).toBeLessThan(4 * Math.sqrt(2000 * 0.25 * 0.75));
  });

  it('a user strategy module replaces the treasury policy and can switch machines off', () => {
    const never: StrategyModule = { sellBtc: () => 0, operate: (m) => m.setCohortOn(0, false) };
    const sc = scenario({
      miners: [{ name: 'custom', hashrateEHs: 5, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 30, treasuryBtc: 10, strategyModule: 'never.ts' }],
      horizonDays: 10,
    });
    const r = simulate(sc, { seed: 1, runIndex: 0, strategies: { 'never.ts': never } });
    expect(r.miners[0]!.values.sold_btc).toBe(0);
    expect(r.series.agent_hashrate_ehs!.every((v) => v === 0)).toBe(true);
    expect(r.miners[0]!.status).toBe('curtailing');
    expect(() => simulate(sc, { seed: 1, runIndex: 0 })).toThrow(/never\.ts/);
  });

  it('a user strategy module can choose the financing order', () => {
    const miner: MinerInput = {
      name: 'short',
      hashrateEHs: 5,
      efficiencyJPerTH: 18,
      powerPriceUsdPerMWh: 30,
      treasuryBtc: 1000,
      cashUsd: 0,
      opexUsdPerDay: 5e5,
      strategy: 'hodler',
      strategyModule: 'fin.ts',
    };
    const sc = (order: 'sell-first' | 'borrow-first') => ({ 'fin.ts': { financingOrder: () => order } satisfies StrategyModule });
    const s2 = scenario({ miners: [miner], horizonDays: 10 });
    const borrowed = simulate(s2, { seed: 1, runIndex: 0, strategies: sc('borrow-first') }).miners[0]!.values;
    const sold = simulate(s2, { seed: 1, runIndex: 0, strategies: sc('sell-first') }).miners[0]!.values;
    expect(borrowed.final_debt_usd!).toBeGreaterThan(0);
    expect(borrowed.sold_btc).toBe(0);
    expect(sold.final_debt_usd).toBe(0);
    expect(sold.sold_btc!).toBeGreaterThan(0);
  });
});
