// The hashrate supply (agents/supply.ts, agents/utilisation.ts) against independent truth: analytic
// properties of the band rule, hand-computed payback, conservation of machines, monotone and
// Lipschitz supply in hashprice, the realized start against the real retarget data, and the
// stylized facts of real network history (docs/MODEL.md, "Hashrate supply").
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FringeSchema, MinerSchema } from '../src/agents/schema.ts';
import { NetworkSupply, paybackWithHalving, type SupplyWorld } from '../src/agents/supply.ts';
import { bandShare, costShareBelow, runningMeanCost } from '../src/agents/utilisation.ts';
import { buildAgentState } from '../src/agents/state.ts';
import { operate } from '../src/agents/policies.ts';
import { REC, R_ACTIVE_EHS } from '../src/agents/state.ts';
import { simulate } from '../src/engine/index.ts';
import { frontierJPerTHAt, realHistory, vintagesFromHistory } from '../src/calibrate/history.ts';
import { RandomStream } from '../src/random/index.ts';
import { parseScenarioText, validateScenario } from '../src/scenario/load.ts';
import { ScenarioSchema } from '../src/scenario/schema.ts';

const world = (hp: number, daysToHalving = 1e6, postHalvingRatio = 0.5): SupplyWorld => ({ hashpriceUsdPerPhDay: hp, daysToHalving, postHalvingRatio });

describe('the band-of-inaction utilisation rule', () => {
  const arb = fc.record({
    u: fc.double({ min: 0, max: 1, noNaN: true }),
    r: fc.double({ min: 0, max: 200, noNaN: true }),
    c: fc.double({ min: 1, max: 100, noNaN: true }),
    w: fc.double({ min: 0.01, max: 0.9, noNaN: true }),
    off: fc.double({ min: 0.5, max: 1, noNaN: true }),
    on: fc.double({ min: 1, max: 1.5, noNaN: true }),
    ramp: fc.double({ min: 0.001, max: 1, noNaN: true }),
  });

  it('stays in [0, 1], moves at most the ramp, and never leaves the band when the ramp allows', () => {
    fc.assert(
      fc.property(arb, ({ u, r, c, w, off, on, ramp }) => {
        const x = bandShare(u, r, c, w, off, on, ramp);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        expect(Math.abs(x - u)).toBeLessThanOrEqual(ramp + 1e-15);
        const lo = costShareBelow(r / on, c, w);
        const hi = costShareBelow(r / off, c, w);
        const free = bandShare(u, r, c, w, off, on, Infinity);
        expect(free).toBeGreaterThanOrEqual(lo - 1e-15);
        expect(free).toBeLessThanOrEqual(hi + 1e-15);
        // Inside the band nothing moves (no response to small revenue changes).
        if (u >= lo && u <= hi) expect(free).toBe(u);
      }),
      { numRuns: 500, seed: 12 },
    );
  });

  it('is non-decreasing and Lipschitz in revenue: slope at most 1 / (2 w c offRatio)', () => {
    fc.assert(
      fc.property(arb, fc.double({ min: 0, max: 5, noNaN: true }), ({ u, r, c, w, off, on, ramp }, dr) => {
        const a = bandShare(u, r, c, w, off, on, ramp);
        const b = bandShare(u, r + dr, c, w, off, on, ramp);
        expect(b).toBeGreaterThanOrEqual(a);
        expect(b - a).toBeLessThanOrEqual(dr / (2 * w * c * off) + 1e-12);
      }),
      { numRuns: 500, seed: 13 },
    );
  });

  it('the running part has the mean cost of U[c(1-w), kappa] (midpoint quadrature)', () => {
    for (const [u, c, w] of [[0.3, 20, 0.25], [1, 15, 0.1], [0.75, 40, 0.5], [0.01, 10, 0.3]] as const) {
      const lo = c * (1 - w);
      const kappa = lo + u * 2 * w * c;
      const n = 10_000;
      let sum = 0;
      for (let k = 0; k < n; k++) sum += lo + ((k + 0.5) / n) * (kappa - lo);
      expect(runningMeanCost(u, c, w)).toBeCloseTo(sum / n, 9);
    }
  });

  it('with spread 0 and no ramp limit it is the textbook on/off rule with hysteresis', () => {
    expect(bandShare(1, 94, 100, 0, 0.95, 1.05, Infinity)).toBe(0); // 94 < 95: off
    expect(bandShare(1, 96, 100, 0, 0.95, 1.05, Infinity)).toBe(1); // stays on in the band
    expect(bandShare(0, 104, 100, 0, 0.95, 1.05, Infinity)).toBe(0); // stays off in the band
    expect(bandShare(0, 106, 100, 0, 0.95, 1.05, Infinity)).toBe(1); // restarts
  });
});

