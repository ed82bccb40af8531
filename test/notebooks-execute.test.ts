import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, type TopLevelSpec } from 'vega-lite';
import { loadScenarioFile } from '../src/scenario/index.ts';
import { simulate } from '../src/engine/index.ts';

// Executes each notebook headless on Deno's kernel and checks the files it writes (not its stored
// outputs: Debian's nbclient occasionally drops one cell's output). Real failures still fail: the
// nbconvert exit code, an error output in any cell, or a missing/incorrect result file.
const ROOT = resolve(import.meta.dirname, '..');
let tmp: string;

function execute(name: string, extraEnv: Record<string, string> = {}): { out: string; nb: { cells: Array<{ outputs?: Array<{ output_type: string; ename?: string; evalue?: string }> }> } } {
  const out = join(tmp, 'out');
  const r = spawnSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=240', '--ExecutePreprocessor.kernel_name=deno-hashsim', '--output-dir', join(tmp, 'executed'), join(ROOT, 'notebooks', `${name}.ipynb`)], {
    cwd: ROOT,
    env: { ...process.env, JUPYTER_PATH: join(ROOT, '.jupyter'), JUPYTER_DATA_DIR: join(ROOT, '.jupyter'), HASHSIM_NOTEBOOK_OUT: out, DENO_NO_UPDATE_CHECK: '1', ...extraEnv },
    encoding: 'utf8',
    timeout: 280_000,
  });
  if (r.status !== 0) throw new Error(`nbconvert ${name} exited ${r.status}: ${r.stderr.slice(-3000)}`);
  const nb = JSON.parse(readFileSync(join(tmp, 'executed', `${name}.ipynb`), 'utf8'));
  const errors = nb.cells.flatMap((c: { outputs?: Array<{ output_type: string; ename?: string; evalue?: string }> }) => (c.outputs ?? []).filter((o) => o.output_type === 'error'));
  expect(errors.map((e: { ename?: string; evalue?: string }) => `${e.ename}: ${e.evalue}`)).toEqual([]);
  return { out: join(out, name), nb };
}

const json = (p: string): any => JSON.parse(readFileSync(p, 'utf8'));

