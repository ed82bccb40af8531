// Byte identity of result sets: 1 vs 2 workers (and different chunkings), and 3 shards merged vs a
// single batch, for every Parquet file and the deterministic part of manifest.json.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../src/batch/index.ts';
import { mergeResultSets } from '../src/results/merge.ts';
import { HashsimError } from '../src/errors.ts';
import { batchInputs, readManifestFile, resultSetDiff, tmp, writeScenario } from './batch-helpers.ts';

const RUNS = 9;
const SEED = 20260301;

describe('batch determinism', () => {
  const root = tmp('det');
  const scenario = writeScenario(root, { horizonDays: 40 });
  const inputs = batchInputs(scenario);
  const base = { ...inputs, seed: SEED, runs: RUNS, progress: 'none' as const, log: () => {} };

  it('1 worker and 2 workers (different chunk sizes) give byte-identical result sets', async () => {
    const one = await runBatch({ ...base, out: join(root, 'w1'), workers: 1, chunkSize: 4 });
    const two = await runBatch({ ...base, out: join(root, 'w2'), workers: 2, chunkSize: 1 });
    expect(one.manifest.counts).toEqual({ ok: RUNS, error: 0 });
    expect(two.manifest.timings?.workers).toBe(2);
    expect(resultSetDiff(join(root, 'w1'), join(root, 'w2'))).toEqual([]);
  });

  it('3 shards merged equal the single batch byte for byte; missing and duplicate shards are named', async () => {
    const shards = [0, 1, 2].map((i) => join(root, `shard-${i}`));
    for (const [i, out] of shards.entries()) {
      const r = await runBatch({ ...base, out, workers: 1, shard: { index: i, count: 3 } });
      expect(r.manifest.shard).toMatchObject({ index: i, count: 3 });
    }
    // shards are partial sets: together they hold every run once
    const held = shards.map((d) => readManifestFile(d).runIndexes);
    expect(held.reduce((n, r) => n + r.end - r.start, 0)).toBe(RUNS);

    await mergeResultSets([shards[2]!, shards[0]!, shards[1]!], join(root, 'merged'), { log: () => {} });
    expect(resultSetDiff(join(root, 'w1'), join(root, 'merged'))).toEqual([]);

    const missing = mergeResultSets([shards[0]!, shards[2]!], join(root, 'bad1'), { log: () => {} });
    await expect(missing).rejects.toThrow(HashsimError);
    await expect(mergeResultSets([shards[0]!, shards[2]!], join(root, 'bad1'), { log: () => {} })).rejects.toThrow(
      new RegExp(`missing runs ${held[1]!.start}-${held[1]!.end - 1}`),
    );
    await expect(mergeResultSets([shards[0]!, shards[1]!, shards[1]!, shards[2]!], join(root, 'bad2'), { log: () => {} })).rejects.toThrow(
      /duplicate runs/,
    );
  });
});
