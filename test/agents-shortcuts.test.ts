import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paybackDays } from '../src/agents/economics.ts';
import { expand, operate, StepFlows } from '../src/agents/policies.ts';
import { MinerSchema } from '../src/agents/schema.ts';
import { buildAgentState, REC, R_ACTIVE_EHS, R_CASH_USD, R_LAST_ORDER_DAY, R_MINING_MW, R_OP_OFF_THR, R_PENDING_EHS, R_POWER_USD_PER_DAY } from '../src/agents/state.ts';
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
