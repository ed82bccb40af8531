// Small real result sets (real batch, real engine) for the explorer tests: a few seconds each.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { runBatch } from '../src/batch/index.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { runSweep } from '../src/sweep/index.ts';

/** Miner names that would run script if a page put them into markup. */
export const HOSTILE_MINER = '<img src=x onerror="window.__pwned=1">';
export const HOSTILE_MINER_2 = '</script><script>window.__pwned=2</script>';

/**
 * 90 days sampled every 3 days, a volatile GBM price so runs differ widely, and two named miners:
 * a leveraged one (margin calls and liquidations in some runs, not in others) and a plain one.
 */
export function scenarioYaml(name: string, driftAnnual = 0): string {
  return stringifyYaml({
    name,
    description: 'explorer test <b>not bold</b> & "quoted"',
    horizonDays: 90,
    output: { sampleEverySteps: 3 },
    price: { model: 'gbm', driftAnnual, volAnnual: 1.2 },
    miners: [
      {
        name: HOSTILE_MINER,
        hashrateEHs: 40,
        efficiencyJPerTH: 22,
        powerPriceUsdPerMWh: 55,
        treasuryBtc: 4000,
        loan: { principalUsd: 120000000, originationLtv: 0.55, marginCallLtv: 0.7, cureDays: 2, liquidationLtv: 0.85 },
      },
      { name: HOSTILE_MINER_2, hashrateEHs: 30, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40 },
    ],
    fringe: { hashrateEHs: 900 },
  });
}

export async function batch(dir: string, name: string, yaml: string, seed: number, runs: number): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const loaded = loadScenarioFile(file);
  const out = join(dir, name);
  await runBatch({
    scenario: loaded.scenario as typeof loaded.scenario & Record<string, unknown>,
    dataFiles: loaded.dataFiles.map((d) => ({ field: d.field, path: d.path, sha256: d.sha256 })),
    seed,
    runs,
    out,
    workers: 1,
    progress: 'none',
    log: () => undefined,
  });
  return out;
}

/** A 2 x 2 grid sweep of the test scenario, 4 runs per point, no base run. */
export async function sweep(dir: string): Promise<string> {
  writeFileSync(join(dir, 'sweep-base.yaml'), scenarioYaml('sweep-base'));
  const file = join(dir, 'sweep.yaml');
  writeFileSync(
    file,
    stringifyYaml({
      name: 'explore-sweep',
      base: 'sweep-base.yaml',
      seed: 5,
      replications: 4,
      baseline: false,
      design: { type: 'grid', parameters: { 'price.driftAnnual': [-0.5, 0.5], 'fringe.hashrateEHs': [800, 1000] } },
    }),
  );
  const out = join(dir, 'sweep-out');
  await runSweep(file, { out, workers: 1, quiet: true, analyze: false });
  return out;
}
