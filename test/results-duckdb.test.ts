// The result set read by an independent Parquet reader (DuckDB): runs/series/miners agree with the
// engine's direct output, and bands agree with DuckDB's own quantile_cont (type 7) and avg.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../src/batch/index.ts';
import { simulate } from '../src/engine/index.ts';
import { exportCsv } from '../src/results/csv.ts';
import { readResultSet } from '../src/results/read.ts';
import { BAND_QUANTILES } from '../src/results/layout.ts';
import { SERIES_FIXED_COLUMNS } from '../src/results/assemble.ts';
import { batchInputs, tmp, writeScenario } from './batch-helpers.ts';

const RUNS = 6;
const SEED = 'duck';

type Row = Record<string, unknown>;

function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('result set via DuckDB', () => {
  const root = tmp('duck');
  const out = join(root, 'set');
  const inputs = batchInputs(writeScenario(root, { horizonDays: 30, sampleEvery: 3 }));
  let query: (sql: string) => Promise<Row[]>;

  beforeAll(async () => {
    await runBatch({ ...inputs, seed: SEED, runs: RUNS, out, workers: 2, progress: 'none', log: () => {} });
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    query = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJS() as Row[];
  });

  it('runs, series and miners tables match simulate() for every run', async () => {
    const runs = await query(`SELECT * FROM read_parquet('${join(out, 'runs.parquet')}') ORDER BY run_index`);
    expect(runs.map((r) => r.run_index)).toEqual([...Array(RUNS).keys()]);
    for (let i = 0; i < RUNS; i++) {
      const direct = simulate(inputs.scenario as never, { seed: SEED, runIndex: i });
      const row = runs[i]!;
      expect(row.status).toBe('ok');
      expect(row.error).toBeNull();
      const keys = Object.keys(direct.summary);
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) {
        const v = direct.summary[k]!;
        const got = row[k] as number | null;
        expect(close(got, v === null || Number.isNaN(v) ? null : v), `run ${i} ${k}: ${got} vs ${v}`).toBe(true);
      }
      const series = await query(`SELECT * FROM read_parquet('${join(out, 'series.parquet')}') WHERE run_index = ${i} ORDER BY step`);
      expect(series.length).toBe(direct.sampleDays.length);
      series.forEach((r, s) => {
        expect(r.step).toBe(s);
        expect(r.day).toBe(direct.sampleDays[s]);
        for (const [k, col] of Object.entries(direct.series)) expect(close(r[k] as number, col[s]!), `run ${i} step ${s} ${k}`).toBe(true);
      });
      const miners = await query(`SELECT * FROM read_parquet('${join(out, 'miners.parquet')}') WHERE run_index = ${i} ORDER BY miner_index`);
      expect(miners.map((m) => m.miner)).toEqual(direct.miners.map((m) => m.name));
      expect(miners.map((m) => m.status)).toEqual(direct.miners.map((m) => m.status));
    }
  });

  it('bands equal DuckDB avg and quantile_cont over series.parquet', async () => {
    const set = await readResultSet(out);
    const metrics = (await set.series.info()).columns.map((c) => c.name).filter((n) => !(SERIES_FIXED_COLUMNS as readonly string[]).includes(n));
    const qs = BAND_QUANTILES.map(([, p]) => p).join(', ');
    const truth = await query(`
      WITH long AS (
        UNPIVOT (SELECT step, ${metrics.map((m) => `"${m}"`).join(', ')} FROM read_parquet('${join(out, 'series.parquet')}'))
        ON ${metrics.map((m) => `"${m}"`).join(', ')} INTO NAME metric VALUE v)
      SELECT step, metric, count(v) AS n, avg(v) AS mean, quantile_cont(v, [${qs}]) AS q FROM long GROUP BY step, metric`);
    const bands = await query(`SELECT * FROM read_parquet('${join(out, 'bands.parquet')}')`);
    const key = (r: Row) => `${r.step}|${r.metric}`;
    const byKey = new Map(bands.map((r) => [key(r), r]));
    expect(truth.length).toBeGreaterThan(0);
    expect(bands.length).toBe(truth.length);
    for (const t of truth) {
      const b = byKey.get(key(t))!;
      expect(b, key(t)).toBeDefined();
      expect(b.n).toBe(Number(t.n));
      expect(close(b.mean as number, t.mean as number), `${key(t)} mean`).toBe(true);
      BAND_QUANTILES.forEach(([name], j) => {
        const tq = (t.q as number[])[j]!;
        // quantile arithmetic may differ in the last bits between implementations
        expect(Math.abs((b[name] as number) - tq) <= 1e-9 * Math.max(1, Math.abs(tq)), `${key(t)} ${name}: ${b[name]} vs ${tq}`).toBe(true);
      });
    }
  });

  it('CSV export holds the same rows as the Parquet tables', async () => {
    await exportCsv(out);
    for (const t of ['runs', 'series', 'bands', 'miners']) {
      const diff = await query(`
        SELECT count(*) AS c FROM (
          (SELECT * FROM read_parquet('${join(out, `${t}.parquet`)}') EXCEPT ALL SELECT * FROM read_csv('${join(out, 'csv', `${t}.csv`)}', header = true, all_varchar = false))
          UNION ALL
          (SELECT * FROM read_csv('${join(out, 'csv', `${t}.csv`)}', header = true) EXCEPT ALL SELECT * FROM read_parquet('${join(out, `${t}.parquet`)}')))`);
      expect(Number(diff[0]!.c), t).toBe(0);
    }
  });
});
