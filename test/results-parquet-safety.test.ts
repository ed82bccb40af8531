import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { HashsimError } from '../src/errors.ts';
import { readParquetFile, readParquetInfo, readParquetRowGroups, writeParquetFile } from '../src/results/parquet.ts';
import { runBatch } from '../src/batch/index.ts';
import { batchInputs, tmp, writeScenario } from './batch-helpers.ts';

/*
 * parquet-wasm's async reader traps (WebAssembly `unreachable`, thrown from a microtask) on some
 * damaged files, which kills the whole process. Every damaged file must instead be a HashsimError
 * naming the file; if the old behaviour came back, this test file's worker would die.
 */

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hashsim-pq-'));
const N = 2000;
const good = join(dir, 'good.parquet');

/** Damaged copies of `bytes`; each names how it was damaged. */
function damaged(bytes: Buffer): Record<string, Buffer> {
  const at = (f: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(bytes);
    f(b);
    return b;
  };
  const metaLen = bytes.readUInt32LE(bytes.length - 8);
  return {
    empty: Buffer.alloc(0),
    text: Buffer.from('run_index,value\n0,1\n'),
    truncated: bytes.subarray(0, bytes.length >> 1),
    'huge footer length': at((b) => b.writeUInt32LE(0x7fffffff, b.length - 8)),
    'scrambled data pages': at((b) => {
      for (let i = 200; i < Math.min(2000, b.length - metaLen - 8); i++) b[i] = (b[i]! * 7 + 13) & 0xff;
    }),
    'overwritten first page header': at((b) => b.fill(0xff, 4, 60)),
    'zero footer length': at((b) => b.writeUInt32LE(0, b.length - 8)),
    'footer magic lost': at((b) => b.fill(0, b.length - 4)),
    'garbled footer metadata': at((b) => b.fill(0xff, b.length - 8 - metaLen + 5, b.length - 8 - metaLen + 40)),
  };
}

describe('reading damaged Parquet files', () => {
  beforeAll(async () => {
    const idx = Int32Array.from({ length: N }, (_, i) => i);
    const val = Float64Array.from({ length: N }, (_, i) => Math.sin(i) * 1e3);
    await writeParquetFile(good, [
      { name: 'run_index', type: 'int32', values: idx },
      { name: 'value', type: 'float64', values: val },
      { name: 'label', type: 'utf8', values: Array.from({ length: N }, (_, i) => `r${i}`) },
    ]);
  });

  it('every kind of damage is a HashsimError naming the file, and intact files still read after it', async () => {
    const cases = Object.entries(damaged(readFileSync(good)));
    for (const [what, bytes] of cases) {
      const p = join(dir, `${what.replace(/ /g, '-')}.parquet`);
      writeFileSync(p, bytes);
      const drain = async (): Promise<void> => {
        for await (const g of readParquetRowGroups(p)) void g;
      };
      for (const [how, read] of [['read', () => readParquetFile(p)], ['rowGroups', drain]] as const) {
        const err = await read().then(() => null, (e: unknown) => e);
        expect(err, `${what} (${how})`).toBeInstanceOf(HashsimError);
        expect((err as Error).message, `${what} (${how})`).toContain(p);
      }
      // Damage to data pages alone leaves the footer readable, so info may succeed; if it fails,
      // it fails the same way.
      const infoErr = await readParquetInfo(p).then(() => null, (e: unknown) => e);
      if (infoErr !== null) expect(infoErr, `${what} (info)`).toBeInstanceOf(HashsimError);
    }
    // The wasm module is still usable: the intact file reads back exactly what was written.
    const back = await readParquetFile(good);
    expect(back.numRows).toBe(N);
    expect(Array.from(back.columns.run_index as Int32Array)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect((back.columns.value as Float64Array)[1234]).toBe(Math.sin(1234) * 1e3);
  });

  it('a folder or a missing path is a HashsimError naming it', async () => {
    await expect(readParquetFile(dir)).rejects.toThrow(new RegExp(`${dir}: is a folder`));
    await expect(readParquetFile(join(dir, 'none.parquet'))).rejects.toThrow(/none\.parquet: not found/);
  });

  it('footer facts agree with DuckDB, and row groups together hold every row once', async () => {
    const big = join(dir, 'big.parquet');
    const rows = 65_536 * 2 + 7; // the writer's row-group size is 65,536 rows: three groups
    await writeParquetFile(big, [{ name: 'x', type: 'int32', values: Int32Array.from({ length: rows }, (_, i) => i) }]);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const md = (await con.runAndReadAll(`SELECT count(DISTINCT row_group_id)::INTEGER AS g, max(row_group_num_rows)::INTEGER AS m FROM parquet_metadata('${big}')`)).getRowObjectsJS()[0] as { g: number; m: number };
    const info = await readParquetInfo(big);
    expect(info.numRows).toBe(rows);
    expect(info.numRowGroups).toBe(md.g);
    expect(info.numRowGroups).toBe(3);
    let seen = 0;
    let groups = 0;
    for await (const g of readParquetRowGroups(big)) {
      const x = g.columns.x as Int32Array;
      for (let i = 0; i < g.numRows; i++) expect(x[i]).toBe(seen + i);
      expect(g.numRows).toBeLessThanOrEqual(md.m);
      seen += g.numRows;
      groups++;
    }
    expect(seen).toBe(rows);
    expect(groups).toBe(3);
  });
});

describe('CLI on a result set with a damaged table (subprocess)', () => {
  const base = tmp('pq-cli');
  const set = join(base, 'set');
  beforeAll(async () => {
    const inputs = batchInputs(writeScenario(base, { horizonDays: 20, sampleEvery: 5 }));
    await runBatch({ ...inputs, seed: 3, runs: 2, out: set, workers: 1, progress: 'none', log: () => {} });
    cpSync(set, join(base, 'other'), { recursive: true });
    const runs = join(set, 'runs.parquet');
    const b = readFileSync(runs);
    b.fill(0xff, 4, 60);
    writeFileSync(runs, b);
  }, 60_000);

  it('export, chart and compare exit 1 (invalid input, docs/BATCH.md) naming runs.parquet, without a stack trace or leftovers', () => {
    const other = join(base, 'other');
    for (const args of [['export', set, '--csv'], ['chart', set, '--no-png'], ['compare', other, set, '--out', join(base, 'cmp'), '--no-charts']]) {
      const r = spawnSync(process.execPath, [join(root, 'bin/hashsim.mjs'), ...args], { cwd: root, encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(set);
      expect(r.stderr).toContain('runs.parquet');
      expect(r.stderr).not.toMatch(/\n\s+at |internal error|RuntimeError/);
    }
    const csvDir = join(set, 'csv');
    const left = existsSync(csvDir) ? readdirSync(csvDir) : [];
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(existsSync(join(base, 'cmp', 'compare.json'))).toBe(false);
  }, 120_000);
});
