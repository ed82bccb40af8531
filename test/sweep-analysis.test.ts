import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { prepareSweep, runSweep } from '../src/sweep/index.ts';
import { readParquetFile } from '../src/results/parquet.ts';
import { HashsimError } from '../src/errors.ts';
import { runCli } from './cli-helpers.ts';
import { validateFile } from '../src/cli/commands/validate.ts';

// One small end-to-end Sobol sweep on a 30-day version of scenarios/minimal.yaml through the CLI
// (design, runs, analysis, charts); copies of it interrupted and completed with --resume under other
// worker counts; `hashsim analyze`; `hashsim validate` on sweep files.

const ROOT = resolve(import.meta.dirname, '..');
const WORK = mkdtempSync(join(tmpdir(), 'hashsim-sweep-analysis-'));
const OUT_A = join(WORK, 'a');
const OUT_B = join(WORK, 'b');
let sweepFile = '';

function writeSweep(name: string, body: Record<string, unknown>): string {
  const file = join(WORK, `${name}.yaml`);
  writeFileSync(file, stringifyYaml({ base: 'base.yaml', seed: 9, replications: 2, ...body }));
  return file;
}

/** Every file under dir (relative path -> bytes), without timings.json (wall-clock times) and charts/. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (name === 'timings.json' || rel === 'charts') continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.set(rel, readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function expectSameTree(a: string, b: string): void {
  const ta = tree(a);
  const tb = tree(b);
  expect([...tb.keys()]).toEqual([...ta.keys()]);
  for (const [k, v] of ta) expect(tb.get(k)!.equals(v), k).toBe(true);
}

beforeAll(async () => {
  const s = parseYaml(readFileSync(join(ROOT, 'scenarios', 'minimal.yaml'), 'utf8')) as Record<string, unknown>;
  s['horizonDays'] = 30;
  writeFileSync(join(WORK, 'base.yaml'), stringifyYaml(s));
  sweepFile = writeSweep('sobol', {
    design: {
      type: 'sobol',
      samples: 2,
      parameters: { 'price.driftAnnual': { min: -0.5, max: 0.5 }, 'miners[0].powerPriceUsdPerMWh': { min: 20, max: 80 } },
    },
    analysis: { metrics: ['final_price_usd', 'final_hashrate_ehs'], outcome: 'final_price_usd < 70000', bootstrap: 200, labels: { 'price.driftAnnual': 'BTC price drift' } },
  });
  // The CLI: 4 worker threads for 2 replications, so two points run at a time.
  const r = await runCli(['sweep', sweepFile, '--out', OUT_A, '--workers', '4', '--quiet'], ROOT);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}, 240_000);

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe('a Sobol sweep end to end', () => {
  it('runs N(k+2) points plus the base scenario and writes the analysis', async () => {
    const doc = JSON.parse(readFileSync(join(OUT_A, 'sweep.json'), 'utf8')) as { points: unknown[]; baseline: string; layout: string };
    expect(doc.points.length).toBe(2 * (2 + 2));
    expect(doc.baseline).toBe('base');
    expect(doc.layout).toMatch(/^Saltelli: base sample j = 0..1 occupies points 4j .. 4j\+3: A_j, AB_1j..AB_2j, B_j/);
    const t = await readParquetFile(join(OUT_A, 'sensitivity.parquet'));
    expect(t.names).toEqual(['metric', 'method', 'parameter', 'parameter2', 'index', 'estimate', 'ci_low', 'ci_high', 'se', 'n', 'confidence', 'output_variance', 'noise_share']);
    const rows = Array.from({ length: t.numRows }, (_, i) => `${t.columns['metric']![i]} ${t.columns['method']![i]} ${t.columns['parameter']![i]} ${t.columns['index']![i]}`);
    for (const m of ['final_price_usd', 'final_hashrate_ehs']) {
      for (const p of ['price.driftAnnual', 'miners[0].powerPriceUsdPerMWh']) {
        for (const i of ['S1', 'ST']) expect(rows).toContain(`${m} sobol ${p} ${i}`);
        for (const i of ['low', 'high']) expect(rows).toContain(`${m} main-effect ${p} ${i}`);
      }
    }
    const sens = JSON.parse(readFileSync(join(OUT_A, 'sensitivity.json'), 'utf8'));
    expect(sens.labels['price.driftAnnual']).toBe('BTC price drift');
    expect(sens.base).toEqual({ dir: 'base', values: { 'price.driftAnnual': 0, 'miners[0].powerPriceUsdPerMWh': 40 } });
    const price = sens.metrics.find((m: { metric: string }) => m.metric === 'final_price_usd');
    // N = 2 is far too small: the output says so and how large N should be.
    expect(price.adequate).toBe(false);
    expect(price.warnings.join('\n')).toMatch(/N = 2 is too small for useful intervals: .* about N = \d+ would do/);
    expect(price.base.n).toBe(2);
    // The miner's power price does not act on the price path (common random numbers): its price
    // noise is tiny next to the drift's effect, and its total index is ~0.
    expect(price.noiseShare).toBeLessThan(0.1);
    expect(Math.abs(price.sobol.total['miners[0].powerPriceUsdPerMWh'].estimate)).toBeLessThan(0.05);
    const disc = JSON.parse(readFileSync(join(OUT_A, 'discovery.json'), 'utf8'));
    expect(disc.outcome).toBe('final_price_usd < 70000');
    expect(disc.scope).toBe('run');
    expect(disc.rows).toBe(8 * 2);
    const charts = JSON.parse(readFileSync(join(OUT_A, 'charts', 'index.json'), 'utf8')) as { charts: { name: string }[] };
    const names = charts.charts.map((c) => c.name);
    for (const n of ['sobol-final_price_usd', 'tornado-final_price_usd', 'heatmap-final_hashrate_ehs']) expect(names).toContain(n);
  });

  it('writes byte-identical sweep sets for any worker count and after an interrupted run is resumed', async () => {
    // An interrupted copy (half the points, the base run, the tables and the analysis missing)
    // completed by the library with one worker thread, points one after the other.
    cpSync(OUT_A, OUT_B, { recursive: true });
    for (const p of ['points/0', 'points/1', 'points/2', 'points/3', 'base', 'sweep.parquet', 'sweep.csv', 'sensitivity.parquet', 'sensitivity.json', 'discovery.json', 'charts']) {
      rmSync(join(OUT_B, p), { recursive: true, force: true });
    }
    const res = await runSweep(sweepFile, { out: OUT_B, workers: 1, quiet: true, resume: true });
    expect(res.runsFailed).toBe(0);
    expectSameTree(OUT_A, OUT_B);
    // Again with three threads (one point at a time, two of them busy).
    rmSync(join(OUT_B, 'points', '6'), { recursive: true });
    rmSync(join(OUT_B, 'sensitivity.json'));
    await runSweep(sweepFile, { out: OUT_B, workers: 3, quiet: true, resume: true });
    expectSameTree(OUT_A, OUT_B);
  }, 120_000);

  it('hashsim analyze re-runs the analysis for another metric and outcome without simulating', async () => {
    const r = await runCli(['analyze', OUT_B, '--metric', 'final_hashrate_ehs', '--outcome', 'miner("big-public-miner").final_hashrate_ehs > 0', '--no-png'], ROOT);
    expect(r.stderr).toMatch(/charts: \d+ in/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/final_hashrate_ehs \(EH\/s\): mean over points .*, base scenario/);
    expect(r.stdout).toMatch(/Sobol indices, N = 2/);
    expect(r.stdout).toMatch(/outcome "miner\("big-public-miner"\)\.final_hashrate_ehs > 0" \(per run\)/);
    const sens = JSON.parse(readFileSync(join(OUT_B, 'sensitivity.json'), 'utf8'));
    expect(sens.metrics.map((m: { metric: string }) => m.metric)).toEqual(['final_hashrate_ehs']);
    expect(sens.settings.bootstrap).toBe(200);
    const bad = await runCli(['analyze', OUT_B, '--metric', 'final_hashrate'], ROOT);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--metric: unknown metric "final_hashrate" \(did you mean "final_hashrate_ehs"/);
    const miner = await runCli(['analyze', OUT_B, '--outcome', 'miner("nobody").liquidations > 0', '--no-charts'], ROOT);
    expect(miner.code).not.toBe(0);
    expect(miner.stderr).toMatch(/analysis\.outcome: miner "nobody" is not a named miner .*big-public-miner/);
    expect(miner.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  }, 60_000);
});

describe('sweep files: validate and field-path errors', () => {
  it('hashsim validate accepts sweep files and names the field of every problem', async () => {
    const bad = writeSweep('bad', { design: { type: 'sobol', samples: 6, parameters: { 'price.driftAnnual': { min: 1, max: -1 } } }, analysis: { outcome: 'hashrate_final < 1' } });
    const r = await runCli(['validate', sweepFile, bad, join(ROOT, 'scenarios', 'minimal.yaml')], ROOT);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/OK .*sobol\.yaml: sweep "sobol", sobol design \(N = 2; 2 parameters: 8 points\) x 2 replications = 16 runs \+ 2 of the base scenario, base "minimal"; outcome "final_price_usd < 70000"/);
    expect(r.stdout).toMatch(/OK .*minimal\.yaml: "minimal"/);
    expect(r.stderr).toMatch(/bad\.yaml: design\.samples: expected a power of two/);
    expect(r.stderr).toMatch(/bad\.yaml: design\.parameters\.price\.driftAnnual\.max: expected max > min/);
    expect(r.stderr).toMatch(/bad\.yaml: analysis\.outcome: unknown metric "hashrate_final"/);
    expect(r.stderr).toMatch(/1 of 3 files invalid/);
    // A path the base scenario lacks, in process.
    const path = writeSweep('bad-grid', { design: { type: 'grid', parameters: { 'fees.nope': [1, 2] } } });
    const v = validateFile(path);
    expect(v.ok).toBe(false);
    expect(v.lines.join('\n')).toMatch(/bad-grid\.yaml: design\.parameters\.fees\.nope: parameter "fees\.nope": fees\.nope does not exist in the base scenario/);
  }, 60_000);

  it('an unknown parameter path or miner is named with its field path before anything runs', () => {
    const path = writeSweep('bad-path', { design: { type: 'morris', trajectories: 2, parameters: { 'price.driftAnual': { min: 0, max: 1 } } } });
    expect(() => prepareSweep(path)).toThrow(HashsimError);
    expect(() => prepareSweep(path)).toThrow(/bad-path\.yaml: design\.parameters\.price\.driftAnual: parameter "price\.driftAnual": price\.driftAnual does not exist in the base scenario/);
    const miner = writeSweep('bad-miner', {
      design: { type: 'morris', trajectories: 2, parameters: { 'price.driftAnnual': { min: 0, max: 1 } } },
      analysis: { outcome: 'miner("MARA").liquidations > 0' },
    });
    expect(() => prepareSweep(miner)).toThrow(/bad-miner\.yaml: analysis\.outcome: miner "MARA" is not a named miner of the base scenario \(miners: big-public-miner\)/);
  });
});
