import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aiDealNpvPerMw, aiDealPasses, type AiDealTerms, type MiningOutlook } from '../src/agents/ai-deal.ts';
import { hashpriceUsdPerPhDay, powerCostUsdPerPhDay } from '../src/agents/economics.ts';
import { drawBuilds, financeEvents, startDeal, StepFlows } from '../src/agents/policies.ts';
import { LoanSchema, MinerSchema, SecuritySchema } from '../src/agents/schema.ts';
import { buildAgentState, drawLoanTerms, REC, R_CASH_USD, R_COLLATERAL_BTC, R_DEBT_USD, R_SOLD_BTC, R_TREASURY_BTC } from '../src/agents/state.ts';
import { compactToTarget } from '../src/consensus/index.ts';
import { simulate } from '../src/engine/index.ts';
import { AttackMeter, herfindahl, PoolShares, usedUsdPerTH } from '../src/engine/security.ts';
import { createPriceProcess } from '../src/market/price.ts';
import { ImpactSchema } from '../src/market/schema.ts';
import { deriveStream } from '../src/random/index.ts';
import { ScenarioSchema, type ScenarioInput } from '../src/scenario/schema.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { scenarioForRun } from '../src/calibrate/apply.ts';

// Miner finance against independent truth (docs/MODEL.md, "AI pivot", "Financing an AI build",
// "Loans", "Price impact", "Security"): the deal's NPV against cash flows summed day by day, the
// engine's decision at the hand-computed threshold, conservation of USD and BTC through the
// financing, loan draws against their distribution's moments, the impact kernel's analytic response,
// and the attack cost and pool HHI against hand computations.

/** NPV per MW summed day by day (discount e^(-rho t), t in years), independently of ai-deal.ts. */
function npvByDays(t: AiDealTerms, o: MiningOutlook): number {
  const rho = Math.log(1 + t.costOfCapitalAnnual);
  const L = t.leadTimeDays;
  const T = t.contractYears * 365;
  const s = L * t.miningUntilShare;
  const disc = (d: number) => Math.exp((-rho * d) / 365);
  const c = powerCostUsdPerPhDay(o.jPerTH, o.powerUsdPerMWh);
  const n = 8; // sub-steps per day (midpoint rule)
  let npv = -t.capexUsdPerMw * (L > 0 ? t.upfrontCapexShare : 1);
  for (let k = 0; k < (L + 2 * T) * n; k++) {
    const d = (k + 0.5) / n;
    const w = disc(d) / n;
    if (L > 0 && d < L) npv -= ((t.capexUsdPerMw * (1 - t.upfrontCapexShare)) / L) * w;
    const weight = d < L + T ? 1 : t.renewalProbability;
    if (d >= L) npv += weight * ((t.revenueUsdPerMwYear * t.marginShare) / 365) * w;
    if (d >= s) {
      const h = o.revenueUsdPerPhDay * Math.exp((o.driftAnnual * d) / 365) * (d >= o.daysToHalving ? o.halvingRatio : 1);
      npv -= weight * (1000 / o.jPerTH) * Math.max(0, h - c) * w;
    }
  }
  return npv;
}

const TERMS: AiDealTerms = {
  revenueUsdPerMwYear: 1.65e6,
  marginShare: 0.82,
  capexUsdPerMw: 9.5e6,
  upfrontCapexShare: 0.2,
  leadTimeDays: 510,
  miningUntilShare: 0.5,
  contractYears: 12,
  renewalProbability: 0.5,
  costOfCapitalAnnual: 0.09,
};
const OUTLOOK: MiningOutlook = { revenueUsdPerPhDay: 45, driftAnnual: -0.15, daysToHalving: 760, halvingRatio: 0.505, jPerTH: 18, powerUsdPerMWh: 40 };

