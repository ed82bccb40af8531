import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MINER_OUTCOME_FIELDS, SERIES_METRICS, simulate, SUMMARY_METRICS } from '../src/engine/index.ts';
import { ScenarioSchema } from '../src/scenario/schema.ts';

describe('metrics contract', () => {
  const sc = ScenarioSchema.parse({
    name: 'metrics',
    horizonDays: 30,
    price: { model: 'gbm' },
    fees: { model: 'constant' },
    miners: [{ name: 'A', hashrateEHs: 10, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40 }],
    fringe: { hashrateEHs: 900 },
    output: { sampleEverySteps: 7 },
  });
  const r = simulate(sc, { seed: 1, runIndex: 0 });
  const doc = readFileSync(new URL('../docs/MODEL.md', import.meta.url), 'utf8');

  it('series, summary and miner outcomes carry exactly the documented names, snake_case', () => {
    expect(Object.keys(r.series)).toEqual(SERIES_METRICS.map((m) => m.name));
    expect(Object.keys(r.summary)).toEqual(SUMMARY_METRICS.map((m) => m.name));
    expect(Object.keys(r.miners[0]!.values)).toEqual(MINER_OUTCOME_FIELDS.map((m) => m.name));
    for (const m of [...SERIES_METRICS, ...SUMMARY_METRICS, ...MINER_OUTCOME_FIELDS]) {
      expect(m.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(doc).toContain(`\`${m.name}\``);
    }
  });

  it('samples every 7th step plus the last; flows over a sample add up to the run totals', () => {
    expect(Array.from(r.sampleDays)).toEqual([0, 7, 14, 21, 28, 29]);
    for (const v of Object.values(r.series)) expect(v.length).toBe(6);
    const sum = (k: string) => r.series[k]!.reduce((a, b) => a + b, 0);
    expect(sum('blocks')).toBe(r.summary.blocks);
    expect(sum('block_rewards_btc')).toBeCloseTo(r.summary.block_rewards_total_btc!, 6);
    expect(sum('sold_btc')).toBeCloseTo(r.summary.sold_total_btc!, 6);
  });
});
