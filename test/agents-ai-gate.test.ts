import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aiBeatsMining, aiValueUsdPerMwYear, miningValueUsdPerMwYear } from '../src/agents/economics.ts';
import { aiPivot, operate, StepFlows } from '../src/agents/policies.ts';
import { MinerSchema } from '../src/agents/schema.ts';
import { buildAgentState, REC, R_HASHPRICE_EMA } from '../src/agents/state.ts';
import { deriveStream } from '../src/random/index.ts';

// The engine skips the AI rule's site scan when the miner's averaged revenue is above a cached bound.
// The decision must still be exactly the documented rule: pivot iff some site with convertible MW has
// aiValue > (1 + hurdle) x max(miningValue, 0) (economics.ts, evaluated here site by site).

const rng = () => deriveStream({ seed: 3, scenario: 'ai-gate', runIndex: 0, component: 'population' });

describe('AI pivot short-cut agrees with the rule', () => {
  it('pivots iff a site passes aiBeatsMining, for random fleets, prices and revenues (incl. after retirements)', () => {
    fc.assert(
      fc.property(
        fc.record({
          jthA: fc.double({ min: 12, max: 35, noNaN: true }),
          jthB: fc.double({ min: 12, max: 35, noNaN: true }),
          pA: fc.double({ min: 10, max: 120, noNaN: true }),
          pB: fc.double({ min: 10, max: 120, noNaN: true }),
          aiRev: fc.double({ min: 2e5, max: 3e6, noNaN: true }),
          hurdle: fc.double({ min: 0, max: 1, noNaN: true }),
          revs: fc.array(fc.double({ min: 1, max: 120, noNaN: true }), { minLength: 1, maxLength: 8 }),
        }),
        ({ jthA, jthB, pA, pB, aiRev, hurdle, revs }) => {
          const st = buildAgentState(
            [
              MinerSchema.parse({
                name: 'm',
                sites: [
                  { mw: 100, powerPriceUsdPerMWh: pA, aiConvertibleShare: 0.5 },
                  { mw: 100, powerPriceUsdPerMWh: pB, aiConvertibleShare: 0.5 },
                ],
                cohorts: [
                  { hashrateEHs: 40 / jthA, efficiencyJPerTH: jthA, site: 0 },
                  { hashrateEHs: 40 / jthB, efficiencyJPerTH: jthB, site: 1 },
                ],
                cashUsd: 1e12,
                strategy: 'ai-pivoter',
                policies: {
                  operate: { retireAfterCurtailedDays: 2 },
                  aiPivot: { revenueUsdPerMwYear: aiRev, marginPct: 0.8, capexUsdPerMw: 1e6, contractYears: 10, hurdlePct: hurdle, financeCapex: false },
                },
              }),
            ],
            [],
            rng(),
            { priceUsd: 70_000, btcPerPhDay: 5e-7 },
          );
          const aiValue = aiValueUsdPerMwYear(aiRev, 0.8, 1e6, 10);
          for (let d = 0; d < revs.length; d++) {
            const rev = revs[d]!;
            st.rec[0 * REC + R_HASHPRICE_EMA] = rev;
            // The rule, by hand: site efficiency of the machines still installed at each site.
            let expected = false;
            for (let s = 0; s < 2; s++) {
              const ehs = st.cohortEhs[s]!;
              const jth = s === 0 ? jthA : jthB;
              const mining = ehs > 0 ? miningValueUsdPerMwYear(rev, jth, s === 0 ? pA : pB) : 0;
              if (aiBeatsMining(aiValue, mining, hurdle)) expected = true;
            }
            const mw = aiPivot(st, 0, 70_000, d, new StepFlows());
            expect(mw > 0).toBe(expected);
            if (mw > 0) return; // one conversion; the rest of the path is another case
            // Retire cohorts that stay unprofitable (changes site efficiency for the next day).
            operate(st, 0, rev, 1);
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
