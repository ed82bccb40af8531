// Integration tests of `hashsim verify` on a real result set produced by the real batch and engine.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-helpers.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../src/batch/index.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { sampleRunIndexes, verifyResultSet } from '../src/compare/index.ts';
import { deterministicHash, fileSha256, type Manifest } from '../src/results/manifest.ts';
import { readParquetFile, writeParquetFile, type ParquetColumn } from '../src/results/parquet.ts';

const RUNS = 20;

let tmp: string;
let set: string;

function cli(args: string[]): ReturnType<typeof runCli> {
  return runCli(args, tmp);
}

function copySet(name: string): string {
  const dir = join(tmp, name);
  cpSync(set, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hashsim-verify-'));
  const file = join(tmp, 'v.yaml');
  writeFileSync(
    file,
    `name: verify-me
miners:
  - { name: big-public-miner, hashrateEHs: 50, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40 }
fringe: { hashrateEHs: 900 }
horizonDays: 45
output: { sampleEverySteps: 3 }
`,
  );
  const loaded = loadScenarioFile(file);
  set = join(tmp, 'set');
  await runBatch({
    scenario: loaded.scenario as typeof loaded.scenario & Record<string, unknown>,
    seed: 11,
    runs: RUNS,
    out: set,
    workers: 1,
    progress: 'none',
    log: () => undefined,
  });
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('hashsim verify', () => {
  it('passes on an intact set (exit 0), re-running every run', async () => {
    const r = await cli(['verify', set]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`re-ran all runs: ${RUNS} identical, 0 differ`);
    expect(r.stdout).toMatch(/^ok +series\.parquet/m);
  });

  it('fails naming the file after one byte of a data file changes (exit 1)', async () => {
    const dir = copySet('flipped');
    const path = join(dir, 'series.parquet');
    const bytes = readFileSync(path);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(path, bytes);
    const r = await cli(['verify', dir, '--sample', '3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL series\.parquet: content hash differs/m);
    expect(r.stdout).toMatch(/^ok +runs\.parquet/m);
    expect(r.stdout).toContain('NOT verified');
  });

  it('re-runs catch a stored value off by one bit even when every hash was made consistent', async () => {
    const dir = copySet('forged');
    const runsPath = join(dir, 'runs.parquet');
    const t = await readParquetFile(runsPath);
    const victimRow = 5;
    const col = Float64Array.from(t.columns.final_price_usd as Float64Array);
    // Flip the least significant mantissa bit: a change no printed table would show.
    const bits = new BigUint64Array(col.buffer);
    bits[victimRow] = bits[victimRow]! ^ 1n;
    const columns: ParquetColumn[] = t.names.map((name) => {
      const v = name === 'final_price_usd' ? col : t.columns[name]!;
      if (v instanceof Int32Array) return { name, type: 'int32', values: v };
      if (v instanceof Float64Array) return { name, type: 'float64', values: Array.from(v, (x) => (Number.isNaN(x) ? null : x)) };
      return { name, type: 'utf8', values: v };
    });
    await writeParquetFile(runsPath, columns);
    const mf = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(mf, 'utf8')) as Manifest & { files: Record<string, { sha256: string; bytes: number }> };
    m.files['runs.parquet'] = await fileSha256(runsPath);
    const forged = { ...m, deterministicSha256: deterministicHash(m) };
    writeFileSync(mf, JSON.stringify(forged, null, 2));
    const victim = (t.columns.run_index as Int32Array)[victimRow]!;

    const report = await verifyResultSet(dir);
    expect(report.ok).toBe(false);
    expect(report.manifestOk).toBe(true);
    expect(report.files.every((f) => f.ok)).toBe(true);
    const bad = report.runs.filter((x) => !x.ok);
    expect(bad.map((x) => x.runIndex)).toEqual([victim]);
    expect(bad[0]!.differences.join('\n')).toMatch(/runs\.parquet final_price_usd/);

    const r = await cli(['verify', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL run ${victim}:`);
  });

  it('an edited manifest is reported even when the data files are intact', async () => {
    const dir = copySet('edited-manifest');
    const mf = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(mf, 'utf8')) as Manifest;
    writeFileSync(mf, JSON.stringify({ ...m, seed: 12 }, null, 2));
    const report = await verifyResultSet(dir, { sample: 2 });
    expect(report.ok).toBe(false);
    expect(report.manifestOk).toBe(false);
  });

  it('--sample K re-runs a deterministic sample of K distinct runs', async () => {
    const s1 = sampleRunIndexes(0, RUNS, 5, 11);
    expect(s1).toEqual(sampleRunIndexes(0, RUNS, 5, 11));
    expect(new Set(s1).size).toBe(5);
    expect(s1.every((r) => r >= 0 && r < RUNS)).toBe(true);
    const report = await verifyResultSet(set, { sample: 5 });
    expect(report.ok).toBe(true);
    expect(report.runs.map((x) => x.runIndex)).toEqual(s1);
  });

  it('--sample K picks each run with probability K/N (uniform over seeds)', () => {
    const n = 10;
    const k = 3;
    const seeds = 2000;
    const hits = new Array<number>(n).fill(0);
    for (let s = 0; s < seeds; s++) for (const r of sampleRunIndexes(100, 100 + n, k, s)) hits[r - 100]!++;
    // Binomial(seeds, k/n) per run: 5 standard deviations either side of the mean.
    const mean = (seeds * k) / n;
    const sd = Math.sqrt(seeds * (k / n) * (1 - k / n));
    for (const h of hits) expect(Math.abs(h - mean)).toBeLessThan(5 * sd);
  });
});
