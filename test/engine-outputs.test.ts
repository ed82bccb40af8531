import { describe, expect, it } from 'vitest';
import type { MinerInput } from '../src/agents/schema.ts';
import { simulate } from '../src/engine/index.ts';
import type { ScenarioInput } from '../src/scenario/schema.ts';
import { pathWorld } from './engine-fixtures.ts';

// Definitions of output columns (docs/MODEL.md: "Miner status", "Majority-attack cost and
// concentration", the summary table). Expected values are computed by hand or from other columns
// (independent of how the engine accumulates them).

function world(over: Partial<ScenarioInput>, prices: number[], horizonDays = prices.length) {
  return pathWorld('outputs', over, prices, horizonDays, { fringe: false });
}

const plain = (name: string, hashrateEHs: number, extra: Partial<MinerInput> = {}): MinerInput => ({
  name,
  hashrateEHs,
  efficiencyJPerTH: 15,
  powerPriceUsdPerMWh: 20,
  cashUsd: 1e12,
  policies: { operate: { curtail: false } },
  ...extra,
});

describe('hhi: sum over agents of (running share of the network)^2, fringe atomistic', () => {
  it('two miners of 10 and 30 EH/s next to a 60 EH/s fringe: 0.1^2 + 0.3^2 = 0.1', () => {
    const sc = world({ miners: [plain('a', 10), plain('b', 30)], fringe: { hashrateEHs: 60, responsive: false } }, [70_000], 3);
    const r = simulate(sc, { seed: 1, runIndex: 0 });
    for (let j = 0; j < 3; j++) {
      const net = r.series.hashrate_ehs![j]!;
      expect(net).toBeCloseTo(100, 9);
      expect(r.series.hhi![j]).toBeCloseTo(0.1, 12);
    }
  });

  it('a miner that exits at a step\'s settlement still counts in that step\'s HHI (it mined during the step)', () => {
    // 'broke' has no BTC, no cash and $1B a day of opex: it mines on day 0 and exits at day 0's settlement.
    const broke = plain('broke', 20, { cashUsd: 0, opexUsdPerDay: 1e9, policies: { operate: { curtail: false }, financing: { borrow: false } } });
    const sc = world({ miners: [plain('a', 20), broke], fringe: { hashrateEHs: 60, responsive: false } }, [70_000], 3);
    const r = simulate(sc, { seed: 1, runIndex: 0 });
    expect(r.miners[1]!.values.exit_day).toBe(0);
    // Day 0: 20 + 20 of 100 EH/s -> 2 x 0.2^2; day 1: 20 of 80 -> 0.25^2.
    expect(r.series.hashrate_ehs![0]).toBeCloseTo(100, 9);
    expect(r.series.hhi![0]).toBeCloseTo(0.08, 12);
    expect(r.series.hhi![1]).toBeCloseTo(0.0625, 12);
    expect(r.summary.max_hhi).toBeCloseTo(0.08, 12);
  });

  it('is 0 when every agent is switched off and only the (atomistic) fringe mines', () => {
    // Power at $500/MWh: 15 J/TH costs $180/PH/day, far above a ~$35 hashprice: curtailed at step 0.
    const dear = { ...plain('dear', 50), powerPriceUsdPerMWh: 500, policies: {} };
    const sc = world({ miners: [dear], fringe: { hashrateEHs: 900, responsive: false } }, [70_000], 2);
    const r = simulate(sc, { seed: 1, runIndex: 0 });
    expect(r.series.agent_hashrate_ehs![0]).toBe(0);
    expect(r.series.hashrate_ehs![0]).toBeGreaterThan(0);
    expect(r.series.hhi![0]).toBe(0);
  });
});

