// `hashsim calibrate` as a user runs it: a calibration set byte-identical for 1 vs 2 workers and
// after kill + --resume; bad calibration files get field-path errors, exit 1 and nothing written;
// a scenario that names the set runs each run on one posterior draw, the same per run index in two
// scenarios (so compare still pairs runs).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION_DATA_FILES } from '../src/calibrate/run.ts';
import { readParquetFile } from '../src/results/parquet.ts';
import { runCli } from './cli-helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/hashsim.mjs');
const dir = mkdtempSync(join(tmpdir(), 'hashsim-calibrate-'));
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const hashes = (out: string) => CALIBRATION_DATA_FILES.map((f) => sha(join(out, f)));

function calibrationYaml(over: string[] = [], params?: string[], windows = ["  - { from: '2023-09-01', to: '2024-01-15', feeBtcPerBlock: 0.2 }"]): string {
  return [
    'name: tiny',
    `base: ${join(ROOT, 'scenarios/baseline-2026.yaml')}`,
    'parameters:',
    ...(params ?? [
      '  - { path: fringe.investment.maxOrdersShareAnnual, prior: { dist: loguniform, min: 0.2, max: 6 } }',
      '  - { path: fringe.powerPrice.medianUsdPerMWh, prior: { dist: uniform, min: 25, max: 70 } }',
    ]),
    'windows:',
    ...windows,
    'sampler: { chains: 2, iterations: 160, burnIn: 80, thin: 4, block: 20 }',
    'keepDraws: 20',
    ...over,
  ].join('\n');
}
const file = join(dir, 'tiny.yaml');

beforeAll(() => writeFileSync(file, calibrationYaml()));
afterAll(() => {});

