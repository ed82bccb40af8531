// `hashsim backtest` end to end on a small window: a fringe-only world (`hashrateEHs: realized`)
// from the real retarget at height 838,656 (~2024-04-10) to 2024-05-31 on the shipped prices, 8 runs.
// Checks the files, one row per real retarget, JSON = Parquet (read by DuckDB), the rows against
// runs simulated here on the main thread, byte-identity for 1 vs 2 workers, and the input errors
// (exit 1 naming the file/line or the flag, nothing written).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareBacktest, SHIPPED_PRICES } from '../src/backtest/index.ts';
import { scoreRetarget, windowMetrics } from '../src/backtest/metrics.ts';
import { BACKTEST_COLUMNS, BACKTEST_FILES, type BacktestDocument } from '../src/backtest/report.ts';
import { runOne } from '../src/backtest/worker.ts';
import { applyDraw, drawIndex } from '../src/calibrate/apply.ts';
import { main } from '../src/cli/main.ts';
import { difficultyFromBits } from '../src/consensus/index.ts';
import { EPOCH_BITS, EPOCH_START_TIME, FIRST_TIMED_EPOCH } from '../src/scenario/retarget-data.ts';

const FROM = 838_656;
const TO = '2024-05-31';
const RUNS = 8;
const SEED = 'bt';
const FILES = [BACKTEST_FILES.json, BACKTEST_FILES.parquet, BACKTEST_FILES.png, BACKTEST_FILES.svg, BACKTEST_FILES.spec];

