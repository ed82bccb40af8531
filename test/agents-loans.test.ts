import { describe, expect, it } from 'vitest';
import { coverShortfall, spareCash, StepFlows } from '../src/agents/policies.ts';
import { MinerSchema, type MinerInput } from '../src/agents/schema.ts';
import {
  buildAgentState,
  REC,
  R_CASH_USD,
  R_COLLATERAL_BTC,
  R_COST_USD_PER_DAY,
  R_DEBT_USD,
  R_SOLD_BTC,
  R_TREASURY_BTC,
} from '../src/agents/state.ts';
import { simulate } from '../src/engine/index.ts';
import { deriveStream } from '../src/random/index.ts';
import type { ScenarioInput } from '../src/scenario/schema.ts';
import { pathWorld } from './engine-fixtures.ts';

// Loans under stress and the daily cost reserve from step 0. Expected values are worked by hand from
// the rules in docs/MODEL.md (LTV, cure period, penalty, origination LTV), not read back from
// the code.

const START = { priceUsd: 100_000, btcPerPhDay: 5e-7 };
const rng = () => deriveStream({ seed: 1, scenario: 'agents-loans', runIndex: 0, component: 'population' });
const state = (miners: MinerInput[]) => buildAgentState(miners.map((m) => MinerSchema.parse(m)), [], rng(), START);

function world(over: Partial<ScenarioInput>, prices: number[], horizonDays = prices.length) {
  return pathWorld('loans', over, prices, horizonDays);
}

describe('daily cost reserve from step 0', () => {
  it('costUsdPerDay at setup is power + opex + interest per day, worked by hand', () => {
    const st = state([
      {
        name: 'm',
        sites: [{ mw: 100, powerPriceUsdPerMWh: 50 }],
        // 2 EH/s at 20 J/TH and 1 EH/s at 30 J/TH: 40 MW + 30 MW at $50/MWh = 70 x 24 x 50 = $84,000/day.
        cohorts: [
          { hashrateEHs: 2, efficiencyJPerTH: 20 },
          { hashrateEHs: 1, efficiencyJPerTH: 30 },
        ],
        opexUsdPerDay: 10_000,
        treasuryBtc: 100,
        cashUsd: 1e6,
        // $1M at 7.3%/yr = $200/day.
        loan: { principalUsd: 1_000_000, rateAnnual: 0.073 },
        // Machines that do not curtail run in full from the start (a curtailing fleet starts at the
        // share its start revenue covers).
        policies: { operate: { curtail: false } },
      },
    ]);
    expect(st.rec[0 * REC + R_COST_USD_PER_DAY]).toBeCloseTo(84_000 + 10_000 + 200, 6);
    // Default cashDays 30: reserve $2,826,000 > cash, so nothing is spare for capex.
    expect(spareCash(st, 0)).toBe(0);
  });

  it('an AI pivot on step 0 cannot spend the cash reserve (capex from spare cash only)', () => {
    // 10 EH/s at 20 J/TH, $40/MWh: power 200 MW x 24 x 40 = $192,000/day; opex $8,000/day -> $200k/day.
    // Cash = 10 days of costs, reserve 30 days: nothing is spare, and financeCapex is off, so AI
    // (hugely profitable here) must not start on day 0 nor later (hodl: cash only falls).
    const r = simulate(
      world(
        {
          miners: [
            {
              name: 'pivoter',
              hashrateEHs: 10,
              efficiencyJPerTH: 20,
              powerPriceUsdPerMWh: 40,
              siteMw: 400,
              aiConvertibleShare: 0.5,
              opexUsdPerDay: 8_000,
              cashUsd: 2_000_000,
              treasuryBtc: 0,
              strategy: 'ai-pivoter',
              policies: {
                treasury: { mode: 'hodl' },
                aiPivot: { revenueUsdPerMwYear: 5e6, capexUsdPerMw: 1e6, financeCapex: false },
              },
            },
          ],
        },
        [70_000, 70_000, 70_000, 70_000],
      ),
      { seed: 1, runIndex: 0 },
    );
    const v = r.miners[0]!.values;
    expect(v.first_pivot_day).toBeNull();
    expect(r.summary.mw_pivoted).toBe(0);
    // Day 0 costs exactly one day of power + opex (no capex).
    expect(r.series.cash_usd![0]).toBeCloseTo(2_000_000 - 200_000, 4);
  });
});

/**
 * A borrower whose BTC is all pledged: 1,000 BTC back a $50M loan at LTV 0.5 and $100k; it earns
 * nothing (the pool keeps everything) and pays `opex` a day, no power and no interest.
 */
function pledged(cashUsd: number, opex: number, policies: MinerInput['policies'] = {}): MinerInput {
  return {
    name: 'pledged',
    hashrateEHs: 1,
    efficiencyJPerTH: 20,
    powerPriceUsdPerMWh: 0,
    opexUsdPerDay: opex,
    cashUsd,
    treasuryBtc: 1000,
    payout: { scheme: 'fpps', feeShare: 1 },
    strategy: 'hodler',
    policies: { operate: { curtail: false }, ...policies },
    loan: { principalUsd: 50_000_000, originationLtv: 0.5, rateAnnual: 0, marginCallLtv: 0.7, liquidationLtv: 0.88, cureDays: 2, penaltyShare: 0.04 },
  };
}

