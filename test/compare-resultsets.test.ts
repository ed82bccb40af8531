// Integration tests of `hashsim compare` on real result sets produced by the real batch and engine.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-helpers.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../src/batch/index.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { compareResultSets, type Comparison } from '../src/compare/index.ts';
import { readParquetFile } from '../src/results/parquet.ts';
import { deterministicHash, type Manifest } from '../src/results/manifest.ts';

const RUNS = 24;
// 60 days of the minimal scenario, sampled every 5 days: a few seconds per set.
const BASE = `
name: cmp-base
miners:
  - { name: big-public-miner, hashrateEHs: 50, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40 }
fringe: { hashrateEHs: 900 }
horizonDays: 60
output: { sampleEverySteps: 5 }
`;
// The injected effect: an expected price return of +200%/year instead of 0. With common random
// numbers every run of B sees A's price shocks, so B's final price is above A's in every run.
const DRIFT = `${BASE.replace('name: cmp-base', 'name: cmp-drift')}price: { model: gbm, driftAnnual: 2.0 }\n`;
const SHORT = BASE.replace('name: cmp-base', 'name: cmp-short').replace('horizonDays: 60', 'horizonDays: 30');

let tmp: string;
const dirs: Record<string, string> = {};

async function batch(name: string, yaml: string, seed: number): Promise<string> {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, yaml);
  const loaded = loadScenarioFile(file);
  const out = join(tmp, name);
  await runBatch({
    scenario: loaded.scenario as typeof loaded.scenario & Record<string, unknown>,
    seed,
    runs: RUNS,
    out,
    workers: 1,
    progress: 'none',
    log: () => undefined,
  });
  return out;
}

function cli(args: string[]): ReturnType<typeof runCli> {
  return runCli(args, tmp);
}