describe('AI deal NPV against cash flows summed day by day', () => {
  it('matches for the case-study deal, halving inside the lead time and after, zero rate, zero lead', () => {
    const cases: [AiDealTerms, MiningOutlook][] = [
      [TERMS, OUTLOOK],
      [TERMS, { ...OUTLOOK, daysToHalving: 200 }],
      [{ ...TERMS, costOfCapitalAnnual: 0 }, { ...OUTLOOK, driftAnnual: 0.1 }],
      [{ ...TERMS, leadTimeDays: 0, renewalProbability: 0 }, { ...OUTLOOK, revenueUsdPerPhDay: 20 }],
      // Mining below power cost for part of the horizon: the curtailment option (max(0, .)) binds.
      [{ ...TERMS, contractYears: 5 }, { ...OUTLOOK, revenueUsdPerPhDay: 25, driftAnnual: -0.3 }],
    ];
    for (const [t, o] of cases) {
      const exact = aiDealNpvPerMw(t, o);
      const byDays = npvByDays(t, o);
      expect(Math.abs(exact - byDays)).toBeLessThan(1e-4 * t.capexUsdPerMw);
    }
  });

  it('the case-study deal at a 9% cost of capital: hand figures', () => {
    // AI: 1.353M x PV[1.397, 13.397] at rho = ln 1.09 = 0.08618 -> 1.353M x 6.628 = 8.968M; renewal
    // 0.5 x 1.353M x PV[13.397, 25.397] = 0.5 x 1.353M x 2.364 = 1.599M. Capex: 1.9M + 7.6M x
    // PV[0, 1.397] / 1.397 = 1.9M + 7.6M x 0.9426 = 9.064M. So NPV = 10.567M - 9.064M - mining lost.
    const t = { ...TERMS };
    const noMining = aiDealNpvPerMw(t, { ...OUTLOOK, revenueUsdPerPhDay: 0 });
    expect(noMining / 1e6).toBeCloseTo(10.567 - 9.064, 1);
  });

  it('the decision is monotone in AI revenue, hashprice and cost of capital (random deals)', () => {
    const terms = fc.record({
      revenueUsdPerMwYear: fc.double({ min: 2e5, max: 4e6, noNaN: true }),
      marginShare: fc.double({ min: 0.3, max: 1, noNaN: true }),
      capexUsdPerMw: fc.double({ min: 1e6, max: 2e7, noNaN: true }),
      upfrontCapexShare: fc.double({ min: 0, max: 1, noNaN: true }),
      leadTimeDays: fc.integer({ min: 0, max: 1000 }),
      miningUntilShare: fc.double({ min: 0, max: 1, noNaN: true }),
      contractYears: fc.double({ min: 1, max: 20, noNaN: true }),
      renewalProbability: fc.double({ min: 0, max: 1, noNaN: true }),
      costOfCapitalAnnual: fc.double({ min: 0, max: 0.3, noNaN: true }),
    });
    const outlook = fc.record({
      revenueUsdPerPhDay: fc.double({ min: 0, max: 150, noNaN: true }),
      // Expected hashprice drift up to 0 (the domain where mining's cash flows come no later than AI's).
      driftAnnual: fc.double({ min: -0.6, max: 0, noNaN: true }),
      daysToHalving: fc.double({ min: 0, max: 1500, noNaN: true }),
      halvingRatio: fc.double({ min: 0.5, max: 1, noNaN: true }),
      jPerTH: fc.double({ min: 10, max: 40, noNaN: true }),
      powerUsdPerMWh: fc.double({ min: 10, max: 120, noNaN: true }),
    });
    const up = fc.double({ min: 1.001, max: 3, noNaN: true });
    fc.assert(
      fc.property(terms, outlook, up, fc.double({ min: 0, max: 0.5, noNaN: true }), (t, o, k, hurdle) => {
        const pass = (tt: AiDealTerms, oo: MiningOutlook) => aiDealPasses(aiDealNpvPerMw(tt, oo), tt.capexUsdPerMw, hurdle);
        const base = pass(t, o);
        // More AI revenue never turns a yes into a no; more hashprice never a no into a yes.
        if (base) expect(pass({ ...t, revenueUsdPerMwYear: t.revenueUsdPerMwYear * k }, o)).toBe(true);
        if (!base) expect(pass(t, { ...o, revenueUsdPerPhDay: o.revenueUsdPerPhDay * k })).toBe(false);
        // A higher cost of capital never turns a no into a yes (capex comes before the AI income).
        if (!base) expect(pass({ ...t, costOfCapitalAnnual: t.costOfCapitalAnnual * k + 0.001 }, o)).toBe(false);
      }),
      { numRuns: 500, seed: 21 },
    );
  });
});

