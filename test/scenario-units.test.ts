// Issue 16, point 2: one convention for shares and percents. `*Share` fields are fractions (0.3 means
// 30%), `*Pct` fields are percents (-30 means -30%); the old fraction-valued `*Pct` keys fail with a
// rename message at their path, and each kind's range check catches a value written as the other.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.ts';
import { tmp } from './batch-helpers.ts';
import { RENAMED_KEYS, ScenarioError } from '../src/scenario/errors.ts';
import { scenarioJsonSchemaText } from '../src/scenario/json-schema.ts';
import { validateScenario } from '../src/scenario/load.ts';

const MINER = 'name: m, hashrateEHs: 10, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40';

async function validate(yaml: string): Promise<{ code: number; out: string }> {
  const dir = tmp('units');
  writeFileSync(join(dir, 's.yaml'), `name: units\nfringe: { hashrateEHs: 900 }\n${yaml}\n`);
  const r = await runCli(['validate', 's.yaml'], dir);
  return { code: r.code, out: r.stdout + r.stderr };
}

/** Problems of a scenario object, as `path: message` lines (none: valid). */
function problems(obj: Record<string, unknown>): string[] {
  try {
    validateScenario({ name: 'units', fringe: { hashrateEHs: 900 }, ...obj });
    return [];
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

describe('2. *Share is a fraction, *Pct a percent (hashsim validate)', () => {
  it('an old *Pct key of a fraction fails at its path with the new name, exit 1', async () => {
    const r = await validate(
      [
        'miners:',
        `  - { ${MINER}, payout: { scheme: fpps, feePct: 0.02 } }`,
        `  - { ${MINER.replace('m,', 'n,')}, policies: { expand: { maxOrderPctOfFleet: 0.25 } } }`,
        'populations:',
        '  - { name: p, count: 3, poolFeePct: 0.02 }',
      ].join('\n'),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('miners[0].payout.feePct: renamed to feeShare (same meaning, a fraction');
    expect(r.out).toContain('miners[1].policies.expand.maxOrderPctOfFleet: renamed to maxOrderShareOfFleet');
    expect(r.out).toContain('populations[0].poolFeePct: renamed to poolFeeShare');
    expect(r.out).not.toContain('unknown key');
  });

  it('shares: fringe.overheadShare 30, a population poolFeeShare 30, payout feeShare 2.5 -> fraction messages', async () => {
    const dir = tmp('units');
    writeFileSync(
      join(dir, 's.yaml'),
      [
        'name: units',
        'fringe: { hashrateEHs: 900, overheadShare: 30 }',
        'miners:',
        `  - { ${MINER}, payout: { scheme: fpps, feeShare: 2.5 } }`,
      ].join('\n') + '\n',
    );
    const r = await runCli(['validate', 's.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fringe.overheadShare: expected a number <= 5, got 30 (overheadShare is a fraction: 0.3 means 30%)');
    expect(r.stderr).toContain('miners[0].payout.feeShare: expected a number <= 1, got 2.5 (feeShare is a fraction: 0.3 means 30%)');
    writeFileSync(join(dir, 'p.yaml'), 'name: units\nfringe: { hashrateEHs: 900 }\npopulations:\n  - { name: p, count: 3, poolFeeShare: 30, siteHeadroomShare: { dist: uniform, min: 0, max: 25 } }\n');
    const p = await runCli(['validate', 'p.yaml'], dir);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/populations\[0\]\.poolFeeShare: expected a value >= 0 and <= 1 .*got 30 \(poolFeeShare is a fraction: 0\.3 means 30%\)/);
    expect(p.stderr).toMatch(/populations\[0\]\.siteHeadroomShare\.max: .*got 25 \(siteHeadroomShare is a fraction: 0\.3 means 30%\)/);
  });

  it('a percent written as a fraction (returnPct: -0.3) is refused as a percent, exit 1', async () => {
    const r = await validate('price: { model: gbm, shocks: [{ day: 10, returnPct: -0.3 }] }');
    expect(r.code).toBe(1);
    expect(r.out).toContain('price.shocks[0].returnPct: expected a return in percent (returnPct is in percent: -30 means -30%), got -0.3: write -30 for -30%');
    const ok = await validate('price: { model: gbm, shocks: [{ day: 10, returnPct: -30 }, { day: 20, returnPct: 0 }, { day: 30, returnPct: 1 }] }');
    expect(ok.code, ok.out).toBe(0);
  });

  it('every old key is refused with its rename wherever the new key is allowed; the new keys validate', () => {
    const strategy = { operate: { minMarginPct: 0.05, hysteresisPct: 0.1 }, expand: { maxOrderPctOfFleet: 0.2 } };
    const old = problems({
      strategies: { s: strategy },
      miners: [{ name: 'm', hashrateEHs: 10, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, payout: { scheme: 'fpps', feePct: 0.02 }, loan: { penaltyPct: 0.04 } }],
      populations: [{ name: 'p', count: 3, poolFeePct: 0.02, siteHeadroomPct: 0.1 }],
    });
    const expected = [
      'strategies.s.operate.minMarginPct: renamed to minMarginShare',
      'strategies.s.operate.hysteresisPct: renamed to hysteresisShare',
      'strategies.s.expand.maxOrderPctOfFleet: renamed to maxOrderShareOfFleet',
      'miners[0].payout.feePct: renamed to feeShare',
      'miners[0].loan.penaltyPct: renamed to penaltyShare',
      'populations[0].poolFeePct: renamed to poolFeeShare',
      'populations[0].siteHeadroomPct: renamed to siteHeadroomShare',
    ];
    for (const e of expected) expect(old.some((l) => l.startsWith(e)), `${e}\n${old.join('\n')}`).toBe(true);
    expect(old).toHaveLength(expected.length);
    const renamed = (o: unknown): unknown =>
      Array.isArray(o) ? o.map(renamed) : typeof o === 'object' && o !== null ? Object.fromEntries(Object.entries(o).map(([k, v]) => [RENAMED_KEYS[k] ?? k, renamed(v)])) : o;
    expect(
      problems(
        renamed({
          strategies: { s: strategy },
          miners: [{ name: 'm', hashrateEHs: 10, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, payout: { scheme: 'fpps', feePct: 0.02 }, loan: { penaltyPct: 0.04 } }],
          populations: [{ name: 'p', count: 3, poolFeePct: 0.02, siteHeadroomPct: 0.1 }],
        }) as Record<string, unknown>,
      ),
    ).toEqual([]);
  });

  it('keys renamed before (supply model, miner finance) get the same treatment; hurdlePct says it was replaced', () => {
    const old = problems({
      fringe: { hashrateEHs: 900, overheadPct: 0.05 },
      strategies: { s: { aiPivot: { marginPct: 0.8, tranchePct: 0.5, hurdlePct: 0.25 } } },
    });
    expect([...old].sort()).toEqual([
      'fringe.overheadPct: renamed to overheadShare (same meaning, a fraction: 0.025 means 2.5%)',
      expect.stringMatching(/^strategies\.s\.aiPivot\.hurdlePct: replaced by hurdleShareOfCapex, which measures something else/),
      'strategies.s.aiPivot.marginPct: renamed to marginShare (same meaning, a fraction: 0.025 means 2.5%)',
      'strategies.s.aiPivot.tranchePct: renamed to trancheShare (same meaning, a fraction: 0.025 means 2.5%)',
    ]);
  });

  it('no fraction-valued field of the schema is named *Pct (only shocks[].returnPct is a percent)', () => {
    const pct = [...scenarioJsonSchemaText().matchAll(/"([A-Za-z]+Pct[A-Za-z]*)":/g)].map((m) => m[1]);
    expect([...new Set(pct)]).toEqual(['returnPct']);
  });
});

describe('2. a sweep parameter path with an old *Pct key', () => {
  it('hashsim validate of a sweep names the rename, exit 1', async () => {
    const dir = tmp('units-sweep');
    writeFileSync(join(dir, 'base.yaml'), ['name: base', 'fringe: { hashrateEHs: 900 }', 'miners:', `  - { ${MINER}, payout: { scheme: fpps, feeShare: 0.02 } }`].join('\n') + '\n');
    writeFileSync(
      join(dir, 'sweep.yaml'),
      ['name: s', 'base: base.yaml', 'seed: 1', 'replications: 1', 'design:', '  type: grid', '  parameters:', '    miners[0].payout.feePct: [0.01, 0.02]'].join('\n') + '\n',
    );
    const r = await runCli(['validate', join(dir, 'sweep.yaml')], dir);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('parameter "miners[0].payout.feePct": feePct was renamed to feeShare');
  });
});
