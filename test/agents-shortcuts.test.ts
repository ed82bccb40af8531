import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paybackDays } from '../src/agents/economics.ts';
import { expand, operate, StepFlows } from '../src/agents/policies.ts';
import { MinerSchema } from '../src/agents/schema.ts';
import { buildAgentState, type AgentState, REC, R_ACTIVE_EHS, R_CASH_USD, R_LAST_ORDER_DAY, R_MINING_MW, R_OP_OFF_THR, R_PENDING_EHS, R_POWER_USD_PER_DAY } from '../src/agents/state.ts';
import { bandShare, restartThreshold } from '../src/agents/utilisation.ts';
import { deriveStream } from '../src/random/index.ts';

// The engine skips operate() and expand() when their state says they cannot act (engine/loop.ts).
// Those short-cuts are exact only if the state's bounds are tight: checked here against the policies
// themselves, in both directions (skipped => the policy changes nothing; not skipped => it acts).

const rng = () => deriveStream({ seed: 5, scenario: 'shortcuts', runIndex: 0, component: 'population' });
const START = { priceUsd: 70_000, btcPerPhDay: 5e-7 };

describe('operate short-cut (record slot R_OP_OFF_THR)', () => {
  it('with every cohort running, operate switches something off iff revenue < the bound', () => {
    fc.assert(
      fc.property(
        fc.record({
          // Spread-out values (fast-check's doubles cluster at the bounds): distinct cohort costs
          // and revenues between them are the cases that matter.
          jths: fc.array(fc.integer({ min: 1200, max: 3500 }).map((x) => x / 100), { minLength: 1, maxLength: 4 }),
          price: fc.integer({ min: 1000, max: 12_000 }).map((x) => x / 100),
          hysteresis: fc.integer({ min: 0, max: 200 }).map((x) => x / 1000),
          margin: fc.integer({ min: -100, max: 300 }).map((x) => x / 1000),
          curtail: fc.boolean(),
          revs: fc.array(fc.integer({ min: 0, max: 12_000 }).map((x) => x / 100), { minLength: 1, maxLength: 10 }),
        }),
        ({ jths, price, hysteresis, margin, curtail, revs }) => {
          const st = buildAgentState(
            [
              MinerSchema.parse({
                name: 'm',
                sites: [{ mw: 1e4, powerPriceUsdPerMWh: price }],
                cohorts: jths.map((j) => ({ hashrateEHs: 1, efficiencyJPerTH: j })),
                policies: { operate: { curtail, hysteresisShare: hysteresis, minMarginShare: margin, retireAfterCurtailedDays: 1e6 } },
              }),
            ],
            [],
            rng(),
            START,
          );
          const on = () => Array.from(st.cohortShare.subarray(st.cohortStart[0]!, st.cohortEnd[0]!));
          const totals = () => [R_ACTIVE_EHS, R_POWER_USD_PER_DAY, R_MINING_MW].map((f) => st.rec[0 * REC + f]!).concat(st.installedEhs[0]!);
          for (const rev of revs) {
            const thr = st.rec[0 * REC + R_OP_OFF_THR]!;
            const fast = thr !== Infinity;
            const before = on();
            const sums = totals();
            const curtailed = operate(st, 0, rev, 1);
            if (fast) {
              const skip = !(rev < thr);
              const changed = on().some((v, k) => v !== before[k]);
              // Skipped exactly when nothing changes; a skipped step reports no curtailment.
              expect(changed).toBe(!skip);
              if (skip) {
                expect(curtailed).toBe(false);
                expect(totals()).toEqual(sums);
              }
            }
          }
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });
});

describe('operate idle short-cut (opIdleBelow, restIdle)', () => {
  it('below restartThreshold a fully-off block stays off in bandShare, down to the last bits', () => {
    fc.assert(
      fc.property(
        fc.record({
          cost: fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
          spread: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.99, noNaN: true })),
          onRatio: fc.double({ min: 1, max: 3, noNaN: true }),
          // revenues a few ulps under the threshold: where rounding would bite without the margin
          ulps: fc.integer({ min: 1, max: 64 }),
          ramp: fc.oneof(fc.constant(Infinity), fc.double({ min: 0, max: 1, noNaN: true })),
        }),
        ({ cost, spread, onRatio, ulps, ramp }) => {
          const thr = restartThreshold(cost, spread, onRatio);
          const below = thr * (1 - ulps * 2 ** -53);
          for (const r of [below, thr * (1 - 1e-9), thr * 0.5, 0]) {
            if (r < thr) expect(bandShare(0, r, cost, spread, 0.9, onRatio, ramp)).toBe(0);
          }
          // and the threshold is tight: 1e-9 above the cheapest cost x onRatio, machines restart
          expect(bandShare(0, cost * (1 - spread) * onRatio * (1 + 1e-9), cost, spread, 0.9, onRatio, Infinity)).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000, seed: 11 },
    );
  });

  it('operate with the short-cut leaves exactly the state the full rule leaves, step after step', () => {
    let taken = 0;
    let retired = 0;
    fc.assert(
      fc.property(
        fc.record({
          jths: fc.array(fc.integer({ min: 1200, max: 3500 }).map((x) => x / 100), { minLength: 1, maxLength: 4 }),
          price: fc.integer({ min: 1000, max: 12_000 }).map((x) => x / 100),
          hysteresis: fc.integer({ min: 0, max: 200 }).map((x) => x / 1000),
          spread: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500 }).map((x) => x / 1000)),
          ramp: fc.oneof(fc.constant(1), fc.integer({ min: 50, max: 1000 }).map((x) => x / 1000)),
          retire: fc.integer({ min: 1, max: 40 }),
          stepDays: fc.constantFrom(1, 0.5, 7),
          // long runs of low revenue (everything off), with rises that restart some cohorts
          revs: fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 12_000 })).map((x) => x / 100), { minLength: 1, maxLength: 40 }),
        }),
        ({ jths, price, hysteresis, spread, ramp, retire, stepDays, revs }) => {
          const make = (): AgentState =>
            buildAgentState(
              [
                MinerSchema.parse({
                  name: 'm',
                  sites: [{ mw: 1e4, powerPriceUsdPerMWh: price }],
                  cohorts: jths.map((j) => ({ hashrateEHs: 1, efficiencyJPerTH: j })),
                  policies: {
                    operate: { curtail: true, hysteresisShare: hysteresis, costSpreadShare: spread, rampSharePerDay: ramp, retireAfterCurtailedDays: retire },
                  },
                }),
              ],
              [],
              rng(),
              START,
            );
          const fast = make();
          const full = make();
          const snapshot = (st: AgentState) => [
            Array.from(st.cohortShare),
            Array.from(st.cohortOffDays),
            Array.from(st.cohortEhs),
            [R_ACTIVE_EHS, R_POWER_USD_PER_DAY, R_MINING_MW, R_OP_OFF_THR].map((f) => st.rec[0 * REC + f]!),
            st.installedEhs[0],
            st.cohortEpoch,
          ];
          for (const rev of revs) {
            if (rev < fast.opIdleBelow[0]!) taken++;
            // the reference never takes the short-cut
            full.opIdleBelow[0] = -Infinity;
            const a = operate(fast, 0, rev, stepDays);
            const b = operate(full, 0, rev, stepDays);
            expect(a).toBe(b);
            expect(snapshot(fast)).toEqual(snapshot(full));
          }
          retired += fast.cohortEhs.filter((x) => x === 0).length;
        },
      ),
      { numRuns: 400, seed: 13 },
    );
    // the property is only worth something if the short-cut ran, and cohorts retired around it
    expect(taken).toBeGreaterThan(300);
    expect(retired).toBeGreaterThan(50);
  });
});

