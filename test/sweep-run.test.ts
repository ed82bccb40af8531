import { isSetColumn } from '../src/results/assemble.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { prepareSweep, runSweep } from '../src/sweep/index.ts';
import { HashsimError } from '../src/errors.ts';

// End-to-end sweeps on a short version of scenarios/minimal.yaml. Results are checked against
// DuckDB reading the files independently, and common random numbers against the price series.

const ROOT = resolve(import.meta.dirname, '..');
const WORK = mkdtempSync(join(tmpdir(), 'hashsim-sweep-test-'));
const R = 4;
let db: DuckDBInstance;
let con: DuckDBConnection;

function writeBase(): string {
  const s = parseYaml(readFileSync(join(ROOT, 'scenarios', 'minimal.yaml'), 'utf8')) as Record<string, unknown>;
  s['horizonDays'] = 40;
  const file = join(WORK, 'base.yaml');
  writeFileSync(file, stringifyYaml(s));
  return file;
}

function writeSweep(name: string, body: Record<string, unknown>): string {
  const file = join(WORK, `${name}.yaml`);
  writeFileSync(file, stringifyYaml({ base: 'base.yaml', seed: 77, replications: R, ...body }));
  return file;
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const r = await con.runAndReadAll(sql);
  return r.getRowObjectsJS() as Record<string, unknown>[];
}

const sq = (p: string): string => `'${p.replace(/'/g, "''")}'`;

beforeAll(async () => {
  writeBase();
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
});

afterAll(() => {
  con?.closeSync();
  db?.closeSync();
  rmSync(WORK, { recursive: true, force: true });
});

describe('sweep errors', () => {
  it('name a parameter path that does not exist in the base scenario', () => {
    const f = writeSweep('bad-path', { design: { type: 'grid', parameters: { 'miners[99].hashrateEHs': [1] } } });
    expect(() => prepareSweep(f)).toThrow(HashsimError);
    expect(() => prepareSweep(f)).toThrow(/parameter "miners\[99\]\.hashrateEHs": miners\[99\] does not exist in the base scenario/);
    const g = writeSweep('bad-key', { design: { type: 'grid', parameters: { 'price.noSuchField': [1] } } });
    expect(() => prepareSweep(g)).toThrow(/parameter "price\.noSuchField": price\.noSuchField does not exist/);
  });

  it('re-validate each point and name the point and the scenario field', () => {
    const f = writeSweep('bad-value', { design: { type: 'grid', parameters: { horizonDays: [30, -5] } } });
    let msg = '';
    try {
      prepareSweep(f);
    } catch (e) {
      expect(e).toBeInstanceOf(HashsimError);
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/point 1 \(horizonDays=-5\) gives an invalid scenario/);
    expect(msg).toMatch(/horizonDays/);
  });
});

