// Shared helpers of the batch/results tests: small real scenarios and byte comparison of result sets.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { strategyModulesOf, type BatchOptions } from '../src/batch/index.ts';
import { deterministicPart, type Manifest } from '../src/results/manifest.ts';

export const PARQUET_FILES = ['runs.parquet', 'series.parquet', 'miners.parquet', 'agents.parquet', 'bands.parquet'] as const;

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hashsim-${prefix}-`));
}

/** A short real scenario (GBM price, one named miner, fringe); `extra` is appended YAML for the miner. */
export function writeScenario(dir: string, opts: { name?: string; horizonDays?: number; strategyModule?: string; sampleEvery?: number } = {}): string {
  const path = join(dir, `${opts.name ?? 'tiny'}.yaml`);
  const mod = opts.strategyModule ? `, strategyModule: ${JSON.stringify(opts.strategyModule)}` : '';
  writeFileSync(
    path,
    [
      `name: ${opts.name ?? 'tiny'}`,
      `horizonDays: ${opts.horizonDays ?? 30}`,
      'price: { model: gbm, initialUsd: 70000, volAnnual: 0.6 }',
      'miners:',
      `  - { name: m1, hashrateEHs: 50, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40${mod} }`,
      'fringe: { hashrateEHs: 900 }',
      `output: { sampleEverySteps: ${opts.sampleEvery ?? 5} }`,
      '',
    ].join('\n'),
  );
  return path;
}

export function batchInputs(scenarioPath: string): Pick<BatchOptions, 'scenario' | 'dataFiles' | 'strategyModules'> {
  const l = loadScenarioFile(scenarioPath);
  return {
    scenario: l.scenario as typeof l.scenario & Record<string, unknown>,
    dataFiles: l.dataFiles.map((d) => ({ field: d.field, path: d.path, sha256: d.sha256 })),
    strategyModules: strategyModulesOf(l.scenario, l.baseDir),
  };
}

export function readManifestFile(dir: string): Manifest {
  const stored = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const timingsPath = join(dir, 'timings.json');
  const timings = existsSync(timingsPath) ? (JSON.parse(readFileSync(timingsPath, 'utf8')) as Manifest['timings']) : null;
  return { ...stored, timings };
}

/** Differences between two result sets: every parquet file byte for byte, manifest deterministic parts. */
export function resultSetDiff(a: string, b: string): string[] {
  const diffs: string[] = [];
  for (const f of PARQUET_FILES) {
    if (!existsSync(join(a, f)) || !existsSync(join(b, f))) {
      diffs.push(`${f} missing`);
      continue;
    }
    if (!readFileSync(join(a, f)).equals(readFileSync(join(b, f)))) diffs.push(`${f} bytes differ`);
  }
  const ma = readManifestFile(a);
  const mb = readManifestFile(b);
  const da = deterministicPart(ma) as unknown as Record<string, unknown>;
  const db = deterministicPart(mb) as unknown as Record<string, unknown>;
  if (JSON.stringify(da) !== JSON.stringify(db)) {
    const keys = [...new Set([...Object.keys(da), ...Object.keys(db)])].filter((k) => JSON.stringify(da[k]) !== JSON.stringify(db[k]));
    diffs.push(`manifest deterministic part differs in ${keys.join(', ') || 'key order'}`);
  }
  if (ma.deterministicSha256 !== mb.deterministicSha256) diffs.push('deterministicSha256 differs');
  if (diffs.length === 0 && !readFileSync(join(a, 'manifest.json')).equals(readFileSync(join(b, 'manifest.json')))) {
    diffs.push('manifest.json bytes differ');
  }
  return diffs;
}
