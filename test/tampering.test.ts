// Tampering suite (issue 19): byte flips, truncation, edited manifests, removed file entries,
// hostile file keys, swapped shard tables and symbolic links, over every reader (compare, merge,
// verify, chart/export's readResultSet). Each must fail clearly; none may give an answer with success.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../src/batch/index.ts';
import { compareResultSets } from '../src/compare/index.ts';
import { verifyResultSet } from '../src/compare/verify.ts';
import { HashsimError } from '../src/errors.ts';
import { deterministicHash, type Manifest } from '../src/results/manifest.ts';
import { mergeResultSets } from '../src/results/merge.ts';
import { readResultSet } from '../src/results/read.ts';
import { batchInputs, tmp, writeScenario } from './batch-helpers.ts';
import { runCli } from './cli-helpers.ts';

let root: string;
let good: string;
let shards: string[];
let otherSeed: string;

const q = { progress: 'none' as const, log: () => {}, workers: 1 };

beforeAll(async () => {
  root = tmp('tamper');
  const scenario = writeScenario(root, { horizonDays: 10, sampleEvery: 5 });
  const inputs = batchInputs(scenario);
  good = join(root, 'good');
  await runBatch({ ...inputs, ...q, seed: 3, runs: 4, out: good });
  otherSeed = join(root, 'seed4');
  await runBatch({ ...inputs, ...q, seed: 4, runs: 4, out: otherSeed });
  shards = [0, 1].map((i) => join(root, `shard-${i}`));
  for (const [i, d] of shards.entries()) await runBatch({ ...inputs, ...q, seed: 3, runs: 4, out: d, shard: { index: i, count: 2 } });
}, 300_000);

type Tamper = (dir: string) => void;

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest & Record<string, unknown>;
const writeManifest = (dir: string, m: unknown, rehash: boolean) => {
  const obj = m as Manifest;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(rehash ? { ...obj, deterministicSha256: deterministicHash(obj) } : obj));
};

const TAMPERS: Record<string, Tamper> = {
  'one flipped byte in runs.parquet': (d) => {
    const p = join(d, 'runs.parquet');
    const b = readFileSync(p);
    b[Math.floor(b.length / 2)]! ^= 0x01;
    writeFileSync(p, b);
  },
  'series.parquet truncated': (d) => {
    const p = join(d, 'series.parquet');
    writeFileSync(p, readFileSync(p).subarray(0, 100));
  },
  'counts edited': (d) => {
    const m = manifestOf(d);
    writeManifest(d, { ...m, counts: { ok: 40, error: 0 } }, false);
  },
  'counts edited, manifest hash recomputed': (d) => {
    const m = manifestOf(d);
    writeManifest(d, { ...m, counts: { ok: 40, error: 0 } }, true);
  },
  'series.parquet entry removed from files': (d) => {
    const m = manifestOf(d);
    const files = { ...m.files };
    delete (files as Record<string, unknown>)['series.parquet'];
    writeManifest(d, { ...m, files }, true);
  },
  'files: {}': (d) => writeManifest(d, { ...manifestOf(d), files: {} }, true),
  'a files key ../../../../dev/zero': (d) => {
    const m = manifestOf(d);
    writeManifest(d, { ...m, files: { ...m.files, '../../../../dev/zero': { sha256: '0'.repeat(64), bytes: 1 } } }, true);
  },
  'seed edited': (d) => writeManifest(d, { ...manifestOf(d), seed: 99 }, false),
  'null scenario': (d) => writeManifest(d, { ...manifestOf(d), scenario: null }, false),
  'runs.parquet a symbolic link': (d) => {
    const target = join(d, '..', `target-${Math.random().toString(36).slice(2)}.parquet`);
    copyFileSync(join(d, 'runs.parquet'), target);
    rmSync(join(d, 'runs.parquet'));
    symlinkSync(target, join(d, 'runs.parquet'));
  },
};

function tampered(name: string, from = good): string {
  const d = mkdtempSync(join(root, 'case-'));
  rmSync(d, { recursive: true });
  cpSync(from, d, { recursive: true });
  TAMPERS[name]!(d);
  return d;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(HashsimError);
    expect((err as HashsimError).exitCode).toBe(1);
    return (err as Error).message;
  }
  throw new Error('expected a refusal, got an answer');
}

describe('tampered result sets: every reader fails clearly', () => {
  for (const name of Object.keys(TAMPERS)) {
    it(`${name}: compare, chart/export and verify refuse`, async () => {
      const d = tampered(name);
      const cmp = await refusal(compareResultSets(good, d));
      expect(cmp).toMatch(/not a trustworthy result set|manifest\.json: /);
      const read = await refusal(readResultSet(d));
      expect(read).toMatch(/not a trustworthy result set|manifest\.json: /);
      // verify: a report that is not ok, or a refusal naming the manifest.
      let ok: boolean;
      try {
        ok = (await verifyResultSet(d, { sample: 1 })).ok;
      } catch (err) {
        expect(err).toBeInstanceOf(HashsimError);
        ok = false;
      }
      expect(ok).toBe(false);
    }, 120_000);
  }

  it('a consistent forgery (runs.parquet of another seed, every hash recomputed) is caught by verify\'s re-runs', async () => {
    const d = mkdtempSync(join(root, 'forged-'));
    rmSync(d, { recursive: true });
    cpSync(good, d, { recursive: true });
    copyFileSync(join(otherSeed, 'runs.parquet'), join(d, 'runs.parquet'));
    const m = manifestOf(d);
    writeManifest(d, { ...m, files: { ...m.files, 'runs.parquet': manifestOf(otherSeed).files['runs.parquet']! } }, true);
    const r = await verifyResultSet(d);
    expect(r.ok).toBe(false);
    expect(r.runs.some((x) => x.differences.some((s) => /runs\.parquet/.test(s)))).toBe(true);
  }, 120_000);

  it('merge refuses a tampered shard instead of laundering it with fresh hashes', async () => {
    const bad = tampered('one flipped byte in runs.parquet', shards[1]!);
    const msg = await refusal(mergeResultSets([shards[0]!, bad], join(root, 'merged-bad')));
    expect(msg).toMatch(/runs\.parquet: content hash differs/);
    const swapped = tampered('runs.parquet a symbolic link', shards[0]!);
    expect(await refusal(mergeResultSets([swapped, shards[1]!], join(root, 'merged-bad2')))).toMatch(/not a regular file/);
    // Intact shards still merge.
    const m = await mergeResultSets(shards, join(root, 'merged-ok'));
    expect(m.counts.ok + m.counts.error).toBe(4);
  }, 120_000);

  it('at the CLI: exit 1 with the failing file named, no stack trace', async () => {
    const d = tampered('one flipped byte in runs.parquet');
    const cmp = await runCli(['compare', good, d, '--out', join(root, 'cmp-out'), '--no-charts'], root);
    expect(cmp.code).toBe(1);
    expect(cmp.stderr).toMatch(/runs\.parquet: content hash differs/);
    const exp = await runCli(['export', d, '--csv'], root);
    expect(exp.code).toBe(1);
    const zero = tampered('a files key ../../../../dev/zero');
    const v = await runCli(['verify', zero, '--sample', '0'], root);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/expected a plain path inside the result set/);
    for (const s of [cmp.stderr, exp.stderr, v.stderr]) expect(s).not.toMatch(/internal error|\n\s+at .*:\d+:\d+/);
  }, 120_000);
});