describe('notebooks execute headless on the Deno kernel', () => {
  beforeAll(() => {
    const reg = spawnSync('bash', [join(ROOT, 'scripts/notebooks/register-kernel.sh')], { encoding: 'utf8' });
    if (reg.status !== 0) throw new Error(reg.stderr);
    tmp = mkdtempSync(join(tmpdir(), 'hashsim-nb-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('quickstart runs the scenario through the library and writes its numbers and fan chart', () => {
    const { out } = execute('quickstart');
    const r = json(join(out, 'result.json'));
    // Same (scenario, seed, run index) in Node gives the same runs: the notebook really ran the engine.
    const { scenario } = loadScenarioFile(join(ROOT, 'scenarios/minimal.yaml'));
    const expected = Array.from({ length: r.runs }, (_, i) => simulate(scenario, { seed: r.seed, runIndex: i }).summary.final_hashrate_ehs ?? null);
    // Deno's V8 and Node's differ in the last bit of some Math functions, so runs agree to ~1e-12
    // relative, not bit for bit (byte-identity is a promise within one runtime).
    expect(r.finalHashrate).toHaveLength(expected.length);
    r.finalHashrate.forEach((v: number, i: number) => expect(Math.abs(v - expected[i]!) / Math.abs(expected[i]!)).toBeLessThan(1e-9));
    expect(r.hashrateP50).toHaveLength(r.sampleDays.length);
    const spec = json(join(out, 'fan-hashrate.vl.json')) as TopLevelSpec;
    expect(() => compile(spec)).not.toThrow();
    expect((spec as { data: { values: unknown[] } }).data.values).toHaveLength(r.sampleDays.length);
  });

  it('the AI-pivot case study runs both 2026 scenarios paired and reports paired differences with CIs', () => {
    // 16 pairs: a run count the test chooses (not the notebook's default), so the env var is honoured.
    const RUNS = 16;
    // Student t 0.975 quantile with 15 degrees of freedom (R: qt(0.975, 15); scipy t.ppf(0.975, 15)).
    const T975_DF15 = 2.1314495455597742;
    const { out } = execute('ai-pivot-case-study', { HASHSIM_NB_RUNS: String(RUNS) });
    const r = json(join(out, 'result.json'));
    expect(r.scenarioA).toBe('baseline-2026');
    expect(r.scenarioB).toBe('ai-pivot-wave-2026');
    expect(r.runs).toBe(RUNS);
    expect(r.runIndexes).toEqual(Array.from({ length: RUNS }, (_, i) => i));

    // Common random numbers: the price is an exogenous GBM in both files, so run i of A and run i of B
    // end at the same price, and that price is the one Node draws for (scenario, seed, run index)
    // (Deno's Math may differ from Node's in the last bit, hence a relative tolerance).
    expect(r.finalPriceB).toEqual(r.finalPriceA);
    const { scenario } = loadScenarioFile(join(ROOT, 'scenarios/baseline-2026.yaml'));
    for (const i of [0, RUNS - 1]) {
      const node = simulate(scenario, { seed: r.seed, runIndex: i }).summary.final_price_usd!;
      expect(Math.abs(r.finalPriceA[i] - node) / node).toBeLessThan(1e-9);
    }

    const headline = ['final_hashrate_ehs', 'final_difficulty', 'final_hashprice_usd_per_ph_day', 'sold_total_btc', 'miners_exited', 'mw_pivoted', 'final_attack_cost_usd_per_hour'];
    expect(Object.keys(r.paired).sort()).toEqual([...headline].sort());
    for (const m of headline) {
      const p = r.paired[m];
      expect(p.a).toHaveLength(RUNS);
      expect(p.b).toHaveLength(RUNS);
      // Every run has these metrics, so every pair counts.
      expect(p.n).toBe(RUNS);
      const d: number[] = p.a.map((x: number, i: number) => p.b[i] - x);
      const mean = d.reduce((s, x) => s + x, 0) / d.length;
      const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1));
      const tol = 1e-9 * (Math.abs(mean) + sd + 1e-300);
      expect(Math.abs(p.mean - mean)).toBeLessThanOrEqual(tol);
      // Paired t interval: mean -/+ t(0.975, n-1) * sd / sqrt(n), which contains the mean.
      expect(Math.abs(p.t.lower - (mean - (T975_DF15 * sd) / Math.sqrt(RUNS)))).toBeLessThanOrEqual(tol);
      expect(Math.abs(p.t.upper - (mean + (T975_DF15 * sd) / Math.sqrt(RUNS)))).toBeLessThanOrEqual(tol);
      expect(p.t.lower).toBeLessThanOrEqual(p.mean);
      expect(p.t.upper).toBeGreaterThanOrEqual(p.mean);
      // The bootstrap interval is made of resampled means, so it lies within the range of the differences.
      expect(p.bca.lower).toBeLessThanOrEqual(p.bca.upper);
      expect(p.bca.lower).toBeGreaterThanOrEqual(Math.min(...d) - tol);
      expect(p.bca.upper).toBeLessThanOrEqual(Math.max(...d) + tol);
    }
    // Only the pivot scenario enables AI conversions: no MW converts in A, and B's mean is clearly positive.
    const mw = r.paired.mw_pivoted;
    expect(mw.a.every((x: number) => x === 0)).toBe(true);
    expect(mw.t.lower).toBeGreaterThan(0);

    const specs = ['fan-hashrate-a', 'fan-hashrate-b', 'fan-difficulty-a', 'fan-difficulty-b', 'compare-hashrate', 'forest-relative', 'paired-final-hashrate'];
    for (const f of specs) expect(() => compile(json(join(out, `${f}.vl.json`)) as TopLevelSpec)).not.toThrow();
    // One band row per sampled day in each fan chart.
    for (const f of ['fan-hashrate-a', 'fan-difficulty-b']) expect(json(join(out, `${f}.vl.json`)).data.values).toHaveLength(r.sampleDays.length);
  });

  it('the sweep analysis builds a heatmap and tornado over its grid', () => {
    const { out } = execute('sweep-analysis');
    const r = json(join(out, 'result.json'));
    expect(r.points).toHaveLength(9);
    const vals = r.points.map((p: Record<string, number>) => p.final_hashrate_ehs_mean);
    expect(vals.every((v: number) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(r.tornado.map((t: { parameter: string }) => t.parameter).sort()).toEqual(['fringe.hashrateEHs', 'price.volAnnual']);
    expect(r.baseline).toBeCloseTo(vals.reduce((a: number, b: number) => a + b, 0) / vals.length, 9);
    expect(existsSync(join(out, 'heatmap.vl.json'))).toBe(true);
    expect(() => compile(json(join(out, 'heatmap.vl.json')))).not.toThrow();
  });
});
