import { describe, expect, it } from 'vitest';
import { compactToTarget } from '../src/consensus/index.ts';
import {
  btcPerPhDay,
  hashpriceUsdPerPhDay,
  miningValueUsdPerMwYear,
  paybackDays,
  powerCostUsdPerPhDay,
  powerMw,
} from '../src/agents/economics.ts';
import { simulate } from '../src/engine/index.ts';
import { ScenarioSchema, type ScenarioInput } from '../src/scenario/schema.ts';

// Hand-computed values (worked on paper from the formulas in docs/MODEL.md) and end-to-end
// checks of the loan and AI-pivot rules at their documented thresholds.

const BITS = 0x170240c3; // difficulty 124.93T (height 953,568)
const hashes = Number((1n << 256n) / (compactToTarget(BITS).target + 1n));

describe('daily economics', () => {
  it('hashprice: 124.93T difficulty, 3.125 + 0.03 BTC, $70,000 -> ~$35.56 per PH/day', () => {
    // 1 PH/s x 86400 s / (124.93e12 x 2^32 hashes) = 1.6101e-4 blocks/day; x 3.155 BTC x $70,000.
    expect(hashpriceUsdPerPhDay(hashes, 3.155, 70_000)).toBeCloseTo(35.56, 2);
    // Difficulty x 2^32 is (1 - 2^-16) x 2^256 / target: the familiar approximation is 1.5e-5 low.
    const approx = (86_400 * 1e15 * 3.155) / (124_932_866_006_548.16 * 2 ** 32);
    expect(Math.abs(btcPerPhDay(hashes, 3.155) / approx - 1)).toBeLessThan(2e-5);
  });

  it('power cost: 17.5 J/TH at $50/MWh is $21 per PH/day; 1 EH/s at 17.5 J/TH draws 17.5 MW', () => {
    // 1 PH/s at 17.5 J/TH = 17.5 kW -> 420 kWh/day -> x $0.05/kWh = $21.
    expect(powerCostUsdPerPhDay(17.5, 50)).toBeCloseTo(21, 12);
    expect(powerCostUsdPerPhDay(21.5, 80)).toBeCloseTo(41.28, 12);
    expect(powerMw(1, 17.5)).toBe(17.5);
  });

  it('mining value per MW-year, payback', () => {
    // 1 MW at 18 J/TH hosts 55.56 PH/s; margin ($40 - 18 x 24 x 0.04 = $22.72) per PH/day x 365.
    expect(miningValueUsdPerMwYear(40, 18, 40)).toBeCloseTo((1000 / 18) * 22.72 * 365, 6);
    // $15/TH at ($40 - $15 x 24 x 0.03 ... ) : 15 J/TH at $30/MWh costs $10.8/PH/day; margin $29.2
    // per PH/day = $0.0292 per TH/day -> 513.7 days.
    expect(paybackDays(15, 40, 15, 30)).toBeCloseTo(15 / 0.0292, 6);
    expect(paybackDays(15, 10, 15, 30)).toBe(Infinity);
  });
});

// A world whose economics are constant: no fringe luck matters for the checks below, fixed price
// path, constant fee, start at an epoch boundary so the bits stay put for ~2 weeks.
function world(over: Partial<ScenarioInput>, prices: number[]): ReturnType<typeof ScenarioSchema.parse> {
  return ScenarioSchema.parse({
    name: 'econ',
    start: { date: '2026-03-01', height: 953_567, bits: '0x170240c3' },
    // Step s trades at prices[s]; the path model also wants the price at the horizon's end.
    horizonDays: prices.length,
    price: { model: 'path', pricesUsd: prices, onShort: 'hold-last' },
    fees: { model: 'constant', btcPerBlock: 0.03 },
    fringe: { hashrateEHs: 900, responsive: false },
    ...over,
  });
}

/** A borrower that earns nothing and pays nothing: its LTV moves with the price alone. */
function borrower(loan: Record<string, number>, treasuryBtc = 1000): ScenarioInput['miners'] {
  return [
    {
      name: 'borrower',
      hashrateEHs: 1,
      efficiencyJPerTH: 20,
      powerPriceUsdPerMWh: 0,
      opexUsdPerDay: 0,
      cashUsd: 0,
      // 1,000 BTC back the loan; anything above stays free in the treasury.
      treasuryBtc,
      // The pool keeps everything: mined BTC is exactly zero, so nothing can top up collateral.
      payout: { scheme: 'fpps', feeShare: 1 },
      strategy: 'hodler',
      policies: { operate: { curtail: false } },
      loan: { principalUsd: 50_000_000, originationLtv: 0.5, rateAnnual: 0, marginCallLtv: 0.7, liquidationLtv: 0.88, cureDays: 2, penaltyShare: 0.04, ...loan },
    },
  ];
}

