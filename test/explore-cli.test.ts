// `hashsim explore` as a user runs it: written page, --serve on 127.0.0.1, and refusals.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.ts';
import { batch, HOSTILE_MINER, HOSTILE_MINER_2, scenarioYaml } from './explore-fixtures.ts';
import { dequantise, loadExplorePayload, quantise, thinPositions } from '../src/explore/index.ts';
import { readParquetFile, writeParquetFile } from '../src/results/parquet.ts';

const BIN = fileURLToPath(new URL('../bin/hashsim.mjs', import.meta.url));
let tmp: string;
let set: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hashsim-explore-cli-'));
  set = await batch(tmp, 'small', scenarioYaml('explore-small'), 3, 6);
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('embedded data', () => {
  it('quantises to 16 bits within half a step and keeps missing values missing', () => {
    const v = Float64Array.from([5, 7.25, NaN, 1e9, -3, Infinity]);
    const b = quantise('x', v);
    const back = dequantise(b);
    const step = (1e9 - -3) / 65534;
    [0, 1, 3, 4].forEach((i) => expect(Math.abs(back[i]! - v[i]!)).toBeLessThanOrEqual(step / 2 + 1e-9));
    expect(Number.isNaN(back[2]!)).toBe(true);
    expect(Number.isNaN(back[5]!)).toBe(true);
  });

  it('thins steps to at most the limit and always keeps the last', () => {
    expect(thinPositions(731, 120)).toHaveLength(106); // every 7th of 0..730 (0, 7, ..., 728) and 730
    expect(thinPositions(731, 120).at(-1)).toBe(730);
    expect(thinPositions(10, 120)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('embeds every ok run with its summaries exactly as in runs.parquet', async () => {
    const p = await loadExplorePayload([set]);
    expect(p.kind).toBe('set');
    if (p.kind !== 'set') return;
    const runs = await readParquetFile(join(set, 'runs.parquet'));
    const price = runs.columns.final_price_usd as Float64Array;
    const s = p.sets[0];
    expect(s.runs).toEqual([...(runs.columns.run_index as Int32Array)]);
    expect(s.summaries.find((x) => x.metric === 'final_price_usd')!.values).toEqual([...price]);
    expect(s.miners.map((m) => m.name)).toHaveLength(2);
  });
});

describe('per-step named-miner series', () => {
  it('are embedded from a per-step miner table when the set has one (miner_index named through miners.parquet)', async () => {
    const dir = join(tmp, 'with-agents');
    cpSync(set, dir, { recursive: true });
    const series = await readParquetFile(join(dir, 'series.parquet'));
    const ri = series.columns.run_index as Int32Array;
    const st = series.columns.step as Int32Array;
    const run: number[] = [];
    const step: number[] = [];
    const miner: number[] = [];
    const treasury: number[] = [];
    for (let i = 0; i < series.numRows; i++) {
      for (const m of [0, 1]) {
        run.push(ri[i]!);
        step.push(st[i]!);
        miner.push(m);
        treasury.push(ri[i]! * 1000 + st[i]! + m * 0.5);
      }
    }
    await writeParquetFile(join(dir, 'agents.parquet'), [
      { name: 'run_index', type: 'int32', values: Int32Array.from(run) },
      { name: 'step', type: 'int32', values: Int32Array.from(step) },
      { name: 'miner_index', type: 'int32', values: Int32Array.from(miner) },
      { name: 'treasury_btc', type: 'float64', values: Float64Array.from(treasury) },
    ]);
    const p = await loadExplorePayload([dir]);
    if (p.kind !== 'set') throw new Error('expected a set');
    const s = p.sets[0];
    expect(s.minerSeriesFile).toBe('agents.parquet');
    const block = s.minerSeries.find((b) => b.miner === HOSTILE_MINER && b.column === 'treasury_btc')!;
    expect(block.metric).toBe(`${HOSTILE_MINER} · treasury_btc`);
    const values = dequantise(block);
    const P = s.days.length;
    const stepOfDay = new Map<number, number>();
    const day = series.columns.day as Float64Array;
    for (let i = 0; i < series.numRows; i++) stepOfDay.set(day[i]!, st[i]!);
    s.seriesRuns.forEach((k, slot) => {
      s.days.forEach((d, p) => {
        expect(Math.abs(values[slot * P + p]! - (s.runs[k]! * 1000 + stepOfDay.get(d)!))).toBeLessThanOrEqual(block.scale / 2 + 1e-9);
      });
    });
    expect(s.minerSeries.find((b) => b.miner === HOSTILE_MINER_2)).toBeDefined();
  });

  it('are absent without such a table (a set from before agents.parquet: the page shows final outcomes only)', async () => {
    const old = join(tmp, 'set-without-agents');
    cpSync(set, old, { recursive: true });
    rmSync(join(old, 'agents.parquet'), { force: true });
    const p = await loadExplorePayload([old]);
    if (p.kind !== 'set') throw new Error('expected a set');
    expect(p.sets[0].minerSeriesFile).toBeNull();
    expect(p.sets[0].minerSeries).toEqual([]);
  });
});

describe('hashsim explore', () => {
  it('writes <set>/explore.html and prints its path', async () => {
    const r = await runCli(['explore', set, '--no-open'], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(set, 'explore.html'));
    expect(r.stderr).toMatch(/MB, works offline/);
    const html = readFileSync(join(set, 'explore.html'), 'utf8');
    expect(html).toContain('id="explore-data"');
    expect(html).toContain("connect-src 'none'");
  });

  it('--out writes elsewhere; two sets make a comparison page', async () => {
    const out = join(tmp, 'cmp.html');
    const r = await runCli(['explore', set, set, '--out', out, '--quiet'], tmp);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('data-kind="compare"');
  });

  it('refuses what is not a result set (exit 1) and bad usage (exit 2), naming what was expected', async () => {
    const missing = await runCli(['explore', join(tmp, 'nope')], tmp);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such folder/);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'x');
    const notSet = await runCli(['explore', empty], tmp);
    expect(notSet.code).toBe(1);
    expect(notSet.stderr).toMatch(/not a result set, compare or sweep folder \(expected manifest\.json, compare\.json or sweep\.json; found: notes\.txt\)/);
    const three = await runCli(['explore', set, set, set], tmp);
    expect(three.code).toBe(2);
    expect(three.stderr).toMatch(/expected one folder or two result sets, got 3/);
    const port = await runCli(['explore', set, '--serve', '--port', 'http'], tmp);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port: expected an integer 0\.\.65535, got "http"/);
    const runsFlag = await runCli(['explore', set, '--max-runs', '0'], tmp);
    expect(runsFlag.code).toBe(2);
    expect(runsFlag.stderr).toMatch(/--max-runs: expected a positive integer/);
  });

  it('the re-run command the page shows for run i reproduces run i bit for bit', async () => {
    // The page shows: hashsim run SCENARIO --seed S --runs N --shard i/N --out ... (see client.js showRun).
    const r = await runCli(['run', 'small.yaml', '--seed', '3', '--runs', '6', '--shard', '4/6', '--out', 'rerun-4', '--no-charts', '--quiet'], tmp);
    expect(r.code).toBe(0);
    const one = await readParquetFile(join(tmp, 'rerun-4', 'runs.parquet'));
    const all = await readParquetFile(join(set, 'runs.parquet'));
    expect([...(one.columns.run_index as Int32Array)]).toEqual([4]);
    const row = (all.columns.run_index as Int32Array).indexOf(4);
    for (const name of all.names.filter((n) => all.columns[n] instanceof Float64Array)) {
      expect((one.columns[name] as Float64Array)[0], name).toBe((all.columns[name] as Float64Array)[row]);
    }
  });

  it('--serve serves the page and its data on 127.0.0.1 only, until stopped', async () => {
    const child = spawn(process.execPath, [BIN, 'explore', set, '--serve', '--no-open', '--quiet'], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
          if (m) ok(m[0]);
        });
        child.on('exit', (code) => fail(new Error(`exited ${code}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).not.toContain('id="explore-data"');
      expect(html).toContain("connect-src 'self'");
      const data = (await (await fetch(`${url}explore-data.json`)).json()) as { kind: string; sets: Array<{ runs: number[] }> };
      expect(data.kind).toBe('set');
      expect(data.sets[0]!.runs).toHaveLength(6);
      expect((await fetch(`${url}../../etc/passwd`)).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((ok) => child.on('exit', (c) => ok(c)));
    expect(code).toBe(0);
  });
});
