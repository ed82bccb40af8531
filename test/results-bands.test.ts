// Bands computed in several bounded-memory passes equal a single pass byte for byte; shard slices
// from flags and job-array environments partition the runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShardFlag, runBatch, shardFromEnv, shardRange } from '../src/batch/index.ts';
import { quantileType7 } from '../src/results/bands.ts';
import { decodeRecords, encodeRecords, type RunRecord } from '../src/results/record.ts';
import { HashsimError } from '../src/errors.ts';
import { batchInputs, tmp, writeScenario } from './batch-helpers.ts';

describe('bands', () => {
  it('a tiny memory budget (many passes) writes the same bands.parquet as one pass', async () => {
    const root = tmp('bands');
    const inputs = batchInputs(writeScenario(root, { horizonDays: 30, sampleEvery: 2 }));
    const base = { ...inputs, seed: 9, runs: 5, workers: 1, progress: 'none' as const, log: () => {} };
    await runBatch({ ...base, out: join(root, 'one') });
    await runBatch({ ...base, out: join(root, 'many'), bandsMemoryBytes: 1 });
    expect(readFileSync(join(root, 'many', 'bands.parquet')).equals(readFileSync(join(root, 'one', 'bands.parquet')))).toBe(true);
  });

  it('type-7 quantile interpolates between order statistics and hits min/median/max', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
        const s = Float64Array.from(xs).sort();
        expect(quantileType7(s, 0)).toBe(s[0]);
        expect(quantileType7(s, 1)).toBe(s[s.length - 1]);
        const med = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
        expect(Math.abs(quantileType7(s, 0.5) - med)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(med)));
        const q = quantileType7(s, 0.25);
        expect(q).toBeGreaterThanOrEqual(s[0]!);
        expect(q).toBeLessThanOrEqual(s[s.length - 1]!);
      }),
    );
  });

  it('spool records round-trip exactly (including null, Infinity and -0)', () => {
    const r: RunRecord = {
      runIndex: 7,
      status: 'ok',
      error: null,
      stack: null,
      sampleDays: Float64Array.from([0, 5, 10]),
      series: { a: Float64Array.from([0.1, -0, 1e308]), b: Float64Array.from([Infinity, 2, 3]) },
      summary: { x: null, y: -Infinity, z: 0.30000000000000004 },
      miners: [{ name: 'm', status: 'exited', values: { d: null, e: 1.5 } }],
    };
    const [back] = decodeRecords(encodeRecords([r]));
    expect(back).toEqual(r);
    expect(Object.is(back!.series.a![1], -0)).toBe(true);
  });
});

describe('shards', () => {
  it('shard ranges partition 0..N-1 into contiguous blocks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 40 }), (runs, count) => {
        fc.pre(count <= runs);
        let at = 0;
        for (let i = 0; i < count; i++) {
          const r = shardRange(runs, { index: i, count });
          expect(r.start).toBe(at);
          expect(r.end).toBeGreaterThan(r.start);
          at = r.end;
        }
        expect(at).toBe(runs);
      }),
    );
  });

  it('reads --shard and job-array environments, with clear errors', () => {
    expect(parseShardFlag('2/5')).toMatchObject({ index: 2, count: 5 });
    expect(() => parseShardFlag('5/5')).toThrow(HashsimError);
    expect(() => parseShardFlag('1-4')).toThrow(/--shard: expected i\/n/);
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' })).toMatchObject({ index: 2, count: 4 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '1' }, 3)).toMatchObject({ index: 1, count: 3, source: 'JOB_COMPLETION_INDEX' });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '1' })).toThrow(/--shard-count/);
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '0', AWS_BATCH_JOB_ARRAY_SIZE: '2' })).toMatchObject({ index: 0, count: 2 });
    expect(shardFromEnv({})).toBeNull();
  });
});