function metric(c: Comparison, name: string) {
  const m = c.metrics.find((x) => x.metric === name);
  if (!m) throw new Error(`no metric ${name} in ${c.metrics.map((x) => x.metric).join(', ')}`);
  return m;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hashsim-compare-'));
  dirs.a = await batch('a', BASE, 7);
  dirs.b = await batch('b', DRIFT, 7);
  dirs.bOther = await batch('b-seed8', DRIFT, 8);
  dirs.short = await batch('short', SHORT, 7);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('hashsim compare on real result sets', () => {
  it('A vs A: zero differences, zero-width intervals, non-significant tests, files written', async () => {
    const out = join(tmp, 'aa');
    const r = await cli(['compare', dirs.a!, dirs.a!, '--out', out, '--no-charts']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('paired');
    expect(r.stdout).toContain('final_price_usd');
    const c = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as Comparison;
    expect(c.paired).toBe(true);
    expect(c.metrics.length).toBeGreaterThan(5);
    for (const m of c.metrics) {
      if (m.nPairs === 0) continue;
      expect(m.diff, m.metric).toBe(0);
      expect(m.ciLower, m.metric).toBe(0);
      expect(m.ciUpper, m.metric).toBe(0);
      expect(m.diffMedian, m.metric).toBe(0);
      expect(m.pValue, m.metric).toBe(1);
      expect(m.ksPValue, m.metric).toBe(1);
    }
    expect(c.steps.length).toBeGreaterThan(0);
    for (const s of c.steps) if (s.diffMean !== null) expect(s.diffMean).toBe(0);
    // The Parquet outputs hold one row per summary metric and per (series metric, step).
    const pq = await readParquetFile(join(out, 'compare.parquet'));
    expect(pq.numRows).toBe(c.metrics.length);
    const steps = await readParquetFile(join(out, 'compare_steps.parquet'));
    expect(steps.numRows).toBe(c.steps.length);
  });

  it('detects an injected price drift with the right sign and size, paired', async () => {
    const c = await compareResultSets(dirs.a!, dirs.b!, { steps: true, resamples: 1000 });
    expect(c.paired).toBe(true);
    const m = metric(c, 'final_price_usd');
    expect(m.nPairs).toBe(RUNS);
    expect(m.diff!).toBeGreaterThan(0);
    expect(m.ciLower!).toBeGreaterThan(0);
    // All 24 paired differences are positive: the exact signed-rank p is 2 / 2^24.
    expect(m.pValue!).toBeLessThan(1e-6);
    // GBM with drift mu: E[S_T] = S_0 exp(mu T). With the same shocks, B/A = exp(2.0 * T) per run
    // for T between 55 and 60 days (where the last sample sits), i.e. +35% to +39%.
    expect(m.diffPct!).toBeGreaterThan(100 * (Math.exp((2 * 50) / 365) - 1));
    expect(m.diffPct!).toBeLessThan(100 * (Math.exp((2 * 61) / 365) - 1));
    // Step bands: the price difference grows over time and is positive at the last step.
    const price = c.steps.filter((s) => s.metric === 'price_usd');
    const last = price[price.length - 1]!;
    expect(last.diffMean!).toBeGreaterThan(0);
    expect(last.ciLower!).toBeGreaterThan(0);
    expect(last.diffMean!).toBeGreaterThan(price[1]!.diffMean!);
  });

  it('the paired interval is narrower than the unpaired one for the same two scenarios', async () => {
    const paired = await compareResultSets(dirs.a!, dirs.b!, { steps: false, resamples: 1000 });
    const unpaired = await compareResultSets(dirs.a!, dirs.bOther!, { steps: false, resamples: 1000 });
    expect(paired.paired).toBe(true);
    expect(unpaired.paired).toBe(false);
    expect(unpaired.pairing).toMatch(/unpaired: .*different seeds/);
    const wp = metric(paired, 'final_price_usd');
    const wu = metric(unpaired, 'final_price_usd');
    expect(wu.test).toMatch(/Mann-Whitney/);
    expect(wu.ksPValue).not.toBeNull();
    expect(wp.ciUpper! - wp.ciLower!).toBeLessThan(wu.ciUpper! - wu.ciLower!);
    // The unpaired comparison still finds the effect's sign.
    expect(wu.diff!).toBeGreaterThan(0);
  });

  it('refuses sets whose steps do not line up, naming the field', async () => {
    const r = await cli(['compare', dirs.a!, dirs.short!, '--out', join(tmp, 'bad'), '--no-charts']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/horizonDays 60 vs 30/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // a user error: no stack trace
  });

  it('warns when package versions differ', async () => {
    const copy = join(tmp, 'a-other-version');
    cpSync(dirs.a!, copy, { recursive: true });
    const mf = join(copy, 'manifest.json');
    const m = JSON.parse(readFileSync(mf, 'utf8')) as Manifest;
    (m.package as { version: string }).version = '0.0.1-test';
    // A set genuinely made by another version: its manifest hash is consistent (an edited one is refused).
    writeFileSync(mf, JSON.stringify({ ...m, deterministicSha256: deterministicHash(m) }));
    const r = await cli(['compare', dirs.a!, copy, '--out', join(tmp, 'ver'), '--no-charts', '--no-steps']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/package versions differ/);
  });

  it('writes comparison charts through the chart builders', async () => {
    const out = join(tmp, 'charts');
    const r = await cli(['compare', dirs.a!, dirs.b!, '--out', out, '--metrics', 'final_price_usd', 'price_usd']);
    expect(r.code, r.stderr).toBe(0);
    // One chart per series metric: A vs B bands above, paired differences below.
    const svg = readFileSync(join(out, 'charts', 'series-price_usd.svg'), 'utf8');
    expect(svg).toContain('<svg');
    expect(readFileSync(join(out, 'charts', 'series-price_usd.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('charts/series-price_usd.png');
    expect(readFileSync(join(out, 'charts', 'paired-final_price_usd.svg'), 'utf8')).toContain('<svg');
    const c = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as Comparison;
    expect(c.metrics.map((m) => m.metric)).toEqual(['final_price_usd']);
  });
});
