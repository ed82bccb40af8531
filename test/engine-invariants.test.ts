import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { permittedDifficultyTransition } from '../src/consensus/index.ts';
import { simulate } from '../src/engine/index.ts';
import { ScenarioSchema, type ScenarioInput } from '../src/scenario/schema.ts';

// Invariants over random scenarios: conservation of BTC, no negative balances, every retarget a
// permitted transition (checked by the consensus module, not by the engine), heights = blocks.

const strategyArb = fc.constantFrom('seller', 'hodler', 'deleverager', 'keep-cash', 'expander', 'ai-pivoter', 'always-on');

const minerArb = fc.record({
  hashrateEHs: fc.double({ min: 0.5, max: 80, noNaN: true }),
  efficiencyJPerTH: fc.double({ min: 12, max: 35, noNaN: true }),
  powerPriceUsdPerMWh: fc.double({ min: 20, max: 120, noNaN: true }),
  treasuryBtc: fc.double({ min: 0, max: 20_000, noNaN: true }),
  loanPct: fc.double({ min: 0, max: 0.5, noNaN: true }),
  cashUsd: fc.double({ min: 0, max: 5e8, noNaN: true }),
  solo: fc.boolean(),
  strategy: strategyArb,
  opexUsdPerDay: fc.double({ min: 0, max: 5e5, noNaN: true }),
});

const scenarioArb = fc.record({
  miners: fc.array(minerArb, { minLength: 0, maxLength: 4 }),
  popCount: fc.integer({ min: 0, max: 25 }),
  popStrategy: strategyArb,
  popLtv: fc.double({ min: 0, max: 0.6, noNaN: true }),
  fringe: fc.option(fc.double({ min: 50, max: 1200, noNaN: true }), { nil: undefined }),
  rewards: fc.constantFrom('lottery' as const, 'expected' as const),
  algorithm: fc.constantFrom('bitcoin' as const, 'asert' as const),
  vol: fc.double({ min: 0, max: 1.5, noNaN: true }),
  shock: fc.integer({ min: -80, max: 50 }),
  steps: fc.integer({ min: 6, max: 40 }),
  stepDays: fc.constantFrom(1, 1, 2, 7),
  sampleEvery: fc.constantFrom(1, 3),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

type Gen = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function build(g: Gen): ReturnType<typeof ScenarioSchema.parse> {
  const horizonDays = g.steps * g.stepDays;
  const input: ScenarioInput = {
    name: 'inv',
    start: { date: '2026-03-01', height: 953_567, bits: '0x170240c3' },
    horizonDays,
    stepDays: g.stepDays,
    rewards: g.rewards,
    difficulty: g.algorithm === 'bitcoin' ? { algorithm: 'bitcoin' } : { algorithm: 'asert', halfLifeSeconds: 3600 },
    price: { model: 'gbm', initialUsd: 70_000, volAnnual: g.vol, shocks: [{ day: Math.max(1, Math.floor(horizonDays / 2)), returnPct: g.shock }] },
    fees: { model: 'lognormal', meanBtcPerBlock: 0.03, sigmaLog: 0.5 },
    miners: g.miners.map((m, i) => ({
      name: `m${i}`,
      hashrateEHs: m.hashrateEHs,
      efficiencyJPerTH: m.efficiencyJPerTH,
      powerPriceUsdPerMWh: m.powerPriceUsdPerMWh,
      treasuryBtc: m.treasuryBtc,
      cashUsd: m.cashUsd,
      opexUsdPerDay: m.opexUsdPerDay,
      loan: { principalUsd: m.loanPct * m.treasuryBtc * 70_000, cureDays: 1 },
      payout: m.solo ? { scheme: 'solo' } : { scheme: 'fpps', feeShare: 0.02 },
      strategy: m.strategy,
      policies: { aiPivot: { capexUsdPerMw: 1e6, costOfCapitalAnnual: 0.05, reviewDays: 7 } },
    })),
    populations: g.popCount > 0 ? [{ name: 'p', count: g.popCount, strategy: g.popStrategy, loanLtv: g.popLtv, fppsShare: 0.5, aiPropensity: 0.5 }] : [],
    ...(g.fringe !== undefined ? { fringe: { hashrateEHs: g.fringe } } : {}),
    output: { sampleEverySteps: g.sampleEvery },
  };
  return ScenarioSchema.parse(input);
}

describe('engine invariants (fast-check over random scenarios)', () => {
  it('conserves BTC, keeps balances non-negative, only permitted retargets, heights = blocks', () => {
    fc.assert(
      fc.property(scenarioArb, (g) => {
        const sc = build(g);
        const retargets: [number, number, number][] = [];
        const r = simulate(sc, { seed: g.seed, runIndex: 0, onRetarget: (h, o, n) => retargets.push([h, o, n]) });
        const s = r.summary;
        const rel = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

        // BTC conservation: every block reward is held by an agent (treasury or collateral), sold,
        // liquidated, or sits with the FPPS pool or the fringe.
        expect(rel(s.block_rewards_total_btc!, s.mined_total_btc! + s.pool_balance_btc! + s.fringe_sold_total_btc!)).toBe(true);
        // Agents: what they held at the start plus what they earned = held + sold + liquidated.
        expect(
          rel(s.initial_btc! + s.mined_total_btc!, s.final_treasury_btc! + s.final_collateral_btc! + s.sold_total_btc! + s.liquidated_total_btc!),
        ).toBe(true);
        for (const m of r.miners) {
          const v = m.values;
          expect(rel(v.initial_btc! + v.mined_btc!, v.final_treasury_btc! + v.final_collateral_btc! + v.sold_btc! + v.liquidated_btc!)).toBe(true);
          for (const k of ['final_treasury_btc', 'final_collateral_btc', 'final_debt_usd', 'mined_btc', 'sold_btc', 'mw_pivoted', 'ai_mw'] as const) {
            expect(v[k]!).toBeGreaterThanOrEqual(0);
          }
        }
        // No negative stocks anywhere in the series.
        for (const k of ['treasury_btc', 'collateral_btc', 'debt_usd', 'ai_mw', 'ai_converting_mw', 'mining_mw', 'hashrate_ehs', 'sold_btc', 'liquidated_btc']) {
          for (const v of r.series[k]!) expect(v).toBeGreaterThanOrEqual(-1e-9);
        }
        // Every retarget is a transition Bitcoin Core would accept (Bitcoin algorithm only: ASERT
        // moves every block by design).
        if (g.algorithm === 'bitcoin') {
          for (const [h, o, n] of retargets) {
            expect(h % 2016).toBe(0);
            expect(permittedDifficultyTransition(h, o, n)).toBe(true);
          }
        }
        // Heights are consistent with blocks, in total and per sample.
        expect(s.final_height).toBe(953_567 + s.blocks!);
        const blocks = r.series.blocks!;
        const heights = r.series.height!;
        expect(blocks.reduce((a, b) => a + b, 0)).toBe(s.blocks);
        let prev = 953_567;
        for (let j = 0; j < heights.length; j++) {
          expect(heights[j]! - prev).toBe(blocks[j]);
          prev = heights[j]!;
        }
        // Miner counts add up.
        const n = s.miners_total!;
        const j = heights.length - 1;
        expect(r.series.miners_active![j]! + r.series.miners_curtailing![j]! + r.series.miners_pivoting![j]! + r.series.miners_exited![j]!).toBe(n);
      }),
      { numRuns: 40, seed: 20260301 },
    );
  });
});