const BITS = 0x170240c3;
const HASHES = Number((1n << 256n) / (compactToTarget(BITS).target + 1n));
const HEIGHT = 953_567;

function world(over: Partial<ScenarioInput>, days: number, price = 70_000): ReturnType<typeof ScenarioSchema.parse> {
  return ScenarioSchema.parse({
    name: 'finance',
    start: { date: '2026-03-01', height: HEIGHT, bits: '0x170240c3' },
    horizonDays: days,
    rewards: 'expected',
    price: { model: 'path', pricesUsd: [price], onShort: 'hold-last' },
    fees: { model: 'constant', btcPerBlock: 0.03 },
    fringe: { hashrateEHs: 900, responsive: false },
    ...over,
  });
}

describe('the engine signs a deal at the hand-computed threshold, and builds it as documented', () => {
  const fee = 0.02;
  const jth = 18;
  const power = 40;
  const rev = hashpriceUsdPerPhDay(HASHES, 3.125 + 0.03, 70_000) * (1 - fee);
  // The engine's halving outlook: the next halving block 1,050,000 at 600 s a block.
  const o: MiningOutlook = {
    revenueUsdPerPhDay: rev,
    driftAnnual: -0.1,
    daysToHalving: ((1_050_000 - HEIGHT) * 600) / 86_400,
    halvingRatio: (3.125 / 2 + 0.03) / (3.125 + 0.03),
    jPerTH: jth,
    powerUsdPerMWh: power,
  };
  const t: AiDealTerms = { ...TERMS, leadTimeDays: 20 };
  // NPV is linear in revenue: NPV(R) = R x a - K; the threshold from the day-by-day sums.
  const k0 = npvByDays({ ...t, revenueUsdPerMwYear: 0 }, o);
  const a1 = npvByDays({ ...t, revenueUsdPerMwYear: 1e6 }, o) - k0;
  const threshold = (-k0 / a1) * 1e6;

  function run(revenue: number, days = 30) {
    return simulate(
      world(
        {
          miners: [
            {
              name: 'pivoter',
              hashrateEHs: 10,
              efficiencyJPerTH: jth,
              powerPriceUsdPerMWh: power,
              siteMw: 200,
              aiConvertibleShare: 0.5,
              cashUsd: 5e9,
              payout: { scheme: 'fpps', feeShare: fee },
              strategy: 'ai-pivoter',
              policies: {
                aiPivot: {
                  ...t,
                  revenueUsdPerMwYear: revenue,
                  hashpriceDriftAnnual: -0.1,
                  beliefSdLog: 0,
                  reviewDays: 1,
                  trancheShare: 1,
                  financing: { prepaymentShare: 0.1, notesShare: 0.5, notesCouponAnnual: 0.05, notesTermDays: 1825 },
                },
              },
            },
          ],
        },
        days,
      ),
      { seed: 5, runIndex: 0 },
    );
  }

  it('signs on day 0 just above the threshold, not just below', () => {
    expect(run(threshold * 1.005).miners[0]!.values.first_pivot_day).toBe(0);
    expect(run(threshold * 0.995).miners[0]!.values.first_pivot_day).toBeNull();
  });

  it('mines until the shut-down day, earns after the lead time; draws sum to the capex; notes and prepayment as set', () => {
    const r = run(threshold * 1.2);
    const v = r.miners[0]!.values;
    expect(v.mw_pivoted).toBeCloseTo(100, 9);
    // Shut-down at floor(20 x 0.5) = day 10: the 180 MW of machines shrink to the 100 MW left.
    expect(r.series.agent_hashrate_ehs![9]).toBeCloseTo(10, 9);
    expect(r.series.agent_hashrate_ehs![10]).toBeCloseTo(100 / jth, 9);
    expect(r.series.ai_converting_mw![19]).toBeCloseTo(100, 9);
    expect(r.series.ai_mw![20]).toBeCloseTo(100, 9);
    expect(v.capex_usd! / (100 * 9.5e6)).toBeCloseTo(1, 12);
    expect(v.notes_issued_usd! / (0.5 * 100 * 9.5e6)).toBeCloseTo(1, 12);
    expect(v.prepayments_usd! / (0.1 * 100 * 9.5e6)).toBeCloseTo(1, 12);
  });
});

