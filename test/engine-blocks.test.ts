import { describe, expect, it } from 'vitest';
import { compactToTarget, createDifficultyAlgorithm, difficultyFromBits, targetToCompact } from '../src/consensus/index.ts';
import { BlockProcess, type BlockSink } from '../src/engine/blocks.ts';
import { simulate } from '../src/engine/index.ts';
import { deriveStream } from '../src/random/index.ts';
import { ScenarioSchema, type ScenarioInput } from '../src/scenario/schema.ts';

// Independent truth for the block process: analytic properties of a Poisson process under
// Bitcoin's retarget rule, computed here from first principles (2^256 / (target + 1) hashes per block).

const EPOCH = 2016;
const TIMESPAN = 1_209_600;
const START_TIME = 1_767_225_600; // 2026-01-01
// A tip that closes a retarget period, so block tip+1 opens a fresh epoch at `BITS`.
const TIP = 953_567;
const BITS = 0x170240c3;

function hashesPerBlock(bits: number): number {
  const { target } = compactToTarget(bits);
  return Number((1n << 256n) / (target + 1n));
}

class Counter implements BlockSink {
  n = 0;
  onBlock(): void {
    this.n++;
  }
}

function chain(seed: number, onRetarget?: (h: number, o: number, n: number, t: number) => void): BlockProcess {
  const algo = createDifficultyAlgorithm({ algorithm: 'bitcoin' }, { height: TIP, bits: BITS, time: START_TIME });
  return new BlockProcess(algo, TIP, START_TIME, deriveStream({ seed, scenario: 'blocks-test', runIndex: 0, component: 'blocks' }), onRetarget);
}

/** Hashrate (EH/s) at which blocks at `bits` arrive every 600 s on average. */
function matchedEhs(bits: number): number {
  return hashesPerBlock(bits) / 600 / 1e18;
}

describe('block process', () => {
  it('at constant hashrate the long-run mean interval is 600 x 2016/2014 s (off-by-one plus Poisson noise)', () => {
    // Per epoch, x_{k+1} = (2016/2015) / G with G ~ Gamma(2015, 1/2015) the measured span over 2015
    // intervals relative to its mean, independent of x_k. Hence E[x] = (2016/2015)(2015/2014) =
    // 2016/2014: ~600.6 s (the deterministic off-by-one alone gives 600.3 s). The per-epoch mean
    // interval has sd ~ 600 sqrt(2/2015) ~ 18.9 s, independent across epochs.
    const c = chain(7);
    const ehs = matchedEhs(BITS);
    const sink = new Counter();
    const epochs = 300;
    // Burn-in one epoch (the first epoch's interval is exactly 600 s in expectation), then measure.
    c.advance(ehs, 40 * 86400, 0, sink);
    while (c.height < TIP + EPOCH) c.advance(ehs, c.time + 86400, 0, sink);
    const startHeight = c.height;
    const startTime = c.lastBlockTime;
    while (c.height < startHeight + epochs * EPOCH) c.advance(ehs, c.time + 86400, 0, sink);
    const mean = (c.lastBlockTime - startTime) / (c.height - startHeight);
    const expected = (600 * 2016) / 2014;
    const sd = (600 * Math.sqrt(2 / 2015)) / Math.sqrt(epochs);
    expect(Math.abs(mean - expected)).toBeLessThan(4 * sd);
    expect(c.retargets).toBeGreaterThanOrEqual(epochs);
  });

  it('after an instant hashrate drop of x the spacing stretches by 1/(1-x) until the next retarget', () => {
    const x = 0.4;
    let sum = 0;
    let n = 0;
    for (let seed = 0; seed < 20; seed++) {
      const c = chain(100 + seed);
      const ehs = matchedEhs(BITS);
      const times = new Map<number, number>();
      const sink: BlockSink = { onBlock: () => times.set(c.height, c.lastBlockTime) };
      // Full hashrate for 3 days (inside the first epoch), then the drop until past the retarget.
      c.advance(ehs, 3 * 86400, 0, sink);
      const dropAt = c.time;
      const h0 = c.height;
      let tEnd = c.time;
      while (c.retargets === 0) {
        tEnd += 86400;
        c.advance(ehs * (1 - x), tEnd, 0, sink);
      }
      // Block TIP + 2016 closes the epoch: every interval up to it ran at the old bits.
      const last = TIP + EPOCH;
      // The first interval after the drop is counted from the drop instant (memorylessness).
      sum += times.get(last)! - dropAt;
      n += last - h0;
    }
    // Each interval ~ Exp(mean 600/(1-x)); n ~ 20 x 1580 intervals.
    const mean = sum / n;
    const expected = 600 / (1 - x);
    expect(Math.abs(mean - expected)).toBeLessThan((4 * expected) / Math.sqrt(n));
  });

  it('the retarget after a drop scales difficulty by ~(1-x); the 4x clamp binds for larger moves', () => {
    const cases = [
      { factor: 0.6, clamped: false },
      { factor: 0.1, clamped: true }, // would need a 10x easier target: clamped at 4x
      { factor: 6, clamped: true }, // would need 6x harder: clamped at 1/4
      { factor: 2, clamped: false },
    ];
    for (const { factor, clamped } of cases) {
      let oldBits = 0;
      let newBits = 0;
      const c = chain(42, (_h, o, nb) => {
        oldBits = o;
        newBits = nb;
      });
      const ehs = matchedEhs(BITS) * factor;
      let t = 0;
      while (c.retargets === 0) {
        t += 86400;
        c.advance(ehs, t, 0, new Counter());
      }
      const ratio = difficultyFromBits(newBits) / difficultyFromBits(oldBits);
      if (clamped) {
        // Exactly Core's clamp: target x 4 (or / 4), then GetCompact truncation.
        const oldTarget = compactToTarget(oldBits).target;
        const expected = factor < 1 ? targetToCompact(oldTarget * 4n) : targetToCompact((oldTarget * 302_400n) / 1_209_600n);
        expect(newBits).toBe(expected);
        expect(ratio).toBeCloseTo(factor < 1 ? 0.25 : 4, 3);
      } else {
        // Span over 2015 intervals at mean 600/factor: ratio ~ factor x 2016/2015, sd ~ 1/sqrt(2015).
        expect(Math.abs(ratio / ((factor * 2016) / 2015) - 1)).toBeLessThan(4 / Math.sqrt(2015));
      }
    }
  });

  it('a retarget inside an interval changes the rate from that block on', () => {
    // One long interval at 3x the matched hashrate: the first epoch runs at ~200 s per block, the
    // retarget (inside the interval) makes blocks ~3x harder, and the next epoch runs at ~600 s.
    const c = chain(9);
    const ehs = matchedEhs(BITS) * 3;
    const times: number[] = [];
    const sink: BlockSink = { onBlock: () => times.push(c.lastBlockTime) };
    c.advance(ehs, 40 * 86400, 0, sink);
    expect(c.retargets).toBeGreaterThanOrEqual(2);
    // times[k] is block TIP + 1 + k; block TIP + 2016 (k = 2015) is the last at the old bits.
    const before = times[2015]! / 2016;
    const after = (times[4031]! - times[2015]!) / 2016;
    expect(Math.abs(before / 200 - 1)).toBeLessThan(4 / Math.sqrt(2016));
    // New bits ~ 3 x 2016/2015 / G harder (G: the measured span's noise) plus this epoch's own noise.
    expect(Math.abs(after / 600 - 1)).toBeLessThan(4 * Math.sqrt(2 / 2015));
  });
});

