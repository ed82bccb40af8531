import { describe, expect, it } from 'vitest';
import type { MinerInput } from '../src/agents/schema.ts';
import { simulate } from '../src/engine/index.ts';
import type { ScenarioInput } from '../src/scenario/schema.ts';
import { pathWorld } from './engine-fixtures.ts';

// Margin calls and liquidations are events (counted when they happen, not on every check), and the
// opening state of a keep-cash miner is already at its cash target. Expected values by hand from
// docs/MODEL.md.

function world(over: Partial<ScenarioInput>, prices: number[], horizonDays = prices.length) {
  return pathWorld('events', over, prices, horizonDays);
}

/** 1,000 BTC back a $50M loan at LTV 0.5; `free` BTC more in the treasury; earns nothing, costs nothing. */
function borrower(free: number, cureDays: number): MinerInput {
  return {
    name: 'b',
    hashrateEHs: 1,
    efficiencyJPerTH: 20,
    powerPriceUsdPerMWh: 0,
    opexUsdPerDay: 0,
    cashUsd: 0,
    treasuryBtc: 1000 + free,
    payout: { scheme: 'fpps', feeShare: 1 },
    strategy: 'hodler',
    policies: { operate: { curtail: false }, financing: { borrow: false } },
    loan: { principalUsd: 50_000_000, originationLtv: 0.5, rateAnnual: 0, marginCallLtv: 0.7, liquidationLtv: 0.88, cureDays, penaltyShare: 0.04 },
  };
}

describe('a margin call is counted once, when it opens', () => {
  it('a call that stays open for the whole cure period is one call, then one liquidation', () => {
    // LTV 0.75 from day 1, nothing free to post: the call opens on day 1 and is checked on days
    // 1..5 while open; the lender liquidates on day 1 + 5 = 6. Then no loan: nothing more happens.
    const p = 50_000_000 / (1000 * 0.75);
    const r = simulate(world({ miners: [borrower(0, 5)] }, [100_000, p], 12), { seed: 1, runIndex: 0 });
    const calls = Array.from(r.series.margin_calls!);
    const liqs = Array.from(r.series.liquidations!);
    expect(calls).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(liqs).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(r.summary.margin_calls_total).toBe(1);
    expect(r.summary.liquidations_total).toBe(1);
    expect(r.miners[0]!.values.margin_calls).toBe(1);
  });

  it('a call met by posting collateral is cured; a later fall opens a second call', () => {
    // 2,000 BTC free. Day 1: LTV 0.75 -> call 1, posting restores LTV 0.5 (cured). Days 2-3 same
    // price: no call. Day 4: price x 0.5/0.75 again -> LTV 0.75 -> call 2, cured by posting.
    const p1 = 50_000_000 / (1000 * 0.75);
    const p2 = p1 * (0.5 / 0.75);
    const r = simulate(world({ miners: [borrower(2000, 2)] }, [100_000, p1, p1, p1, p2, p2, p2]), { seed: 1, runIndex: 0 });
    expect(Array.from(r.series.margin_calls!)).toEqual([0, 1, 0, 0, 1, 0, 0]);
    expect(r.summary.liquidations_total).toBe(0);
    expect(r.summary.first_margin_call_day).toBe(1);
  });
});

describe('keep-cash: the opening state is already at the cash target', () => {
  // 10 EH/s at 20 J/TH and $50/MWh: power 10 x 1000 x 24 = $240,000 a day; opex $60,000: C = $300,000
  // a day; target 60 days = $18M; opening cash $3M (10 days). Price constant at $50,000.
  const m: MinerInput = {
    name: 'kc',
    hashrateEHs: 10,
    efficiencyJPerTH: 20,
    powerPriceUsdPerMWh: 50,
    opexUsdPerDay: 60_000,
    cashUsd: 3_000_000,
    treasuryBtc: 1000,
    strategy: 'keep-cash',
    policies: { operate: { curtail: false }, treasury: { mode: 'keep-cash', cashDays: 60 } },
  };
  const r = simulate(world({ miners: [m] }, [50_000], 4), { seed: 1, runIndex: 0 });
  const v = r.miners[0]!.values;

  it('the top-up to the target happens before the run: initial BTC = 1000 - $15M / $50,000', () => {
    expect(v.initial_btc).toBeCloseTo(1000 - 15_000_000 / 50_000, 9);
  });

  it('day 0 sells one day of costs, like every later day (no opening spike)', () => {
    const sold = Array.from(r.series.sold_btc!);
    for (const x of sold) expect(x).toBeCloseTo(300_000 / 50_000, 6);
    // BTC conservation from the (post top-up) opening BTC.
    expect(v.initial_btc! + v.mined_btc!).toBeCloseTo(v.final_treasury_btc! + v.sold_btc!, 6);
  });
});