describe('payback with a halving, ASIC price and frontier (hand computation)', () => {
  it('pays back before the halving at m1, else m1 until it and m2 after', () => {
    // $20/TH = $20,000 per PH/s. At $50/PH/day: 400 days if the halving is later.
    expect(paybackWithHalving(20, 50, 20, 500)).toBeCloseTo(400, 12);
    // Halving in 100 days: 5,000 earned before, 15,000 at $20/day after: 100 + 750 = 850.
    expect(paybackWithHalving(20, 50, 20, 100)).toBeCloseTo(850, 12);
    // Margin negative before (idle, earns nothing), $25 after the halving in 30 days: 30 + 800.
    expect(paybackWithHalving(20, -5, 25, 30)).toBeCloseTo(830, 12);
    expect(paybackWithHalving(20, 50, -1, 100)).toBe(Infinity);
  });

  it('ASIC price = ref x (hashprice / ref)^elasticity; frontier J/TH falls exponentially', () => {
    const cfg = FringeSchema.parse({ hashrateEHs: 100, asicPrice: { usdPerTHAtRef: 16, refHashpriceUsdPerPhDay: 40, hashpriceElasticity: 0.7 }, frontier: { efficiencyJPerTH: 15, declineAnnual: 0.2 } });
    const s = new NetworkSupply(cfg, { stepDays: 1, horizonDays: 365 });
    expect(s.asicPrice(40)).toBeCloseTo(16, 12);
    expect(s.asicPrice(80)).toBeCloseTo(16 * 2 ** 0.7, 12);
    expect(s.frontierAt(365)).toBeCloseTo(15 * Math.exp(-0.2), 12);
    // 98 J/TH in mid-2016 to 13.5 in 2024 (S9 -> S21 XP): the documented ~-23%/yr of the default prior.
    expect(Math.log(98 / 13.5) / 8).toBeGreaterThan(0.08);
    expect(Math.log(98 / 13.5) / 8).toBeLessThan(0.3);
  });
});