describe('max_hashrate_drawdown_pct is a percentage', () => {
  it('equals 100 x max over steps of (1 - H / running peak of H), from the hashrate series', () => {
    // Price halves on day 5: dear cohorts switch off and the hashrate falls.
    const prices = [...Array(5).fill(70_000), ...Array(10).fill(30_000)] as number[];
    const miners = [plain('cheap', 30), { ...plain('dear', 60), efficiencyJPerTH: 25, powerPriceUsdPerMWh: 50, policies: {} }];
    const r = simulate(world({ miners, fringe: { hashrateEHs: 300 } }, prices), { seed: 1, runIndex: 0 });
    const h = Array.from(r.series.hashrate_ehs!);
    let peak = 0;
    let dd = 0;
    for (const x of h) {
      peak = Math.max(peak, x);
      dd = Math.max(dd, 1 - x / peak);
    }
    expect(dd).toBeGreaterThan(0.1);
    expect(r.summary.max_hashrate_drawdown_pct).toBeCloseTo(100 * dd, 9);
  });
});

describe('miner status follows what the hashrate does', () => {
  // AI beats mining at any hashprice here (no capex: 1.6M x 0.8 per MW-year against at most ~0.3M
  // of mining margin at these costs), and the miner reviews on day 0, so the rule signs on day 0;
  // the MW stop mining at once (miningUntilShare 0).
  const ai = { enabled: true, capexUsdPerMw: 0, leadTimeDays: 5, miningUntilShare: 0, reviewDays: 1, beliefSdLog: 0 };

  it('a miner converting one tranche of one site while the rest of its fleet runs is active, and counted as converting', () => {
    const m: MinerInput = {
      name: 'part',
      sites: [
        { mw: 220, powerPriceUsdPerMWh: 40, aiConvertibleShare: 0.5 },
        { mw: 220, powerPriceUsdPerMWh: 40, aiConvertibleShare: 0 },
      ],
      cohorts: [
        { hashrateEHs: 10, efficiencyJPerTH: 20, site: 0 },
        { hashrateEHs: 10, efficiencyJPerTH: 20, site: 1 },
      ],
      cashUsd: 1e12,
      policies: { operate: { curtail: false }, aiPivot: { ...ai, trancheShare: 0.5 } },
    };
    const r = simulate(world({ miners: [m], fringe: { hashrateEHs: 900, responsive: false } }, [70_000], 3), { seed: 1, runIndex: 0 });
    // 0.5 x 0.5 x 220 = 55 MW converting: site 0 keeps 165 MW for 200 MW of machines -> 35 MW
    // (1.75 EH/s) retired; 18.25 EH/s still mine, all of it running.
    expect(r.series.ai_converting_mw![0]).toBeCloseTo(55, 9);
    expect(r.series.agent_hashrate_ehs![0]).toBeCloseTo(18.25, 9);
    expect(r.series.miners_active![0]).toBe(1);
    expect(r.series.miners_pivoting![0]).toBe(0);
    expect(r.series.miners_converting![0]).toBe(1);
    expect(r.miners[0]!.status).toBe('active');
  });

  it('a miner whose whole fleet went to AI is pivoting; the four statuses always add up to all miners', () => {
    const all: MinerInput = {
      name: 'all',
      sites: [{ mw: 200, powerPriceUsdPerMWh: 40, aiConvertibleShare: 1 }],
      cohorts: [{ hashrateEHs: 10, efficiencyJPerTH: 20, site: 0 }],
      cashUsd: 1e12,
      policies: { aiPivot: { ...ai, trancheShare: 1 } },
    };
    const dear = { ...plain('dear', 5), powerPriceUsdPerMWh: 500, policies: {} };
    const r = simulate(world({ miners: [all, plain('runs', 5), dear], fringe: { hashrateEHs: 900, responsive: false } }, [70_000], 10), { seed: 1, runIndex: 0 });
    const s = r.series;
    expect(s.miners_pivoting![0]).toBe(1);
    expect(s.miners_converting![0]).toBe(1);
    // After the 5-day lead time the conversion is done: still pivoting (AI only), no longer converting.
    expect(s.miners_pivoting![9]).toBe(1);
    expect(s.miners_converting![9]).toBe(0);
    expect(s.miners_active![0]).toBe(1);
    expect(s.miners_curtailing![0]).toBe(1);
    for (let j = 0; j < 10; j++) {
      expect(s.miners_active![j]! + s.miners_curtailing![j]! + s.miners_pivoting![j]! + s.miners_exited![j]!).toBe(3);
    }
    expect(r.miners.map((m) => m.status)).toEqual(['pivoting', 'active', 'curtailing']);
  });
});
