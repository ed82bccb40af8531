// Faults: a user strategy that throws in some runs is recorded per run (status, message, stack), the
// other runs complete, and the CLI exits non-zero naming the failed runs. An existing result set
// of a different scenario is not overwritten without --force; an identical one is up to date.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../src/batch/index.ts';
import { simulate } from '../src/engine/index.ts';
import { readResultSet } from '../src/results/read.ts';
import { HashsimError } from '../src/errors.ts';
import { batchInputs, tmp, writeScenario } from './batch-helpers.ts';

const BIN = fileURLToPath(new URL('../bin/hashsim.mjs', import.meta.url));
const STRATEGY = fileURLToPath(new URL('./fixtures/batch/throwing-strategy.ts', import.meta.url));
const RUNS = 12;

describe('batch faults', () => {
  it('records failing runs, completes the others and exits non-zero with a summary', async () => {
    const root = tmp('faults');
    copyFileSync(STRATEGY, join(root, 'buggy.ts'));
    const scenario = writeScenario(root, { horizonDays: 60, strategyModule: './buggy.ts' });
    const out = join(root, 'out');
    const r = spawnSync(process.execPath, [BIN, 'run', scenario, '--runs', String(RUNS), '--seed', '5', '--workers', '2', '--out', out, '--no-charts', '--quiet', '--allow-code'], {
      encoding: 'utf8',
    });

    // Independent truth: which runs throw when the engine is called directly with the strategy.
    const inputs = batchInputs(scenario);
    const mod = (await import(join(root, 'buggy.ts'))) as { default: unknown };
    const expectFail: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      try {
        simulate(inputs.scenario as never, { seed: 5, runIndex: i, strategies: { './buggy.ts': mod.default as never } });
      } catch {
        expectFail.push(i);
      }
    }
    expect(expectFail.length).toBeGreaterThan(0);
    expect(expectFail.length).toBeLessThan(RUNS);

    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${expectFail.length} of ${RUNS} runs failed`);
    expect(r.stderr).toMatch(new RegExp(`run ${expectFail[0]}: .*strategy bug`));

    const set = await readResultSet(out);
    const runs = await set.runs.read();
    const status = runs.columns.status as (string | null)[];
    const err = runs.columns.error as (string | null)[];
    const stack = runs.columns.error_stack as (string | null)[];
    const failed = [...status.keys()].filter((i) => status[i] === 'error').map((i) => (runs.columns.run_index as Int32Array)[i]);
    expect(failed).toEqual(expectFail);
    for (const i of expectFail) {
      expect(err[i]).toMatch(/strategy bug: price \d+ above 76000/);
      expect(stack[i]).toContain('buggy.ts');
    }
    expect(set.manifest.counts).toEqual({ ok: RUNS - expectFail.length, error: expectFail.length });
    // failed runs have no series rows; ok runs do
    const series = await set.series.read({ columns: ['run_index'] });
    const withRows = new Set(series.columns.run_index as Int32Array);
    for (let i = 0; i < RUNS; i++) expect(withRows.has(i)).toBe(!expectFail.includes(i));
  });

  it('refuses to overwrite a different scenario without --force; same batch is up to date', async () => {
    const root = tmp('force');
    const a = batchInputs(writeScenario(root, { name: 'alpha', horizonDays: 20 }));
    const b = batchInputs(writeScenario(root, { name: 'beta', horizonDays: 20 }));
    const out = join(root, 'set');
    const opts = { seed: 3, runs: 3, out, workers: 1, progress: 'none' as const, log: () => {} };
    await runBatch({ ...a, ...opts });
    const before = readFileSync(join(out, 'runs.parquet'));

    await expect(runBatch({ ...b, ...opts })).rejects.toThrow(HashsimError);
    await expect(runBatch({ ...b, ...opts })).rejects.toThrow(/different batch.*--force/);
    expect(readFileSync(join(out, 'runs.parquet')).equals(before)).toBe(true);

    const again = await runBatch({ ...a, ...opts });
    expect(again.status).toBe('up-to-date');

    const forced = await runBatch({ ...b, ...opts, force: true });
    expect(forced.status).toBe('completed');
    expect(forced.manifest.scenario.name).toBe('beta');
  });
});