describe('the network supply', () => {
  const cfg = (over: object = {}) => FringeSchema.parse({ hashrateEHs: 400, ...over });

  it('starts at the requested running hashrate with a supply curve that is monotone and Lipschitz in hashprice', () => {
    fc.assert(
      fc.property(fc.double({ min: 15, max: 120, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), (hp0, dhp) => {
        const c = cfg({ investment: { enabled: false } });
        const at = (hp: number) => {
          const s = new NetworkSupply(c, { stepDays: 1, horizonDays: 30 });
          s.start(400, world(hp0));
          return { s, h: s.update(world(hp), 0) };
        };
        const base = at(hp0);
        expect(base.s.runningEHs).toBeGreaterThan(0);
        const a = at(hp0 + 0.3 * dhp).h;
        const b = at(hp0 + 0.3 * dhp + dhp).h;
        expect(b).toBeGreaterThanOrEqual(a - 1e-9);
        // Lipschitz bound from the cells' cost densities: sum K / (2 w c offRatio).
        let bound = 0;
        const s = base.s;
        const off = 1 - c.switching.offMarginShare;
        for (let v = 0; v < s.nClasses; v++) {
          for (let k = 0; k < s.nBins; k++) {
            const K = s.installed[v * s.nBins + k]!;
            if (!(K > 0)) continue;
            const lo = s.binLoUsdPerMWh[k]!;
            const hi = s.binHiUsdPerMWh[k]!;
            const cost = s.powerCost(s.classJPerTH[v]!, (lo + hi) / 2);
            bound += K / (2 * ((hi - lo) / (hi + lo)) * cost * off);
          }
        }
        expect(b - a).toBeLessThanOrEqual(bound * dhp * 1.0001 + 1e-9);
      }),
      { numRuns: 60, seed: 5 },
    );
  });

  it('conserves machines on any hashprice path with releases: initial + ordered + released = installed + transit + secondary + scrapped', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 5, max: 250, noNaN: true }), { minLength: 1, maxLength: 150 }),
        fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 7 }),
        (path, releases, stepDays) => {
          const s = new NetworkSupply(cfg({ investment: { deliveryLagDays: 30, vintageDays: 20 } }), { stepDays, horizonDays: path.length * stepDays });
          s.start(400, world(path[0]!, 300));
          path.forEach((hp, t) => {
            const rel = releases[t % releases.length]!;
            s.release(t % s.nInitialClasses, rel);
            s.update(world(hp, 300 - t), t * stepDays);
            const scale = s.initialEHs + s.orderedEHs + s.releasedEHs;
            expect(Math.abs(s.conservationResidual())).toBeLessThanOrEqual(1e-9 * scale);
            for (const x of [s.installedEHs(), s.inTransitEHs(), s.secondaryEHs(), s.scrappedEHs]) expect(x).toBeGreaterThanOrEqual(0);
            for (let k = 0; k < s.share.length; k++) expect(s.share[k]!).toBeLessThanOrEqual(1 + 1e-12);
          });
        },
      ),
      { numRuns: 80, seed: 6 },
    );
  });

  it('the in-transit sum is the plain sum of the order pipeline, to the last bit, whenever it is asked for', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 5, max: 250, noNaN: true }), { minLength: 1, maxLength: 120 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 13 }),
        fc.integer({ min: 1, max: 5 }),
        (path, ask, stepDays) => {
          const s = new NetworkSupply(cfg({ investment: { deliveryLagDays: 30, vintageDays: 20 } }), { stepDays, horizonDays: path.length * stepDays });
          s.start(400, world(path[0]!, 300));
          const pipeline = (s as unknown as { pipeline: Float64Array }).pipeline;
          const plain = () => {
            let x = 0;
            for (let k = 0; k < pipeline.length; k++) x += pipeline[k]!;
            return x;
          };
          expect(Object.is(s.inTransitEHs(), plain())).toBe(true);
          path.forEach((hp, t) => {
            s.update(world(hp, 300 - t), t * stepDays);
            // asked at some steps only: the sums kept between asks must still be exact
            if (ask[t % ask.length]) expect(Object.is(s.inTransitEHs(), plain())).toBe(true);
          });
          expect(Object.is(s.inTransitEHs(), plain())).toBe(true);
        },
      ),
      { numRuns: 80, seed: 7 },
    );
  });

  it('idle machines go to the secondary market and are resold to cheap power, not destroyed', () => {
    // Start at a hashprice where the 30 J/TH class is largely idle; hold it there.
    const s = new NetworkSupply(cfg({ investment: { enabled: false }, secondary: { buyerPowerPriceUsdPerMWh: 20 } }), { stepDays: 1, horizonDays: 400 });
    s.start(400, world(22));
    let resold = 0;
    for (let d = 0; d < 400; d++) {
      s.update(world(22), d);
      resold += s.resoldStep;
    }
    expect(resold).toBeGreaterThan(5);
    expect(s.scrappedEHs).toBe(0); // the buyers' power covers every class at $22
    expect(Math.abs(s.conservationResidual())).toBeLessThan(1e-9 * s.initialEHs);
  });

  it('a capacity shock takes its share of the installed capacity out over its days, into the secondary market', () => {
    const c = cfg({ investment: { enabled: false }, capacityShocks: [{ day: 10, share: 0.5, overDays: 20 }], secondary: { resaleDaysMean: 1e9 } });
    const s = new NetworkSupply(c, { stepDays: 1, horizonDays: 60 });
    s.start(400, world(60));
    let before = 0;
    for (let d = 0; d < 60; d++) {
      if (d === 10) before = s.installedEHs() + s.secondaryEHs();
      s.update(world(60), d);
      if (d === 19) expect(s.shockedStep).toBeGreaterThan(0);
    }
    // Half of the capacity installed on day 10 left (retirement and resale are negligible here).
    expect(s.secondaryEHs()).toBeGreaterThan(0.5 * before * 0.98);
    expect(s.installedEHs()).toBeCloseTo(before - s.secondaryEHs(), 6);
    expect(Math.abs(s.conservationResidual())).toBeLessThan(1e-9 * s.initialEHs);
  });

  it('a dated shock starts on its date; fringe noise is log-normal with the given sd, fresh every period', () => {
    const base = {
      name: 'dated',
      start: { date: '2021-05-01' },
      horizonDays: 30,
      price: { model: 'path', pricesUsd: [55_000], onShort: 'hold-last' },
      fees: { model: 'constant', btcPerBlock: 0.2 },
      rewards: 'expected',
    } as const;
    const shocked = simulate(ScenarioSchema.parse({ ...base, fringe: { hashrateEHs: 'realized', capacityShocks: [{ date: '2021-05-15', share: 0.5, overDays: 10 }] } }), { seed: 1, runIndex: 0 });
    const sec = shocked.series.secondary_market_ehs!;
    expect(sec[13]! - sec[12]!).toBeLessThan(1); // nothing before 15 May (day 14)
    expect(sec[14]! - sec[13]!).toBeGreaterThan(5); // a tenth of half the capacity a day from day 14
    // Noise: a non-responsive fringe of 900 EH/s times exp(e) every 7 days.
    const quiet = ScenarioSchema.parse({ ...base, horizonDays: 7 * 400, fringe: { hashrateEHs: 900, responsive: false, noise: { sdLog: 0.1, periodDays: 7 } } });
    const h = simulate(quiet, { seed: 3, runIndex: 0 }).series.fringe_hashrate_ehs!;
    const logs: number[] = [];
    for (let d = 0; d < h.length; d += 7) {
      for (let k = 1; k < 7; k++) expect(h[d + k]).toBe(h[d]); // constant within a period
      logs.push(Math.log(h[d]! / 900));
    }
    const m = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / (logs.length - 1));
    // 400 draws: sd of the mean 0.005, of the sd ~0.0035.
    expect(Math.abs(m)).toBeLessThan(0.025);
    expect(Math.abs(sd - 0.1)).toBeLessThan(0.0175);
    const again = simulate(quiet, { seed: 3, runIndex: 0 }).series.fringe_hashrate_ehs!;
    expect(Array.from(again)).toEqual(Array.from(h));
  });

  it('machines that cannot cover even the buyers power are scrapped at rate 1 / scrapDaysMean', () => {
    const s = new NetworkSupply(cfg({ investment: { enabled: false }, secondary: { scrapDaysMean: 100, buyerPowerPriceUsdPerMWh: 35 } }), { stepDays: 1, horizonDays: 10 });
    s.start(0, world(50));
    s.release(0, 10);
    s.update(world(1), 0); // $1/PH/day covers nothing
    expect(s.scrappedEHs).toBeCloseTo(10 * -Math.expm1(-1 / 100), 12);
  });
});

