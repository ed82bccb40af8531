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

function execute(name: string): { out: string; nb: { cells: Array<{ outputs?: Array<{ output_type: string; ename?: string; evalue?: string }> }> } } {
  const out = join(tmp, 'out');
  const r = spawnSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=240', '--ExecutePreprocessor.kernel_name=deno-hashsim', '--output-dir', join(tmp, 'executed'), join(ROOT, 'notebooks', `${name}.ipynb`)], {
    cwd: ROOT,
    env: { ...process.env, JUPYTER_PATH: join(ROOT, '.jupyter'), JUPYTER_DATA_DIR: join(ROOT, '.jupyter'), HASHSIM_NOTEBOOK_OUT: out, DENO_NO_UPDATE_CHECK: '1' },
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

  it('the AI-pivot case study pairs runs by seed and reports their differences', () => {
    const { out } = execute('ai-pivot-case-study');
    const r = json(join(out, 'result.json'));
    expect(r.finalHashrateA).toHaveLength(r.runs);
    const diffs = r.finalHashrateA.map((a: number, i: number) => r.finalHashrateB[i] - a);
    const mean = diffs.reduce((s: number, d: number) => s + d, 0) / diffs.length;
    expect(r.paired.final_hashrate_ehs.mean).toBeCloseTo(mean, 6);
    for (const f of ['compare-hashrate.vl.json', 'paired-final-hashrate.vl.json']) expect(() => compile(json(join(out, f)))).not.toThrow();
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