describe('hashsim sweep (CLI)', () => {
  it('prints a field-path error without a stack and exits non-zero', () => {
    const f = writeSweep('cli-bad', { replicatons: 2, design: { type: 'grid', parameters: { 'price.driftAnnual': [0] } } });
    const r = spawnSync(process.execPath, ['bin/hashsim.mjs', 'sweep', f, '--quiet'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cli-bad\.yaml: \(top level\): unknown key "replicatons"/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe('grid sweep end to end', () => {
  let out: string;
  const drifts = [-0.5, 0.5];
  const NON_PRICE = 'miners[0].powerPriceUsdPerMWh';
  const nonPrice = [30, 90];

  beforeAll(async () => {
    const f = writeSweep('grid', { design: { type: 'grid', parameters: { 'price.driftAnnual': drifts, [NON_PRICE]: nonPrice } } });
    out = join(WORK, 'out-grid');
    const res = await runSweep(f, { out, workers: 2, quiet: true });
    expect(res.runsFailed).toBe(0);
  }, 240_000);

  it('writes one result set per point and a table row per point with the right parameter values', async () => {
    const t = await rows(`SELECT * FROM read_parquet(${sq(join(out, 'sweep.parquet'))}) ORDER BY point`);
    expect(t.length).toBe(drifts.length * nonPrice.length);
    t.forEach((row, k) => {
      expect(row['point']).toBe(k);
      expect(row['dir']).toBe(`points/${k}`);
      expect(row['price.driftAnnual']).toBe(drifts[Math.floor(k / nonPrice.length)]);
      expect(row[NON_PRICE]).toBe(nonPrice[k % nonPrice.length]);
      expect(row['runs']).toBe(R);
    });
    const doc = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { points: { values: Record<string, unknown> }[] };
    expect(doc.points.map((p) => p.values['price.driftAnnual'])).toEqual(t.map((r) => r['price.driftAnnual']));
    // The varied value really reached each point's scenario (its manifest's resolved scenario).
    for (let k = 0; k < t.length; k++) {
      const m = JSON.parse(readFileSync(join(out, 'points', String(k), 'manifest.json'), 'utf8')) as {
        scenario: { resolved: { price: { driftAnnual: number } } };
        seed: unknown;
        runIndexes: { start: number; end: number };
      };
      expect(m.scenario.resolved.price.driftAnnual).toBe(t[k]!['price.driftAnnual']);
      expect(m.seed).toBe(77);
      expect(m.runIndexes).toEqual({ start: 0, end: R });
    }
  });

  it('per-point statistics equal those DuckDB computes from each point runs.parquet', async () => {
    const t = await rows(`SELECT * FROM read_parquet(${sq(join(out, 'sweep.parquet'))}) ORDER BY point`);
    const cols = await rows(`DESCRIBE SELECT * FROM read_parquet(${sq(join(out, 'points', '0', 'runs.parquet'))})`);
    const metrics = cols
      .filter((c) => c['column_name'] !== 'run_index' && !isSetColumn(String(c['column_name'])) && /DOUBLE|INTEGER|BIGINT/.test(String(c['column_type'])))
      .map((c) => String(c['column_name']));
    expect(metrics.length).toBeGreaterThan(3);
    let compared = 0;
    for (const row of t) {
      const file = join(out, String(row['dir']), 'runs.parquet');
      for (const m of metrics) {
        const q = `"${m}"`;
        const [truth] = await rows(
          `SELECT count(${q}) AS n, avg(${q}) AS mean, stddev_samp(${q}) AS sd, quantile_cont(${q}, 0.05) AS p5,
                  quantile_cont(${q}, 0.5) AS p50, quantile_cont(${q}, 0.95) AS p95
           FROM read_parquet(${sq(file)}) WHERE status = 'ok' AND NOT isnan(${q})`,
        );
        expect(row[`${m}_n`], m).toBe(Number(truth!['n']));
        for (const s of ['mean', 'sd', 'p5', 'p50', 'p95']) {
          const want = truth![s] as number | null;
          const got = row[`${m}_${s}`] as number | null;
          if (want === null || Number.isNaN(want)) {
            expect(got === null || Number.isNaN(got), `${m}_${s}`).toBe(true);
          } else {
            expect(got, `${m}_${s} at point ${row['point']}`).not.toBeNull();
            expect(Math.abs(got! - want), `${m}_${s} at point ${row['point']}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('uses common random numbers: points differing only in a non-price parameter have identical price paths', async () => {
    // Points 0 and 1 share the drift and differ in NON_PRICE; points 0 and 2 differ in the drift.
    const priceOf = (k: number) =>
      rows(`SELECT run_index, step, price_usd FROM read_parquet(${sq(join(out, 'points', String(k), 'series.parquet'))}) ORDER BY run_index, step`);
    const p0 = await priceOf(0);
    const p1 = await priceOf(1);
    const p2 = await priceOf(2);
    expect(p0.length).toBeGreaterThan(R);
    expect(new Set(p0.map((r) => r['run_index'])).size).toBe(R);
    expect(p1).toEqual(p0);
    // The drift does act on the price (the comparison above could fail), and replications differ.
    expect(p2).not.toEqual(p0);
    const last = (rs: Record<string, unknown>[], run: number) => rs.filter((r) => r['run_index'] === run).at(-1)!['price_usd'];
    expect(last(p0, 0)).not.toBe(last(p0, 1));
  });

  it('writes the same table as CSV', async () => {
    const a = await rows(`SELECT * FROM read_parquet(${sq(join(out, 'sweep.parquet'))}) ORDER BY point`);
    const b = await rows(`SELECT * FROM read_csv(${sq(join(out, 'sweep.csv'))}, header = true) ORDER BY point`);
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) {
      for (const [k, v] of Object.entries(a[i]!)) {
        const w = b[i]![k];
        if (typeof v === 'number' && Number.isFinite(v)) expect(Number(w), k).toBe(v);
        else if (v === null || (typeof v === 'number' && Number.isNaN(v))) expect(w === null || w === '', k).toBe(true);
        else expect(String(w), k).toBe(String(v));
      }
    }
  });

  it('writes the same bytes for any worker count (one shared pool, several points in flight)', async () => {
    const f = join(WORK, 'grid.yaml');
    const files = ['runs.parquet', 'series.parquet', 'miners.parquet', 'agents.parquet', 'bands.parquet'];
    for (const workers of [1, 3]) {
      const other = join(WORK, `out-grid-w${workers}`);
      await runSweep(f, { out: other, workers, quiet: true, analyze: false });
      for (const dir of ['base', ...[0, 1, 2, 3].map((k) => `points/${k}`)]) {
        for (const file of files) expect(readFileSync(join(other, dir, file)).equals(readFileSync(join(out, dir, file))), `${workers} workers: ${dir}/${file}`).toBe(true);
        const det = (d: string) => {
          const m = JSON.parse(readFileSync(join(d, dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
          delete m['timings'];
          return m;
        };
        expect(det(other)).toEqual(det(out));
      }
      for (const file of ['sweep.parquet', 'sweep.csv']) expect(readFileSync(join(other, file)).equals(readFileSync(join(out, file))), file).toBe(true);
    }
  }, 240_000);

  it('refuses to overwrite the sweep without --resume/--force; --resume keeps finished points and completes missing ones', async () => {
    const f = join(WORK, 'grid.yaml');
    await expect(runSweep(f, { out, workers: 2, quiet: true })).rejects.toThrow(/already holds this sweep; use --resume/);
    const before = readFileSync(join(out, 'sweep.parquet'));
    const res = await runSweep(f, { out, workers: 1, quiet: true, resume: true });
    expect(res.runsFailed).toBe(0);
    expect(readFileSync(join(out, 'sweep.parquet')).equals(before)).toBe(true);
    // An interrupted sweep (a point and the summary missing) is completed with the same bytes.
    const runsBefore = readFileSync(join(out, 'points', '1', 'runs.parquet'));
    const csvBefore = readFileSync(join(out, 'sweep.csv'));
    rmSync(join(out, 'points', '1'), { recursive: true });
    rmSync(join(out, 'sweep.parquet'));
    rmSync(join(out, 'sweep.csv'));
    await runSweep(f, { out, workers: 2, quiet: true, resume: true });
    expect(readFileSync(join(out, 'points', '1', 'runs.parquet')).equals(runsBefore)).toBe(true);
    expect(readFileSync(join(out, 'sweep.parquet')).equals(before)).toBe(true);
    expect(readFileSync(join(out, 'sweep.csv')).equals(csvBefore)).toBe(true);
    const other = writeSweep('grid-other', { design: { type: 'grid', parameters: { 'price.driftAnnual': [0.1] } } });
    await expect(runSweep(other, { out, quiet: true })).rejects.toThrow(/different sweep/);
  }, 120_000);
});

describe('LHS sweep end to end', () => {
  it('runs one result set per LHS point with values in their strata', async () => {
    const n = 3;
    const f = writeSweep('lhs', { baseline: false, design: { type: 'lhs', points: n, parameters: { 'price.driftAnnual': { min: -0.3, max: 0.6 } } } });
    const out = join(WORK, 'out-lhs');
    await runSweep(f, { out, workers: 2, quiet: true });
    const t = await rows(`SELECT point, "price.driftAnnual" AS d, runs FROM read_parquet(${sq(join(out, 'sweep.parquet'))}) ORDER BY d`);
    expect(t.length).toBe(n);
    t.forEach((r, i) => {
      expect(r['d'] as number).toBeGreaterThanOrEqual(-0.3 + (0.9 * i) / n);
      expect(r['d'] as number).toBeLessThan(-0.3 + (0.9 * (i + 1)) / n);
      expect(r['runs']).toBe(R);
    });
  }, 240_000);
});