describe('agents curtail progressively and sell machines instead of destroying them', () => {
  const START = { priceUsd: 70_000, btcPerPhDay: 0.0005 };
  it('a single-site miner passes through many partial running levels as revenue slides', () => {
    const m = MinerSchema.parse({ name: 'm', hashrateEHs: 10, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 50, policies: { operate: { retireAfterCurtailedDays: 10_000 } } });
    const st = buildAgentState([m], [], new RandomStream('1'), START);
    const levels = new Set<number>();
    // Cost 24 $/PH/day, spread 0.25: machines cost 18..30. Revenue slides from 40 to 10 over 60 days.
    for (let d = 0; d <= 60; d++) {
      operate(st, 0, 40 - d * 0.5, 1);
      levels.add(Math.round(st.rec[0 * REC + R_ACTIVE_EHS]! * 1000) / 1000);
    }
    const partial = [...levels].filter((x) => x > 0 && x < 10);
    expect(partial.length).toBeGreaterThan(10);
  });

  it('an exiting miner\'s fleet enters the fringe\'s secondary market', () => {
    const sc = ScenarioSchema.parse({
      name: 'exit',
      start: { date: '2026-03-01', height: 953_567, bits: '0x170240c3' },
      horizonDays: 5,
      price: { model: 'path', pricesUsd: [70_000], onShort: 'hold-last' },
      fees: { model: 'constant', btcPerBlock: 0.03 },
      rewards: 'expected',
      // A non-responsive fringe keeps its secondary stock: whatever arrives stays visible.
      fringe: { hashrateEHs: 900, responsive: false },
      miners: [{ name: 'broke', hashrateEHs: 7, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40, cashUsd: 0, opexUsdPerDay: 1e8, strategy: 'hodler', policies: { financing: { borrow: false } } }],
    });
    const r = simulate(sc, { seed: 1, runIndex: 0 });
    expect(r.miners[0]!.status).toBe('exited');
    const sec = r.series.secondary_market_ehs!;
    expect(sec[sec.length - 1]).toBeCloseTo(7, 9);
  });
});

