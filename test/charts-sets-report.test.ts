// Charts and reports for every kind of set (issue 16 points 6 and 12, issue 15 point 4): compare and
// sweep folders get PNG + SVG charts and report.html; chart/report accept them; --formats writes
// only what is asked; the files do not depend on the number of render workers.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.ts';
import { writeFakeResultSet } from './charts-fixtures.ts';
import { runBatch } from '../src/batch/index.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { buildResultSetCharts, loadChartData } from '../src/charts/index.ts';
import { staticSpec } from '../src/charts/render.ts';

const BASE = `
name: cr-base
miners:
  - { name: big-public-miner, hashrateEHs: 50, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40 }
fringe: { hashrateEHs: 900 }
horizonDays: 40
output: { sampleEverySteps: 5 }
`;
const DRIFT = `${BASE.replace('name: cr-base', 'name: cr-drift')}price: { model: gbm, driftAnnual: 2.0 }\n`;

let tmp: string;
const dirs: Record<string, string> = {};

async function batch(name: string, yaml: string, seed: number, runs = 8): Promise<string> {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, yaml);
  const loaded = loadScenarioFile(file);
  const out = join(tmp, name);
  await runBatch({ scenario: loaded.scenario as typeof loaded.scenario & Record<string, unknown>, seed, runs, out, workers: 1, progress: 'none', log: () => undefined });
  return out;
}