function scenario(over: Partial<ScenarioInput>): ReturnType<typeof ScenarioSchema.parse> {
  return ScenarioSchema.parse({
    name: 'blocks',
    price: { model: 'gbm', initialUsd: 70_000, volAnnual: 0 },
    fees: { model: 'constant', btcPerBlock: 0.02 },
    fringe: { hashrateEHs: 900 },
    ...over,
  });
}

describe('halvings and rewards in simulate', () => {
  it('crosses the halving at height 1,050,000 and pays exactly the subsidy schedule plus fees', () => {
    const sc = scenario({ start: { date: '2028-04-01', height: 1_049_000, bits: '0x170240c3' }, horizonDays: 20 });
    const r = simulate(sc, { seed: 3, runIndex: 0 });
    const blocks = r.summary.blocks!;
    expect(r.summary.final_height).toBe(1_049_000 + blocks);
    let expected = 0;
    for (let h = 1_049_001; h <= 1_049_000 + blocks; h++) expected += (h < 1_050_000 ? 3.125 : 1.5625) + 0.02;
    expect(r.summary.block_rewards_total_btc).toBeCloseTo(expected, 6);
    expect(r.summary.halvings).toBe(1_049_000 + blocks >= 1_050_000 ? 1 : 0);
    expect(r.summary.halvings).toBe(1);
    // The series' subsidy column switches to 1.5625 exactly when the height passes 1,049,999.
    const h = r.series.height!;
    const sub = r.series.subsidy_btc!;
    for (let j = 0; j < h.length; j++) expect(sub[j]).toBe(h[j]! + 1 < 1_050_000 ? 3.125 : 1.5625);
  });

  it('with every miner switched off no block is found and difficulty cannot fall (death spiral)', () => {
    const sc = scenario({
      fringe: undefined,
      horizonDays: 30,
      miners: [{ name: 'only', hashrateEHs: 900, efficiencyJPerTH: 30, powerPriceUsdPerMWh: 200, cashUsd: 1e12 }],
    });
    const r = simulate(sc, { seed: 1, runIndex: 0 });
    expect(r.summary.blocks).toBe(0);
    expect(r.summary.steps_without_blocks).toBe(30);
    expect(r.summary.retargets).toBe(0);
    expect(r.summary.final_difficulty).toBe(r.summary.max_difficulty);
    expect(r.series.hashrate_ehs!.every((v) => v === 0)).toBe(true);
  });
});