// --- the realized start against the real data (data/btc-retarget-epochs-timed.csv)

const timed = readFileSync(new URL('../data/btc-retarget-epochs-timed.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','))
  .map((c) => ({ epoch: Number(c[0]), height: Number(c[1]), date: c[3]!.slice(0, 10), source: c[4], realized: Number(c[5]) }));

describe('a realized start sits at the real network hashrate', () => {
  it('matches the header-timed realized hashrate of the last completed epoch within 2% (timestamp noise)', () => {
    for (const e of [330, 380, 420, 430]) {
      const row = timed[e + 1]!; // the epoch after e starts at this height: the tip is the block before it
      expect(row.source).toBe('header');
      const sc = ScenarioSchema.parse({
        name: 'realized',
        start: { date: row.date, height: row.height - 1 },
        horizonDays: 1,
        price: { model: 'path', pricesUsd: [30_000], onShort: 'hold-last' },
        fees: { model: 'constant', btcPerBlock: 0.1 },
        rewards: 'expected',
        fringe: { hashrateEHs: 'realized' },
      });
      const h0 = simulate(sc, { seed: 1, runIndex: 0 }).series.hashrate_ehs![0]!;
      expect(Math.abs(h0 / timed[e]!.realized - 1)).toBeLessThan(0.02);
    }
  });
});

describe('the fleet from history (perpetual inventory)', () => {
  it('shares sum to 1, newer quarters hold more efficient machines, and the start still sits at the realized hashrate', () => {
    const t0 = Date.parse('2024-03-01T00:00:00Z') / 1000;
    const v = vintagesFromHistory(realHistory('', []), t0);
    expect(v.reduce((a, x) => a + x.share, 0)).toBeCloseTo(1, 12);
    for (let k = 1; k < v.length; k++) expect(v[k]!.efficiencyJPerTH).toBeLessThanOrEqual(v[k - 1]!.efficiencyJPerTH);
    // Frontier on the vendor table: S19 XP (21.5, Jul 2022) .. S21 (17.5, Nov 2023), log-linear.
    expect(frontierJPerTHAt(Date.parse('2023-03-01T00:00:00Z') / 1000)).toBeGreaterThan(17.5);
    expect(frontierJPerTHAt(Date.parse('2023-03-01T00:00:00Z') / 1000)).toBeLessThan(21.5);
    const row = timed.find((r) => r.height === 838_656)!;
    const sc = ScenarioSchema.parse({
      name: 'fleet-history',
      start: { date: row.date, height: row.height - 1 },
      horizonDays: 1,
      price: { model: 'path', pricesUsd: [65_000], onShort: 'hold-last' },
      fees: { model: 'constant', btcPerBlock: 0.1 },
      rewards: 'expected',
      fringe: { hashrateEHs: 'realized', fleet: 'history' },
    });
    const h0 = simulate(sc, { seed: 1, runIndex: 0 }).series.hashrate_ehs![0]!;
    expect(Math.abs(h0 / timed[row.epoch - 1]!.realized - 1)).toBeLessThan(0.02);
  });
});

// --- stylized facts of real history (tolerances in each test)

const baselineText = readFileSync(new URL('../scenarios/baseline-2026.yaml', import.meta.url), 'utf8');
function baseline(mod: (o: Record<string, unknown>) => void) {
  const o = parseScenarioText(baselineText) as Record<string, unknown>;
  mod(o);
  return validateScenario(o);
}
const constantPrice = (shockPct?: number) => ({ model: 'gbm', initialUsd: 70_000, driftAnnual: 0, volAnnual: 0, shocks: shockPct === undefined ? [] : [{ day: 1, returnPct: shockPct }] });

describe('stylized facts', () => {
  it('a sustained +100% price raises network hashrate by well over 15% within a year (real 2023-24: price x4, hashrate x2.4)', () => {
    const flat = baseline((o) => (o.price = constantPrice()));
    const up = baseline((o) => (o.price = constantPrice(100)));
    for (const runIndex of [0, 1]) {
      const a = simulate(flat, { seed: 3, runIndex }).series.hashrate_ehs![365]!;
      const b = simulate(up, { seed: 3, runIndex }).series.hashrate_ehs![365]!;
      expect(b / a).toBeGreaterThan(1.15);
    }
  });

  // The real April 2024 halving from the real hashrate at 1 March 2024 with a 2024-like fleet and
  // power-price distribution. Real deepest drops within 8 epochs of the last three halvings:
  // -5.4% (2016), -14.7% (2020), -8.0% (2024); three draws bound the range only loosely, so the test
  // asks for a drop between -3% and -20% (neither no response nor the old model's -25%).
  const world2024 = (price: object, horizonDays: number) =>
    ScenarioSchema.parse({
      name: 'world-2024',
      start: { date: '2024-03-01' },
      horizonDays,
      price,
      fees: { model: 'constant', btcPerBlock: 0.15 },
      rewards: 'expected',
      fringe: {
        hashrateEHs: 'realized',
        // Spring 2024 fleet: S21 (17.5 J/TH) new, S19 XP (21.5), S19j Pro / XP mix (~28), S19 (34),
        // S17 generation (~45); power somewhat dearer than the 2026 default (before the 2024-25
        // low-hashprice years pushed expensive sites out).
        vintages: [
          { efficiencyJPerTH: 17.5, share: 0.15 },
          { efficiencyJPerTH: 21.5, share: 0.2 },
          { efficiencyJPerTH: 28, share: 0.3 },
          { efficiencyJPerTH: 34, share: 0.2 },
          { efficiencyJPerTH: 45, share: 0.15 },
        ],
        powerPrice: { medianUsdPerMWh: 50, sigmaLog: 0.4 },
        frontier: { efficiencyJPerTH: 17.5, declineAnnual: 0.2 },
      },
    });
  const deepestDrop = (h: Float64Array, from: number, days: number) => {
    const pre = h[from - 1]!;
    let min = Infinity;
    for (let d = from; d < Math.min(h.length, from + days); d++) min = Math.min(min, h[d]!);
    return min / pre - 1;
  };

  it('the 2024 halving (a -50% hashprice step) takes off as much as the real halvings did', () => {
    const r = simulate(world2024({ model: 'gbm', initialUsd: 65_000, driftAnnual: 0, volAnnual: 0 }, 200), { seed: 1, runIndex: 0 });
    const sub = r.series.subsidy_btc!;
    let day = -1;
    for (let d = 1; d < sub.length; d++) if (sub[d]! < sub[d - 1]!) day = day < 0 ? d : day;
    expect(day).toBeGreaterThan(0);
    const drop = deepestDrop(r.series.hashrate_ehs!, day, 8 * 14);
    expect(drop).toBeLessThan(-0.03);
    expect(drop).toBeGreaterThan(-0.2);
  });

  it('a -50% price step in the same world loses in the same range within 6 weeks', () => {
    const r = simulate(world2024({ model: 'gbm', initialUsd: 65_000, driftAnnual: 0, volAnnual: 0, shocks: [{ day: 1, returnPct: -50 }] }, 45), { seed: 1, runIndex: 0 });
    const drop = deepestDrop(r.series.hashrate_ehs!, 1, 44);
    expect(drop).toBeLessThan(-0.03);
    expect(drop).toBeGreaterThan(-0.2);
  });

  it('baseline runs at 50% volatility: no alternating large retargets, retargets inside the historical envelope', () => {
    // Real retargets since 2016: all within -27.9%..+21.5%, never > +25% followed by < -20% or the
    // reverse (0 of ~250). With 0 of 250 observed the 95% upper bound of the real rate of retargets
    // outside -30%..+25% is ~1.2% (3 / n): the simulated rate must stay below that.
    const sc = baseline(() => {});
    let n = 0;
    let outside = 0;
    let alternating = 0;
    for (let runIndex = 0; runIndex < 24; runIndex++) {
      const diff = simulate(sc, { seed: 2026, runIndex }).series.difficulty!;
      const changes: number[] = [];
      for (let d = 1; d < diff.length; d++) if (diff[d] !== diff[d - 1]) changes.push(diff[d]! / diff[d - 1]! - 1);
      changes.forEach((x, k) => {
        n++;
        if (x < -0.3 || x > 0.25) outside++;
        const p = changes[k - 1];
        if (p !== undefined && ((p > 0.25 && x < -0.2) || (p < -0.2 && x > 0.25))) alternating++;
      });
    }
    expect(n).toBeGreaterThan(24 * 40);
    expect(alternating).toBe(0);
    expect(outside / n).toBeLessThan(0.012);
  });
});