/** Price at which LTV = ltv for debt $50M against collateral posted at 0.5 LTV at $100,000 (1,000 BTC). */
const priceAt = (ltv: number) => 50_000_000 / (1000 * ltv);

describe('BTC-backed loans at the documented LTVs', () => {
  it('opens a margin call at LTV >= 0.70, not below; liquidates when uncured for cureDays', () => {
    const prices = [100_000, priceAt(0.69), priceAt(0.699), priceAt(0.7001), priceAt(0.71), priceAt(0.71), priceAt(0.71)];
    const r = simulate(world({ miners: borrower({}) }, prices), { seed: 1, runIndex: 0 });
    const v = r.miners[0]!.values;
    expect(v.first_margin_call_day).toBe(3);
    expect(v.margin_calls).toBe(1);
    // Called on day 3, still under water on days 4 and 5: liquidated once 2 days have passed.
    expect(v.first_liquidation_day).toBe(5);
    // The lender sells debt x 1.04 worth of collateral at the day-5 price; the rest comes back.
    const sold = (50_000_000 * 1.04) / priceAt(0.71);
    expect(v.liquidated_btc).toBeCloseTo(sold, 6);
    expect(v.final_treasury_btc).toBeCloseTo(1000 - sold, 6);
    expect(v.final_debt_usd).toBe(0);
    expect(r.series.margin_calls![3]).toBe(1);
    expect(r.series.liquidations![5]).toBe(1);
  });

  it('a call cured (LTV back below 0.70) before cureDays is not liquidated', () => {
    const prices = [100_000, priceAt(0.75), priceAt(0.69), priceAt(0.69), priceAt(0.69)];
    const r = simulate(world({ miners: borrower({}) }, prices), { seed: 1, runIndex: 0 });
    const v = r.miners[0]!.values;
    expect(v.first_margin_call_day).toBe(1);
    expect(v.first_liquidation_day).toBeNull();
    expect(v.final_debt_usd).toBe(50_000_000);
  });

  it('liquidates at once at LTV >= 0.88 and not at 0.8799', () => {
    const below = simulate(world({ miners: borrower({ cureDays: 10 }) }, [100_000, priceAt(0.8799), priceAt(0.8799)]), { seed: 1, runIndex: 0 });
    expect(below.miners[0]!.values.first_liquidation_day).toBeNull();
    expect(below.miners[0]!.values.first_margin_call_day).toBe(1);
    const at = simulate(world({ miners: borrower({ cureDays: 10 }) }, [100_000, priceAt(0.8799), priceAt(0.8801)]), { seed: 1, runIndex: 0 });
    expect(at.miners[0]!.values.first_liquidation_day).toBe(2);
  });

  it('posting collateral from the treasury cures a call back to the origination LTV', () => {
    // With 1,000 BTC free in the treasury the hodler posts enough to get back to LTV 0.5.
    const p = priceAt(0.75);
    const r = simulate(world({ miners: borrower({}, 2000) }, [100_000, p, p, p, p]), { seed: 1, runIndex: 0 });
    const v = r.miners[0]!.values;
    expect(v.margin_calls).toBe(1);
    expect(v.first_liquidation_day).toBeNull();
    expect(v.final_collateral_btc).toBeCloseTo(50_000_000 / (0.5 * p), 6);
  });

  it('the deleverager sells BTC to repay once LTV passes its trigger, down to its target', () => {
    const miners = borrower({})!;
    miners[0] = { ...miners[0]!, strategy: 'deleverager', policies: { operate: { curtail: false }, treasury: { deleverageAtLtv: 0.6, deleverageToLtv: 0.3 } } };
    const p = priceAt(0.62);
    const r = simulate(world({ miners }, [100_000, priceAt(0.59), p, p]), { seed: 1, runIndex: 0 });
    const v = r.miners[0]!.values;
    // Day 1 at LTV 0.59: nothing. Day 2 at 0.62: no free treasury, so it sells x BTC of collateral
    // (released by the lender against repayment) so that (D - x p) / ((C - x) p) = 0.3.
    const C = 1000;
    const x = (50_000_000 - 0.3 * C * p) / (p * (1 - 0.3));
    expect(v.sold_btc).toBeCloseTo(x, 6);
    expect(v.final_debt_usd! / (v.final_collateral_btc! * p)).toBeCloseTo(0.3, 9);
    expect(v.margin_calls).toBe(0);
  });
});

// The AI pivot decision against hand-computed cash flows: test/agents-finance.test.ts.