/** Runs the CLI in-process; returns the exit code and what it printed. */
async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'hashsim', 'backtest', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('hashsim backtest', () => {
  const root = mkdtempSync(join(tmpdir(), 'hashsim-backtest-'));
  const scenario = join(root, 'fringe-only.yaml');
  const out1 = join(root, 'w1');
  const out2 = join(root, 'w2');
  const base = [scenario, '--from-height', String(FROM), '--to', TO, '--runs', String(RUNS), '--seed', SEED];
  let doc: BacktestDocument;
  let first: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    writeFileSync(scenario, ['name: fringe-only', 'description: the network as one fringe, started at the realized hashrate', 'fringe: { hashrateEHs: realized }', ''].join('\n'));
    first = await cli([...base, '--workers', '1', '--out', out1]);
    doc = JSON.parse(readFileSync(join(out1, BACKTEST_FILES.json), 'utf8')) as BacktestDocument;
  });
  afterEach(() => {
    process.exitCode = 0;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs, writes the files and has one row per real retarget of the window', () => {
    expect(first.code, first.stderr).toBe(0);
    for (const f of FILES) expect(existsSync(join(out1, f)), f).toBe(true);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // The real retargets after 838,656 whose estimated date is on or before 2024-05-31, from the data.
    const date = (e: number) => new Date(EPOCH_START_TIME[e - FIRST_TIMED_EPOCH]! * 1000).toISOString().slice(0, 10);
    const expected: number[] = [];
    for (let e = FROM / 2016 + 1; date(e) <= TO; e++) expected.push(e * 2016);
    expect(expected).toEqual([840_672, 842_688, 844_704]);
    expect(doc.rows.map((r) => r.height)).toEqual(expected);
    expect(doc.rows.map((r) => r.real_difficulty)).toEqual(expected.map((h) => difficultyFromBits(EPOCH_BITS[h / 2016]!)));
    expect(doc.rows.map((r) => r.real_date)).toEqual(expected.map((h) => date(h / 2016)));
    expect(doc.columns).toEqual(BACKTEST_COLUMNS.map(([n]) => n));
    for (const r of doc.rows) expect(Object.keys(r)).toEqual(doc.columns);
    expect(doc.window).toMatchObject({ from_height: FROM, start_date: date(FROM / 2016), to: TO, start_bits: `0x${EPOCH_BITS[FROM / 2016]!.toString(16)}` });
    expect(doc.window.horizon_days).toBe(52); // 2024-04-10 .. 2024-05-31 inclusive
    expect(doc).toMatchObject({ format: 'hashsim-backtest/1', seed: SEED, runs: RUNS, ok_runs: RUNS, failed_runs: [] });
    expect(doc.metrics.n_retargets).toBe(3);
    expect(doc.metrics.pit_histogram.reduce((a, b) => a + b, 0)).toBe(doc.metrics.n_scored);
    // The summary is recomputable from the rows.
    const rows = doc.rows.map((r) => ({ ...r, scored: r.scored as boolean, median_error: r.median_error as number | null, in_band_50: r.in_band_50 as boolean | null, in_band_90: r.in_band_90 as boolean | null, pit: r.pit as number | null, crps: r.crps as number | null }));
    expect(windowMetrics(rows)).toEqual(doc.metrics);
    expect(first.stdout).toContain('840,672');
    expect(first.stdout).toMatch(/coverage: 50% band \d+\/\d+/);
    expect(readFileSync(join(out1, BACKTEST_FILES.png)).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(out1, BACKTEST_FILES.svg), 'utf8')).toContain('Difficulty at real retargets');
  });

  it('rows equal the same runs simulated on the main thread', () => {
    const prepared = prepareBacktest({ scenarioFile: scenario, fromHeight: FROM, to: TO, seed: SEED });
    expect(prepared.scenario.start).toMatchObject({ date: '2024-04-10', height: FROM - 1 });
    expect(prepared.scenario.price).toMatchObject({ model: 'path' });
    const heights = prepared.window.retargets.map((r) => r.height);
    const sims = heights.map(() => new Float64Array(RUNS));
    const row = new Float64Array(heights.length);
    for (let r = 0; r < RUNS; r++) {
      runOne(prepared.scenario, SEED, r, heights, row);
      row.forEach((v, k) => (sims[k]![r] = v));
    }
    prepared.window.retargets.forEach((rt, k) => {
      const s = scoreRetarget(sims[k]!, rt.realDifficulty);
      const got = doc.rows[k]!;
      for (const key of Object.keys(s) as (keyof typeof s)[]) expect(got[key], `${rt.height} ${key}`).toEqual(s[key]);
    });
  });

  it("applies each run's posterior draw when the scenario names a calibration set", () => {
    const set = join(root, 'calset');
    mkdirSync(set, { recursive: true });
    writeFileSync(join(set, 'draws.json'), JSON.stringify({ parameters: ['fringe.powerPrice.medianUsdPerMWh'], draws: [[20], [120]], weights: [1, 1] }));
    const file = join(root, 'calibrated.yaml');
    writeFileSync(file, ['name: calibrated', 'fringe: { hashrateEHs: realized }', 'calibration: { set: calset }', ''].join('\n'));
    const prepared = prepareBacktest({ scenarioFile: file, fromHeight: FROM, to: TO, seed: SEED });
    const cal = prepared.scenario.calibration!;
    expect(cal.draws).toEqual([[20], [120]]);
    const heights = prepared.window.retargets.map((r) => r.height);
    const got = new Float64Array(heights.length);
    const want = new Float64Array(heights.length);
    const other = new Float64Array(heights.length);
    const used = new Set<number>();
    for (let r = 0; r < 6; r++) {
      const k = drawIndex(cal.weights!, SEED, r);
      used.add(k);
      runOne(prepared.scenario, SEED, r, heights, got);
      runOne(applyDraw(prepared.scenario, k), SEED, r, heights, want);
      runOne(applyDraw(prepared.scenario, 1 - k), SEED, r, heights, other);
      expect([...got], `run ${r}`).toEqual([...want]);
      expect([...got], `run ${r}`).not.toEqual([...other]);
    }
    expect(used.size).toBe(2);
  });

  it('backtest.parquet holds the same rows as backtest.json (read by DuckDB)', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const rows = (await con.runAndReadAll(`SELECT * FROM read_parquet('${join(out1, BACKTEST_FILES.parquet)}')`)).getRowObjectsJS();
    const names = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${join(out1, BACKTEST_FILES.parquet)}')`)).getRowObjectsJS().map((r) => r.column_name);
    con.closeSync();
    expect(names).toEqual(doc.columns);
    expect(rows).toHaveLength(doc.rows.length);
    rows.forEach((pr, i) => {
      const jr = doc.rows[i]!;
      for (const c of doc.columns) {
        const j = jr[c];
        const want = typeof j === 'boolean' ? (j ? 1 : 0) : j;
        expect(pr[c], `row ${i} ${c}`).toEqual(want);
      }
    });
  });

  it('is byte-identical with 2 workers, and on a rerun into its own folder', async () => {
    const r2 = await cli([...base, '--workers', '2', '--out', out2, '--quiet']);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toBe('');
    for (const f of FILES) expect(Buffer.compare(readFileSync(join(out1, f)), readFileSync(join(out2, f))), f).toBe(0);
    const again = await cli([...base, '--workers', '2', '--out', out1, '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    for (const f of FILES) expect(Buffer.compare(readFileSync(join(out1, f)), readFileSync(join(out2, f))), f).toBe(0);
  });

  it('refuses a folder that is not a backtest without --force', async () => {
    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'keep me');
    const r = await cli([...base, '--runs', '2', '--out', other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*other: holds files that are not a backtest.*--force/);
    expect(readdirSync(other)).toEqual(['notes.txt']);
    const forced = await cli([...base, '--runs', '2', '--out', other, '--force', '--quiet']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(other).sort()).toEqual([...FILES, 'notes.txt'].sort());
  });

  describe('bad inputs: exit 1 with the file/flag and what was expected, nothing written', () => {
    const shipped = readFileSync(SHIPPED_PRICES, 'utf8').split('\n');
    const header = shipped[0]!;
    const window = shipped.filter((l) => l >= '2024-03-01' && l < '2024-07-01');

    async function expectError(args: readonly string[], pattern: RegExp, code = 1): Promise<void> {
      const out = join(root, `err-${Math.random().toString(36).slice(2)}`);
      const r = await cli([...args, '--out', out]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
    }

    it('a price CSV with a gap names the file and the line', async () => {
      const gap = join(root, 'gap.csv');
      const lines = [header, ...window.filter((l) => !l.startsWith('2024-05-02'))];
      writeFileSync(gap, `${lines.join('\n')}\n`);
      const line = lines.findIndex((l) => l.startsWith('2024-05-03')) + 1;
      await expectError([...base, '--prices', gap], new RegExp(`--prices .*gap\\.csv: line ${line}: gap: expected 2024-05-02, got 2024-05-03`));
    });

    it('a price CSV with a non-positive price names the file and the line', async () => {
      const zero = join(root, 'zero.csv');
      const lines = [header, ...window.map((l) => (l.startsWith('2024-04-20') ? '2024-04-20,0' : l))];
      writeFileSync(zero, `${lines.join('\n')}\n`);
      const line = lines.findIndex((l) => l.startsWith('2024-04-20')) + 1;
      await expectError([...base, '--prices', zero], new RegExp(`--prices .*zero\\.csv: line ${line}: .*expected a positive price, got "0"`));
    });

    it('a window beyond the price data (shipped or supplied)', async () => {
      await expectError([scenario, '--from-height', String(FROM), '--to', '2025-10-31', '--runs', '2'], /--to: the window ends on 2025-10-31, after the last day of the price data .* 2025-09-30/);
      const short = join(root, 'short.csv');
      writeFileSync(short, `${[header, ...window.filter((l) => l < '2024-05-16')].join('\n')}\n`);
      await expectError([...base, '--prices', short], /--to: the window ends on 2024-05-31, after the last day of the price data \(.*short\.csv covers 2024-03-01 \.\. 2024-05-15\)/);
      await expectError([scenario, '--from-height', '840672', '--to', TO, '--prices', join(root, 'gap-free-late.csv')], /--prices .*gap-free-late\.csv: file not found/);
    });

    it('a window outside the retarget data, a height that is not a retarget, a window without a retarget', async () => {
      await expectError([scenario, '--from-height', '838657', '--to', TO], /--from-height: expected a retarget height \(a multiple of 2016\), got 838657/);
      await expectError([scenario, '--from-height', String(2016 * 10), '--to', TO], /--from-height: expected a retarget height from 68544 to/);
      await expectError([scenario, '--from-height', String(FROM), '--to', '2030-01-01'], /--to: expected a date on or before 20\d\d-\d\d-\d\d \(the estimated date of the last real retarget in the data/);
      await expectError([scenario, '--from-height', String(FROM), '--to', '2024-04-15'], /--to: the window 2024-04-10 \.\. 2024-04-15 .* holds no later real retarget; expected a date on or after 2024-04-2\d/);
    });

    it('bad flag values are usage errors (exit 2)', async () => {
      await expectError([...base, '--runs', '0'], /--runs: expected a positive integer/, 2);
      await expectError([scenario, '--from-date', '2024-02-30', '--to', TO], /--from-date: expected a date YYYY-MM-DD/, 2);
      await expectError([scenario, '--from-date', '2024-04-01', '--from-height', String(FROM)], /expected one of them, not both/, 2);
    });
  });
});