describe('hashsim calibrate', () => {
  it('writes a calibration set, byte-identical for 1 and 2 workers', async () => {
    const a = await runCli(['calibrate', file, '--out', join(dir, 'w1'), '--workers', '1', '--quiet'], dir);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const b = await runCli(['calibrate', file, '--out', join(dir, 'w2'), '--workers', '2', '--quiet', '--no-charts'], dir);
    expect(b.code).toBe(0);
    expect(hashes(join(dir, 'w2'))).toEqual(hashes(join(dir, 'w1')));
    for (const f of ['manifest.json', 'calibration.html', 'fit.png', 'posterior.png', 'posterior.parquet']) expect(existsSync(join(dir, 'w1', f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'w1', 'manifest.json'), 'utf8'));
    expect(manifest.files['posterior.parquet']).toBe(sha(join(dir, 'w1', 'posterior.parquet')));
    // draws.json holds the same values as posterior.parquet (every 2nd of 40 draws here).
    const post = await readParquetFile(join(dir, 'w1', 'posterior.parquet'));
    const draws = JSON.parse(readFileSync(join(dir, 'w1', 'draws.json'), 'utf8'));
    expect(post.numRows).toBe(2 * (80 / 4));
    // Scenario paths: the model error sd becomes the fringe's noise.
    expect(draws.parameters).toEqual(['fringe.investment.maxOrdersShareAnnual', 'fringe.powerPrice.medianUsdPerMWh', 'fringe.noise.sdLog']);
    expect(post.names).toContain('likelihood.modelErrorLog');
    expect(draws.draws[1][2]).toBe((post.columns['likelihood.modelErrorLog'] as Float64Array)[2]);
    expect(draws.draws[1][0]).toBe((post.columns['fringe.investment.maxOrdersShareAnnual'] as Float64Array)[2]);
    // Re-running the same file is up to date.
    const again = await runCli(['calibrate', file, '--out', join(dir, 'w1')], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
  }, 120_000);

  it('after kill -9 mid-run, --resume completes the same bytes', async () => {
    const out = join(dir, 'killed');
    const child = spawn(process.execPath, [BIN, 'calibrate', file, '--out', out, '--workers', '1', '--quiet', '--no-charts'], { cwd: dir, stdio: 'ignore' });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (existsSync(join(out, '.spool', 'chain-0.json'))) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    await new Promise((r) => child.on('exit', r));
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    const refused = await runCli(['calibrate', file, '--out', out, '--quiet'], dir);
    expect(refused.code).toBe(2); // a usage problem: say how to continue
    expect(refused.stderr).toMatch(/--resume/);
    const r = await runCli(['calibrate', file, '--out', out, '--resume', '--quiet', '--no-charts'], dir);
    expect(r.code).toBe(0);
    expect(hashes(out)).toEqual(hashes(join(dir, 'w1')));
    expect(existsSync(join(out, '.spool'))).toBe(false);
  }, 120_000);

  it.each([
    ['an unknown parameter path', calibrationYaml([], ['  - { path: fringe.investment.nope, prior: { dist: uniform, min: 1, max: 2 } }']), /parameters\[0\]\.path: .*does not exist/],
    ['a path outside the fringe', calibrationYaml([], ['  - { path: price.volAnnual, prior: { dist: uniform, min: 0.1, max: 1 } }']), /parameters\[0\]\.path: expected a fringe\.\* path/],
    ['prior bounds reversed', calibrationYaml([], ['  - { path: fringe.overheadShare, prior: { dist: uniform, min: 0.5, max: 0.1 } }']), /parameters\[0\]\.prior\.max: expected max > min/],
    ['a bound the model rejects', calibrationYaml([], ['  - { path: fringe.switching.rampSharePerDay, prior: { dist: uniform, min: 0, max: 0.5 } }']), /parameters\[0\]\.prior\.min: 0 is not a valid value/],
    ['an integer field', calibrationYaml([], ['  - { path: fringe.investment.deliveryLagDays, prior: { dist: uniform, min: 60, max: 200 } }']), /parameters\[0\]\.path: .*whole numbers only/],
    ['a field the history fleet replaces', calibrationYaml([], ['  - { path: fringe.frontier.efficiencyJPerTH, prior: { dist: uniform, min: 10, max: 20 } }']), /parameters\[0\]\.path: .*cannot be estimated here/],
    ['thinning past the kept iterations', calibrationYaml(['sampler: { chains: 2, iterations: 100, burnIn: 95, thin: 10 }']).replace('sampler: { chains: 2, iterations: 160, burnIn: 80, thin: 4, block: 20 }\n', ''), /sampler\.thin: expected at most iterations - burnIn \(5\)/],
    ['an impossible date', calibrationYaml([], undefined, ["  - { from: '2023-02-30', to: '2023-06-01' }"]), /windows\[0\]\.from: expected a real calendar date/],
    ['a window past the data', calibrationYaml([], undefined, ["  - { from: '2025-06-01', to: '2025-12-01' }"]), /windows\[0\]\.to: expected a date up to 2025-10-01 \(windows are \[from, to\); the last price .* is 2025-09-30\)/],
  ])('%s: a field-path error, exit 1, nothing written', async (_label, text, message) => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, text);
    const out = join(dir, 'bad-out');
    const r = await runCli(['calibrate', f, '--out', out], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['a gap', 'date,close_usd\n2023-01-01,16000\n2023-01-03,16100\n', /prices: .*line 3: gap: expected 2023-01-02, got 2023-01-03/],
    ['a non-positive price', 'date,close_usd\n2023-01-01,16000\n2023-01-02,0\n', /prices: .*line 3: .*expected a positive price, got "0"/],
  ])('a price CSV with %s: exit 1 naming the line', async (_label, csv, message) => {
    writeFileSync(join(dir, 'prices.csv'), csv);
    const f = join(dir, 'badprices.yaml');
    writeFileSync(f, calibrationYaml(['prices: prices.csv']));
    const r = await runCli(['calibrate', f, '--out', join(dir, 'bad-prices-out')], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'bad-prices-out'))).toBe(false);
  });

  it('a scenario naming the set draws one posterior sample per run, the same per run index in two scenarios', async () => {
    const set = join(dir, 'w1');
    const scen = (name: string, miners: string) =>
      [
        `name: ${name}`,
        "start: { date: '2026-03-20', height: 941471, bits: '0x17021a91' }",
        'horizonDays: 20',
        'price: { model: gbm, initialUsd: 70000, volAnnual: 0.5 }',
        miners,
        'fringe: { hashrateEHs: realized }',
        `calibration: { set: ${set} }`,
      ].join('\n');
    writeFileSync(join(dir, 'a.yaml'), scen('cal-a', 'miners: [{ name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40 }]'));
    writeFileSync(join(dir, 'b.yaml'), scen('cal-b', 'miners: [{ name: m, hashrateEHs: 30, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40 }]'));
    for (const n of ['a', 'b']) {
      const r = await runCli(['run', `${n}.yaml`, '--runs', '8', '--seed', '5', '--out', join(dir, `set-${n}`), '--no-charts', '--quiet'], dir);
      expect(r.code).toBe(0);
    }
    const ra = await readParquetFile(join(dir, 'set-a', 'runs.parquet'));
    const rb = await readParquetFile(join(dir, 'set-b', 'runs.parquet'));
    const da = Array.from(ra.columns['calibration_draw'] as Float64Array);
    expect(da.every((x) => Number.isInteger(x) && x >= 0 && x < 20)).toBe(true);
    expect(new Set(da).size).toBeGreaterThan(3);
    expect(Array.from(rb.columns['calibration_draw'] as Float64Array)).toEqual(da);
    // verify re-runs a run on its draw bit for bit.
    const v = await runCli(['verify', join(dir, 'set-a'), '--sample', '3'], dir);
    expect(v.code).toBe(0);
  }, 120_000);
});
