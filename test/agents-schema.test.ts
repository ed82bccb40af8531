import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/engine/index.ts';
import { ScenarioSchema, type ScenarioInput } from '../src/scenario/schema.ts';

// Cross-field validation of a named miner's opening loan: its collateral, principal /
// (originationLtv x start price), must come out of its treasury. 100 BTC at LTV 0.5 and $70,000
// back at most 100 x 0.5 x 70,000 = $3.5M.

function scenario(principalUsd: number, price: ScenarioInput['price'] = { model: 'gbm', initialUsd: 70_000 }): ScenarioInput {
  return {
    name: 'loan-check',
    start: { date: '2026-03-01', height: 953_567, bits: '0x170240c3' },
    horizonDays: 3,
    price,
    miners: [
      { name: 'ok', hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, treasuryBtc: 100 },
      {
        name: 'levered',
        hashrateEHs: 1,
        efficiencyJPerTH: 20,
        powerPriceUsdPerMWh: 40,
        treasuryBtc: 100,
        loan: { principalUsd, originationLtv: 0.5 },
      },
    ],
  };
}

describe('opening loan vs treasury (scenario validation)', () => {
  it('rejects a principal above treasury x originationLtv x start price, naming the loan field', () => {
    const r = ScenarioSchema.safeParse(scenario(3_500_000 * 1.001));
    expect(r.success).toBe(false);
    const issues = r.error!.issues.filter((i) => i.path.join('.') === 'miners.1.loan.principalUsd');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain('3500000');
  });

  it('accepts the largest principal the treasury supports, and the run starts', () => {
    const s = ScenarioSchema.parse(scenario(3_500_000));
    expect(() => simulate(s, { seed: 1, runIndex: 0 })).not.toThrow();
  });

  it('uses the first price of a path model as the start price', () => {
    // At $35,000 the same treasury backs only $1.75M.
    const path = { model: 'path' as const, pricesUsd: [35_000, 35_000, 35_000, 35_000] };
    expect(ScenarioSchema.safeParse(scenario(1_750_000, path)).success).toBe(true);
    const bad = ScenarioSchema.safeParse(scenario(1_760_000, path));
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toContain('miners.1.loan.principalUsd');
  });

  it('hashsim validate reports the field path and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hashsim-loan-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(scenario(5_000_000)));
    const r = spawnSync(process.execPath, ['bin/hashsim.mjs', 'validate', file], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('miners[1].loan.principalUsd');
  });
});