const rng = (c: string) => deriveStream({ seed: 3, scenario: 'finance', runIndex: 0, component: c });

describe('financing conserves USD and BTC', () => {
  it('a deal funded by prepayment, notes, cash and BTC sales: every dollar and coin accounted for', () => {
    fc.assert(
      fc.property(
        fc.record({
          cash: fc.double({ min: 0, max: 5e8, noNaN: true }),
          btc: fc.double({ min: 0, max: 20_000, noNaN: true }),
          prepay: fc.double({ min: 0, max: 0.5, noNaN: true }),
          notes: fc.double({ min: 0, max: 0.5, noNaN: true }),
          upfront: fc.double({ min: 0, max: 1, noNaN: true }),
          lead: fc.integer({ min: 0, max: 60 }),
          mw: fc.double({ min: 1, max: 50, noNaN: true }),
          borrowFirst: fc.boolean(),
        }),
        ({ cash, btc, prepay, notes, upfront, lead, mw, borrowFirst }) => {
          const price = 70_000;
          const st = buildAgentState(
            [
              MinerSchema.parse({
                name: 'm',
                hashrateEHs: 5,
                efficiencyJPerTH: 20,
                powerPriceUsdPerMWh: 40,
                siteMw: 200,
                aiConvertibleShare: 0.5,
                cashUsd: cash,
                treasuryBtc: btc,
                strategy: 'ai-pivoter',
                policies: {
                  financing: { order: borrowFirst ? 'borrow-first' : 'sell-first' },
                  aiPivot: { capexUsdPerMw: 1e7, upfrontCapexShare: upfront, leadTimeDays: lead, financing: { prepaymentShare: prepay, notesShare: notes } },
                },
              }),
            ],
            [],
            rng('population'),
            { priceUsd: price, btcPerPhDay: 5e-7 },
            {},
            rng('finance'),
          );
          const flows = new StepFlows();
          const c0 = st.rec[R_CASH_USD]!;
          startDeal(st, 0, 0, mw, price, 0, flows);
          for (let d = 0; d < lead + 2; d++) {
            if (d > 0) financeEvents(st, 0, d, flows, price);
            if (st.buildDrawUsdPerDay[0]! > 0) drawBuilds(st, 0, d, 1);
          }
          const drawn = st.capexDrawnUsd[0]!;
          const capex = mw * 1e7;
          // Draws sum to the deal's capex.
          expect(Math.abs(drawn - capex)).toBeLessThan(1e-6 * capex);
          // BTC: treasury + collateral + sold = the opening treasury.
          const b = st.rec[R_TREASURY_BTC]! + st.rec[R_COLLATERAL_BTC]! + st.rec[R_SOLD_BTC]!;
          expect(Math.abs(b - btc)).toBeLessThan(1e-9 * (1 + btc));
          // USD: cash now = cash before + prepayment + notes + BTC sold x price + debt - capex paid at
          // signing (the later draws leave cash in settlement, not here).
          const expected = c0 + st.prepaymentsUsd[0]! + st.notesIssuedUsd[0]! + st.rec[R_SOLD_BTC]! * price + st.rec[R_DEBT_USD]! - (lead > 0 ? capex * upfront : capex);
          expect(Math.abs(st.rec[R_CASH_USD]! - expected)).toBeLessThan(1e-6 * (1 + capex));
          expect(st.notesIssuedUsd[0]! / capex).toBeCloseTo(notes, 9);
          expect(st.prepaymentsUsd[0]! / capex).toBeCloseTo(prepay, 9);
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });

  it('an AI pivot funded from BTC sells it day by day over the build, not in one day', () => {
    const days = 60;
    const r = simulate(
      world(
        {
          miners: [
            {
              name: 'hodler',
              hashrateEHs: 10,
              efficiencyJPerTH: 18,
              // Free power and no opex: the only cash it needs is the build's.
              powerPriceUsdPerMWh: 0,
              siteMw: 200,
              aiConvertibleShare: 0.5,
              cashUsd: 0,
              treasuryBtc: 50_000,
              opexUsdPerDay: 0,
              payout: { scheme: 'fpps', feeShare: 1 },
              strategy: 'hodler',
              policies: {
                operate: { curtail: false },
                financing: { order: 'sell-first', borrow: false },
                aiPivot: {
                  enabled: true,
                  revenueUsdPerMwYear: 5e6,
                  capexUsdPerMw: 1e7,
                  leadTimeDays: 50,
                  upfrontCapexShare: 0.1,
                  beliefSdLog: 0,
                  reviewDays: 1,
                  trancheShare: 1,
                  financing: { prepaymentShare: 0, notesShare: 0 },
                },
              },
            },
          ],
        },
        days,
      ),
      { seed: 1, runIndex: 0 },
    );
    const sold = r.series.sold_btc!;
    const capex = 100 * 1e7;
    // Day 0: the upfront 10%; then 1/50 of the other 90% a day.
    expect(sold[0]! * 70_000).toBeCloseTo(0.1 * capex + (0.9 * capex) / 50, 0);
    for (let d = 1; d < 50; d++) expect(sold[d]! * 70_000).toBeCloseTo((0.9 * capex) / 50, 0);
    expect(Math.max(...sold.slice(50))).toBe(0);
  });
});

describe('loans drawn from distributions', () => {
  it('start and origination LTVs match their distributions\' moments; thresholds stay ordered', () => {
    const loan = LoanSchema.parse({
      principalUsd: 1e6,
      originationLtv: { dist: 'uniform', min: 0.4, max: 0.55 },
      startLtv: { dist: 'triangular', min: 0.3, mode: 0.5, max: 0.6 },
      marginCallLtv: { dist: 'uniform', min: 0.65, max: 0.8 },
      liquidationLtv: { dist: 'uniform', min: 0.85, max: 0.92 },
    });
    const r = rng('loans');
    const n = 20_000;
    let so = 0;
    let so2 = 0;
    let ss = 0;
    let ss2 = 0;
    for (let k = 0; k < n; k++) {
      const t = drawLoanTerms(loan, 1e6, r, 'x');
      so += t.originationLtv;
      so2 += t.originationLtv ** 2;
      ss += t.startLtv;
      ss2 += t.startLtv ** 2;
      expect(t.originationLtv < t.marginCallLtv && t.marginCallLtv < t.liquidationLtv).toBe(true);
    }
    const mo = so / n;
    const vo = so2 / n - mo * mo;
    // Uniform(0.4, 0.55): mean 0.475, variance 0.15^2 / 12.
    expect(Math.abs(mo - 0.475)).toBeLessThan(4 * Math.sqrt(0.15 ** 2 / 12 / n));
    expect(vo / (0.15 ** 2 / 12)).toBeGreaterThan(0.95);
    expect(vo / (0.15 ** 2 / 12)).toBeLessThan(1.05);
    // Triangular(0.3, 0.5, 0.6): mean 1.4 / 3, variance (a^2 + b^2 + c^2 - ab - ac - bc) / 18.
    const ms = ss / n;
    const vt = (0.09 + 0.25 + 0.36 - 0.15 - 0.18 - 0.3) / 18;
    expect(Math.abs(ms - 1.4 / 3)).toBeLessThan(4 * Math.sqrt(vt / n));
    expect((ss2 / n - ms * ms) / vt).toBeGreaterThan(0.95);
    expect((ss2 / n - ms * ms) / vt).toBeLessThan(1.05);
  });

  it('a generated population\'s opening loans stand at their drawn start LTVs', () => {
    const s = world(
      {
        populations: [
          {
            name: 'p',
            count: 400,
            treasuryDays: 60,
            loanLtv: 0.3,
            loan: { originationLtv: 0.5, startLtv: { dist: 'uniform', min: 0.35, max: 0.6 }, marginCallLtv: 0.7, liquidationLtv: 0.88 },
          },
        ],
      },
      1,
    );
    const r = simulate(s, { seed: 2, runIndex: 0 });
    // Debt / (collateral x price) at the start averages the uniform's mean 0.475.
    expect(r.summary.initial_btc).toBeGreaterThan(0);
    const st = buildAgentState([], s.populations, rng('population'), { priceUsd: 70_000, btcPerPhDay: 5e-7 }, {}, rng('finance'));
    let m = 0;
    for (let i = 0; i < st.n; i++) m += st.rec[i * REC + R_DEBT_USD]! / (st.rec[i * REC + R_COLLATERAL_BTC]! * 70_000);
    m /= st.n;
    expect(Math.abs(m - 0.475)).toBeLessThan(4 * Math.sqrt(0.25 ** 2 / 12 / st.n));
  });

  it('bad loan and deal terms get field-path errors', () => {
    const issues = (x: unknown) => {
      const r = ScenarioSchema.safeParse(x);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    const miner = (over: Record<string, unknown>) => ({ name: 'x', miners: [{ name: 'm', hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, ...over }] });
    expect(issues(miner({ policies: { aiPivot: { trancheShare: 1.5 } } })).join()).toMatch(/miners\.0\.policies\.aiPivot\.trancheShare/);
    expect(issues(miner({ policies: { aiPivot: { costOfCapitalAnnual: -1 } } })).join()).toMatch(/miners\.0\.policies\.aiPivot\.costOfCapitalAnnual/);
    expect(issues(miner({ policies: { aiPivot: { financing: { notesTermDays: 0 } } } })).join()).toMatch(/aiPivot\.financing\.notesTermDays/);
    expect(issues(miner({ policies: { aiPivot: { financing: { notesShare: 0.7, prepaymentShare: 0.5 } } } })).join()).toMatch(/aiPivot\.financing.*prepaymentShare \+ notesShare <= 1/);
    expect(issues(miner({ loan: { marginCallLtv: { dist: 'uniform', min: 0.5, max: 0.9 } } })).join()).toMatch(/miners\.0\.loan\.(marginCallLtv|liquidationLtv)/);
    expect(issues({ name: 'x', security: { pools: [{ name: 'a', share: 1.2 }] } }).join()).toMatch(/security\.pools\.0\.share/);
    expect(issues({ name: 'x', security: { pools: [{ name: 'a', share: 0.6 }, { name: 'b', share: 0.6 }] } }).join()).toMatch(/security\.pools: expected pool shares summing to at most 1/);
    expect(issues({ ...miner({ pool: 'Nope' }) }).join()).toMatch(/miners\.0\.pool: unknown pool "Nope"/);
  });
});

describe('price impact decays', () => {
  const impact = ImpactSchema.parse({ lambda: 0.1, dailyDepthBtc: 20_000, halfLifeDays: 10, permanentShare: 0.2 });
  const flat = (imp: typeof impact) =>
    createPriceProcess({ model: 'gbm', initialUsd: 100_000, driftAnnual: 0, volAnnual: 0, shocks: [], impact: imp } as never, rng('price'), { stepDays: 1, horizonSteps: 200 });

  it('a unit excess sale moves the log price by the kernel: -lambda q / depth x ((1 - perm) e^(-ln2 k / h) + perm)', () => {
    const p = flat(impact);
    const q = 4000;
    const out: number[] = [];
    for (let k = 1; k <= 60; k++) out.push(p.next(k, k === 1 ? q : 0, 0));
    for (let k = 1; k <= 60; k++) {
      const expected = ((-0.1 * q) / 20_000) * (0.8 * Math.exp((-Math.LN2 * (k - 1)) / 10) + 0.2);
      expect(Math.log(out[k - 1]! / 100_000)).toBeCloseTo(expected, 12);
    }
  });

  it('selling exactly what is mined is neutral; holding lifts the price by a bounded amount, no drift', () => {
    const p = flat(impact);
    for (let k = 1; k <= 100; k++) expect(p.next(k, 450, 450)).toBeCloseTo(100_000, 6);
    const hold = flat({ ...impact, permanentShare: 0 });
    let last = 0;
    for (let k = 1; k <= 200; k++) last = hold.next(k, 0, 450);
    // Geometric sum of the transient impulses: lambda x 450 / depth / (1 - 2^(-1/10)).
    expect(Math.log(last / 100_000)).toBeCloseTo((0.1 * 450) / 20_000 / (1 - Math.pow(2, -1 / 10)), 6);
  });
});

describe('security as cost', () => {
  const pricing = { attackHours: 24, powerUsdPerMWh: 50, usedPriceFloorShare: 0.05 };

  it('prices an attack on a hand-built fleet: cheapest existing machines first, then new ones, plus power', () => {
    const m = new AttackMeter(4);
    m.add(10, 20, 5); // 10 EH/s of 20 J/TH used machines at $5/TH
    m.add(5, 30, 2); // 5 EH/s of 30 J/TH at $2/TH
    const r = m.price(20, 16, 13.5, pricing);
    // Per TH: 30 J/TH -> 2 + 30 x 24 x 50 / 1e6 = 2.036; 20 J/TH -> 5.024; new 16 + 0.0162 = 16.0162.
    // 5 EH/s at 2.036 + 10 EH/s at 5.024 + 5 EH/s new at 16.0162 (1 EH/s = 1e6 TH/s).
    expect(r.totalUsd).toBeCloseTo(5e6 * 2.036 + 10e6 * 5.024 + 5e6 * 16.0162, 0);
    expect(r.existingEhs).toBe(15);
    // A used machine: margin relative to the frontier's at $50/MWh and hashprice $45:
    // frontier 13.5 J/TH costs 16.2, margin 28.8; 25 J/TH costs 30, margin 15 -> 15 / 28.8 of $16.
    expect(usedUsdPerTH(25, 45, 16, 13.5, pricing)).toBeCloseTo((16 * 15) / 28.8, 9);
    expect(usedUsdPerTH(40, 45, 16, 13.5, pricing)).toBeCloseTo(16 * 0.05, 9);
  });

  it('pool HHI and the largest share follow the formula, named miners leaving shrink their pool', () => {
    const shares = [0.3, 0.18, 0.12, 0.1];
    const pools = new PoolShares(shares);
    pools.update(1000);
    expect(pools.hhi).toBeCloseTo(herfindahl(shares), 12);
    expect(herfindahl(shares)).toBeCloseTo(0.09 + 0.0324 + 0.0144 + 0.01, 12);
    expect(pools.largest).toBeCloseTo(0.3, 12);
    // A named miner of 100 EH/s in pool 0 at the start; then it leaves (network 900 EH/s).
    const p2 = new PoolShares(shares);
    p2.named[0] = 100;
    p2.update(1000);
    expect(p2.hhi).toBeCloseTo(herfindahl(shares), 12);
    p2.named[0] = 0;
    p2.update(900);
    // Unassigned 900: pool 0 keeps (300 - 100) / 900 of it = 200 EH/s -> shares 200/900, 180/900, ...
    expect(p2.largest).toBeCloseTo(200 / 900, 12);
    expect(p2.hhi).toBeCloseTo(herfindahl([200 / 900, 180 / 900, 120 / 900, 100 / 900]), 12);
  });

  it('the default pools sum to at most 1 and validate', () => {
    expect(SecuritySchema.parse({}).pools.reduce((a, p) => a + p.share, 0)).toBeLessThanOrEqual(1);
  });
});

describe('the shipped baseline spreads its margin calls', () => {
  it('the busiest day of baseline-2026 holds well under 20% of its margin calls (pooled over runs)', () => {
    const loaded = loadScenarioFile(new URL('../scenarios/baseline-2026.yaml', import.meta.url).pathname);
    let busiest = 0;
    let total = 0;
    for (let k = 0; k < 12; k++) {
      const sc = { ...scenarioForRun(loaded.scenario, 2026, k), horizonDays: 365 };
      const calls = simulate(sc, { seed: 2026, runIndex: k }).series.margin_calls!;
      busiest += Math.max(...calls);
      total += calls.reduce((a, x) => a + x, 0);
    }
    expect(total).toBeGreaterThan(50);
    expect(busiest / total).toBeLessThan(0.2);
  });
});
