// --run-timeout inside a task of several runs: the task is split and run again one run at a time,
// only the run that hangs fails (recorded like any other failed run), and the set's bytes do not
// depend on the worker count.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchPool, runBatch } from '../src/batch/index.ts';
import { PARQUET_FILES, batchInputs, tmp, writeScenario } from './batch-helpers.ts';

const ENGINE = new URL('./fixtures/batch/hanging-engine.ts', import.meta.url).href;

describe('run timeout in a multi-run task', () => {
  it('fails only the hanging run, keeps the rest, and writes the same bytes for 1 and 2 workers', async () => {
    const root = tmp('timeout');
    const inputs = batchInputs(writeScenario(root, { horizonDays: 10 }));
    const q = { progress: 'none' as const, log: () => {}, seed: 1, runs: 6, runTimeoutSeconds: 1, runModule: ENGINE, chunkSize: 3 };
    const a = await runBatch({ ...inputs, ...q, workers: 1, out: join(root, 'w1') });
    expect(a.failedRuns.map((f) => f.runIndex)).toEqual([2]);
    expect(a.failedRuns[0]!.error).toMatch(/^run 2 took longer than 1 s \(--run-timeout/);
    expect(a.manifest.counts).toEqual({ ok: 5, error: 1 });
    const b = await runBatch({ ...inputs, ...q, workers: 2, out: join(root, 'w2') });
    expect(b.manifest.counts).toEqual({ ok: 5, error: 1 });
    for (const f of PARQUET_FILES) expect(readFileSync(join(root, 'w1', f)).equals(readFileSync(join(root, 'w2', f))), f).toBe(true);
  }, 400_000);
});

describe('run timeout on a shared pool (a sweep\'s points)', () => {
  it('fails only the hanging run while another batch runs on the same threads; the pool goes on', async () => {
    const root = tmp('timeout-shared');
    const inputs = batchInputs(writeScenario(root, { horizonDays: 10 }));
    const q = { progress: 'none' as const, log: () => {}, seed: 1, runs: 4, runTimeoutSeconds: 1, runModule: ENGINE };
    const alone = await runBatch({ ...inputs, ...q, workers: 1, out: join(root, 'alone') });
    expect(alone.failedRuns.map((f) => f.runIndex)).toEqual([2]);
    const pool = new BatchPool(2);
    try {
      // two batches at once: the hanging run's worker thread is stopped and replaced under the other
      const [a, b] = await Promise.all([
        runBatch({ ...inputs, ...q, workers: 2, pool, out: join(root, 'a') }),
        runBatch({ ...inputs, ...q, workers: 2, pool, out: join(root, 'b') }),
      ]);
      for (const r of [a, b]) expect(r.failedRuns.map((f) => f.runIndex)).toEqual([2]);
      // the pool still runs batches afterwards (it is the caller's to stop)
      const c = await runBatch({ ...inputs, ...q, workers: 2, pool, out: join(root, 'c') });
      expect(c.manifest.counts).toEqual({ ok: 3, error: 1 });
    } finally {
      await pool.destroy();
    }
    for (const d of ['a', 'b', 'c']) {
      for (const f of PARQUET_FILES) expect(readFileSync(join(root, d, f)).equals(readFileSync(join(root, 'alone', f))), `${d}/${f}`).toBe(true);
    }
  }, 400_000);
});