interface Index {
  charts: { name: string; section: string; title: string; files: string[] }[];
}
const index = (dir: string): Index => JSON.parse(readFileSync(join(dir, 'charts', 'index.json'), 'utf8')) as Index;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hashsim-sets-report-'));
  dirs.a = await batch('a', BASE, 7);
  dirs.b = await batch('b', DRIFT, 7);
  dirs.daily = await batch('daily', BASE.replace('name: cr-base', 'name: cr-daily').replace('horizonDays: 40', 'horizonDays: 20').replace('output: { sampleEverySteps: 5 }', ''), 7, 4);
  dirs.fake = join(tmp, 'fake');
  await writeFakeResultSet(dirs.fake, 8, 60);
}, 240_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('compare writes PNG and SVG charts and an offline report', () => {
  it('charts/ holds vl.json, svg and png per listed chart, report.html embeds them; the forest lists every metric with its t-test p', async () => {
    const out = join(tmp, 'cmp');
    const r = await runCli(['compare', dirs.a!, dirs.b!, '--out', out, '--resamples', '200', '--quiet'], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/charts\/, report\.html\)/);
    const idx = index(out);
    expect(idx.charts.length).toBeGreaterThan(3);
    for (const c of idx.charts) {
      for (const ext of ['.vl.json', '.svg', '.png']) expect(existsSync(join(out, 'charts', `${c.name}${ext}`)), `${c.name}${ext}`).toBe(true);
    }
    // One chart per differing series metric (A vs B above, B - A below), not two.
    expect(idx.charts.some((c) => c.name.startsWith('diff-bands-'))).toBe(false);
    expect(idx.charts.some((c) => c.name === 'series-price_usd')).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect((html.match(/data-chart="chart-/g) ?? []).length).toBe(idx.charts.length);
    expect(html).toContain('p median');
    expect(html).toMatch(/a test of a median/);
    expect(html).not.toMatch(/<script src=|<link [^>]*href="http/);
    const c = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as { metrics: { metric: string; nA: number; nB: number }[] };
    const forest = readFileSync(join(out, 'charts', 'forest.vl.json'), 'utf8');
    for (const m of c.metrics) if (m.nA > 0 && m.nB > 0) expect(forest, m.metric).toContain(`"label":"${m.metric}"`);
    expect(forest).toMatch(/"note":"p (=|<) /);
    // Hover-only layers are left out of the static images: no per-step invisible marks.
    const svgBytes = readdirSync(join(out, 'charts')).filter((f) => f.endsWith('.svg')).reduce((s, f) => s + statSync(join(out, 'charts', f)).size, 0);
    expect(svgBytes / idx.charts.length).toBeLessThan(150_000);
  }, 240_000);

  it('hashsim report and hashsim chart accept a comparison folder; --formats svg leaves no PNG', async () => {
    const out = join(tmp, 'cmp2');
    const r = await runCli(['compare', dirs.a!, dirs.b!, '--out', out, '--resamples', '100', '--no-charts', '--no-report', '--quiet'], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // --quiet: no progress lines
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    const ch = await runCli(['chart', out, '--formats', 'svg', '--quiet'], tmp);
    expect(ch.code, ch.stderr).toBe(0);
    const files = readdirSync(join(out, 'charts'));
    expect(files.filter((f) => f.endsWith('.png'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.svg')).length).toBe(index(out).charts.length);
    const rep = await runCli(['report', out, '--quiet'], tmp);
    expect(rep.code, rep.stderr).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('hashsim comparison report');
    expect(html).toContain('charts/forest.svg');
  }, 240_000);
});

describe('chart formats and render workers', () => {
  it('--formats writes only the asked formats (the Vega-Lite JSON always); a bad format is a usage error', async () => {
    const dir = join(tmp, 'fmt');
    cpSync(dirs.fake!, dir, { recursive: true });
    expect((await runCli(['chart', dir, '--formats', 'png', '--quiet'], tmp)).code).toBe(0);
    let files = readdirSync(join(dir, 'charts'));
    expect(files.filter((f) => f.endsWith('.svg'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.png')).length).toBe(index(dir).charts.length);
    expect(files.filter((f) => f.endsWith('.vl.json')).length).toBe(index(dir).charts.length);
    expect((await runCli(['chart', dir, '--formats', 'none', '--quiet'], tmp)).code).toBe(0);
    files = readdirSync(join(dir, 'charts'));
    expect(files.filter((f) => f.endsWith('.png') || f.endsWith('.svg'))).toEqual([]);
    const bad = await runCli(['chart', dir, '--formats', 'gif'], tmp);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--formats/);
  }, 120_000);

  it('the same bytes with 1 and 2 render workers', async () => {
    const one = join(tmp, 'w1');
    const two = join(tmp, 'w2');
    cpSync(dirs.fake!, one, { recursive: true });
    cpSync(dirs.fake!, two, { recursive: true });
    expect((await runCli(['chart', one, '--chart-workers', '1', '--quiet'], tmp)).code).toBe(0);
    expect((await runCli(['chart', two, '--chart-workers', '2', '--quiet'], tmp)).code).toBe(0);
    const names = readdirSync(join(one, 'charts')).sort();
    expect(readdirSync(join(two, 'charts')).sort()).toEqual(names);
    expect(names.filter((n) => n.endsWith('.png')).length).toBeGreaterThan(5);
    for (const n of names) expect(Buffer.compare(readFileSync(join(one, 'charts', n)), readFileSync(join(two, 'charts', n))), n).toBe(0);
  }, 120_000);
});

describe('readable result-set charts (issue 16 point 12)', () => {
  it('flows say per day, outcomes come in pages of at most 9 panels, margin calls are cumulative, hover layers stay out of images', async () => {
    const data = await loadChartData(dirs.a!);
    const charts = buildResultSetCharts(data);
    const title = (name: string) => charts.find((c) => c.name === name)?.title;
    // sampled every 5 days: flows are per 5 days
    expect(title('metric-blocks')).toBe('Blocks found per sample interval (5 days)');
    const outcomes = charts.filter((c) => /^outcomes(-\d+)?$/.test(c.name));
    expect(outcomes.length).toBeGreaterThan(1);
    for (const o of outcomes) {
      const panels = new Set(((o.spec as unknown as { data: { values: { panel: string }[] } }).data.values).map((v) => v.panel));
      expect(panels.size).toBeLessThanOrEqual(9);
    }
    const mc = charts.find((c) => c.name === 'margin-calls-liquidations');
    if (mc) expect(mc.title).toMatch(/cumulative/);
    const hashrate = charts.find((c) => c.name === 'hashrate')!.spec;
    expect(JSON.stringify(hashrate)).toContain('pointerover');
    expect(JSON.stringify(staticSpec(hashrate))).not.toContain('pointerover');
  }, 60_000);

  it('daily flows are titled per day', async () => {
    const charts = buildResultSetCharts(await loadChartData(dirs.daily!));
    const flows = charts.filter((c) => c.name === 'metric-blocks' || c.name === 'metric-block_rewards_btc');
    expect(flows.map((c) => c.title).sort()).toEqual(['Block rewards (subsidy + fees) per day', 'Blocks found per day']);
  });
});

describe('sweep folders: chart, report, and compared points named by their parameter values', () => {
  it('hashsim chart/report accept a sweep folder; compare of two points names them by point and values, not "scenario tiny"', async () => {
    const dir = join(tmp, 'sweep');
    writeFileSync(join(tmp, 'sweep-base.yaml'), BASE.replace('name: cr-base', 'name: tiny').replace('horizonDays: 40', 'horizonDays: 15').replace('output: { sampleEverySteps: 5 }', ''));
    writeFileSync(join(tmp, 's.yaml'), 'name: s\nbase: sweep-base.yaml\nseed: 1\nreplications: 2\ndesign:\n  type: grid\n  parameters:\n    price.driftAnnual: [0, 0.5]\n');
    const sw = await runCli(['sweep', 's.yaml', '--out', dir, '--no-charts', '--quiet', '--workers', '1'], tmp);
    expect(sw.code, sw.stderr).toBe(0);
    const ch = await runCli(['chart', dir, '--formats', 'svg', '--quiet'], tmp);
    expect(ch.code, ch.stderr).toBe(0);
    const rep = await runCli(['report', dir, '--quiet'], tmp);
    expect(rep.code, rep.stderr).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('hashsim sweep report');
    expect((html.match(/data-chart="chart-/g) ?? []).length).toBe(index(dir).charts.length);
    const out = join(tmp, 'cmp-points');
    const c = await runCli(['compare', join(dir, 'points', '0'), join(dir, 'points', '1'), '--out', out, '--resamples', '100', '--formats', 'svg', '--quiet'], tmp);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/^A: .*\(s point 0: price\.driftAnnual=0, seed 1/m);
    expect(c.stdout).toMatch(/^B: .*\(s point 1: price\.driftAnnual=0\.5, seed 1/m);
    const crep = readFileSync(join(out, 'report.html'), 'utf8');
    expect(crep).toContain('B: s point 1: price.driftAnnual=0.5 vs A: s point 0: price.driftAnnual=0');
    expect(readFileSync(join(out, 'charts', 'forest.vl.json'), 'utf8')).toContain('s point 1: price.driftAnnual=0.5');
  }, 300_000);
});

describe('side labels', () => {
  it('the same scenario on both sides gets the seed, or the folder, added', async () => {
    const { sideLabels } = await import('../src/compare/output.ts');
    const set = (dir: string, seed: number) => ({ dir, scenario: 'minimal', scenarioSha256: 'x', seed, runs: 2, okRuns: 2, packageVersion: '0', gitCommit: null });
    expect(sideLabels({ a: set('/r/x', 1), b: set('/r/y', 2) })).toEqual({ labelA: 'A: minimal (seed 1)', labelB: 'B: minimal (seed 2)' });
    expect(sideLabels({ a: set('/r/x', 1), b: set('/r/y', 1) })).toEqual({ labelA: 'A: minimal (x)', labelB: 'B: minimal (y)' });
    expect(sideLabels({ a: { ...set('/r/p0', 1), sweep: { name: 'sw', point: 0, values: { 'price.driftAnnual': 0.1 } } }, b: { ...set('/r/base', 1), sweep: { name: 'sw', point: null, values: {} } } })).toEqual({
      labelA: 'A: sw point 0: price.driftAnnual=0.1',
      labelB: 'B: sw base (minimal)',
    });
  });
});