describe('expansion short-cut (payback at the cheapest site)', () => {
  it('when payback fails at the cheapest site, expand() orders nothing and changes no state', () => {
    fc.assert(
      fc.property(
        fc.record({
          prices: fc.array(fc.integer({ min: 1000, max: 15_000 }).map((x) => x / 100), { minLength: 1, maxLength: 3 }),
          rev: fc.integer({ min: 0, max: 12_000 }).map((x) => x / 100),
          payback: fc.integer({ min: 30, max: 2000 }),
          usdPerTH: fc.integer({ min: 100, max: 4000 }).map((x) => x / 100),
        }),
        ({ prices, rev, payback, usdPerTH }) => {
          const st = buildAgentState(
            [
              MinerSchema.parse({
                name: 'm',
                sites: prices.map((p) => ({ mw: 100, powerPriceUsdPerMWh: p })),
                cohorts: [{ hashrateEHs: 1, efficiencyJPerTH: 20, site: 0 }],
                cashUsd: 1e12,
                strategy: 'expander',
                policies: { expand: { paybackDays: payback, machineUsdPerTH: usdPerTH, efficiencyJPerTH: 15, cooldownDays: 0 } },
              }),
            ],
            [],
            rng(),
            START,
          );
          const minPrice = Math.min(...prices);
          expect(st.minSitePriceUsdPerMWh[0]).toBe(minPrice);
          const gateOpen = paybackDays(usdPerTH, rev, 15, minPrice) < payback;
          const cash = st.rec[0 * REC + R_CASH_USD]!;
          const last = st.rec[0 * REC + R_LAST_ORDER_DAY]!;
          expand(st, 0, rev, 70_000, 100, new StepFlows());
          const ordered = st.rec[0 * REC + R_PENDING_EHS]! > 0;
          if (!gateOpen) {
            expect(ordered).toBe(false);
            expect(st.rec[0 * REC + R_CASH_USD]).toBe(cash);
            expect(st.rec[0 * REC + R_LAST_ORDER_DAY]).toBe(last);
          } else {
            // The cheapest site has free MW and cash is ample: the gate open means an order.
            expect(ordered).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 9 },
    );
  });
});