describe('a margin call with all BTC pledged ends in a lender liquidation, not an exit', () => {
  // LTV 0.75 from day 1 on: a call opens on day 1, nothing free to post.
  const p = 50_000_000 / (1000 * 0.75);

  it('the miner keeps its operating cash; the lender liquidates after the cure period; the miner carries on', () => {
    // $20M cash, $1M/day costs: 20 days of cash, less than the 30-day reserve, so no cash goes to the
    // lender; the call stays open and on day 1 + cureDays = 3 the lender sells debt x 1.04 of collateral.
    const r = simulate(world({ miners: [pledged(20_000_000, 1_000_000, { financing: { borrow: false } })] }, [100_000, p], 40), { seed: 1, runIndex: 0 });
    const v = r.miners[0]!.values;
    expect(v.first_margin_call_day).toBe(1);
    expect(v.first_liquidation_day).toBe(3);
    const seized = (50_000_000 * 1.04) / p;
    expect(v.liquidations).toBe(1);
    expect(v.liquidated_btc).toBeCloseTo(seized, 6);
    // The excess collateral came back and funds operations; the miner exits only when cash + that
    // BTC are spent: 20M + (1000 - seized) x p = 20M + 14.667M, at $1M a day paid at each step's end,
    // runs out at the settlement of day 34 (day 33 leaves $0.67M).
    const total = 20_000_000 + (1000 - seized) * p;
    expect(Math.floor(total / 1_000_000)).toBe(34);
    expect(v.exit_day).toBe(34);
    expect(r.series.miners_exited![33]).toBe(0);
    // BTC conservation: every BTC the miner held went to the lender or was sold.
    expect(v.liquidated_btc! + v.sold_btc!).toBeCloseTo(1000, 6);
  });

  it('with no spare cash and the call open, a cash shortfall is met from pledged BTC equity before exit', () => {
    // $0.5M cash, $1M/day: short on day 0 already. Equity 1000 x p - $50M = $16.67M keeps it alive for
    // ~17 days (the call is cured by the repayment that releases collateral).
    const r = simulate(world({ miners: [pledged(500_000, 1_000_000, { financing: { borrow: false } })] }, [100_000, p], 30), { seed: 1, runIndex: 0 });
    const v = r.miners[0]!.values;
    // Day 0 at $100k, LTV 0.5: equity $50M; the first sales keep the loan at LTV 0.5.
    expect(v.exit_day).not.toBeNull();
    // Cash 0.5M + day-0 sales at $100k keep LTV 0.5; from day 1 the price is p. Money available:
    // 0.5M + (equity left after day 0's $0.5M at 100k, revalued at p). Equity after day 0: C', D' with
    // D'/(C' 100k) = 0.5 and C' x 100k - D' = 50M - 0.5M -> C' = 990 BTC, D' = 49.5M; at p: 990 p - 49.5M.
    const equityAtP = 990 * p - 49_500_000;
    // From day 1 on it needs $1M a day: it lasts floor(equityAtP / 1M) more days after day 0.
    expect(v.exit_day).toBe(Math.floor(equityAtP / 1_000_000) + 1);
    expect(v.liquidations).toBe(0);
    expect(v.sold_btc! + v.liquidated_btc!).toBeCloseTo(1000, 6);
  });
});

describe('coverShortfall: financing order, then pledged BTC equity at the origination LTV', () => {
  const miner = (): MinerInput => ({
    name: 'm',
    hashrateEHs: 1,
    efficiencyJPerTH: 20,
    powerPriceUsdPerMWh: 40,
    treasuryBtc: 1000,
    cashUsd: 0,
    policies: { financing: { borrow: false } },
    loan: { principalUsd: 50_000_000, originationLtv: 0.5 },
  });

  it('raises the cash and leaves the loan at exactly the origination LTV', () => {
    const st = state([miner()]);
    expect(st.rec[0 * REC + R_COLLATERAL_BTC]).toBeCloseTo(1000, 9); // all pledged at LTV 0.5, $100k
    const raised = coverShortfall(st, 0, 10_000_000, 100_000, new StepFlows());
    expect(raised).toBeCloseTo(10_000_000, 4);
    // D - c p = 0.5 (C - c - x) p with x = 100 BTC for cash: c = 100 BTC repays $10M.
    expect(st.rec[0 * REC + R_DEBT_USD]).toBeCloseTo(40_000_000, 4);
    expect(st.rec[0 * REC + R_COLLATERAL_BTC]).toBeCloseTo(800, 9);
    expect(st.rec[0 * REC + R_SOLD_BTC]).toBeCloseTo(200, 9);
    expect(st.rec[0 * REC + R_CASH_USD]).toBeCloseTo(10_000_000, 4);
  });

  it('closes the loan when the shortfall exceeds the equity, and raises only the equity', () => {
    const st = state([miner()]);
    const raised = coverShortfall(st, 0, 80_000_000, 80_000, new StepFlows());
    // 1000 BTC x $80k - $50M = $30M of equity.
    expect(raised).toBeCloseTo(30_000_000, 4);
    expect(st.rec[0 * REC + R_DEBT_USD]).toBe(0);
    expect(st.rec[0 * REC + R_COLLATERAL_BTC]).toBe(0);
    expect(st.rec[0 * REC + R_SOLD_BTC]).toBeCloseTo(1000, 9);
  });

  it('sells free treasury before touching pledged BTC', () => {
    const st = state([{ ...miner(), treasuryBtc: 1100 }]);
    expect(st.rec[0 * REC + R_TREASURY_BTC]).toBeCloseTo(100, 9);
    coverShortfall(st, 0, 5_000_000, 100_000, new StepFlows());
    expect(st.rec[0 * REC + R_TREASURY_BTC]).toBeCloseTo(50, 9);
    expect(st.rec[0 * REC + R_COLLATERAL_BTC]).toBeCloseTo(1000, 9);
    expect(st.rec[0 * REC + R_DEBT_USD]).toBe(50_000_000);
  });
});
