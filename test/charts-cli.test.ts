import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { writeFakeResultSet } from './charts-fixtures.ts';
import { loadChartData } from '../src/charts/resultset.ts';

describe('hashsim chart / report on a result set', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hashsim-charts-'));
    await writeFakeResultSet(dir, 8, 40);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes vl.json, svg and png per chart, identical bytes on a second run', async () => {
    expect(await main(['node', 'hashsim', 'chart', dir, '--quiet'])).toBe(0);
    const index = JSON.parse(readFileSync(join(dir, 'charts', 'index.json'), 'utf8')) as { charts: Array<{ name: string; files: string[] }> };
    const names = index.charts.map((c) => c.name);
    for (const n of ['hashrate', 'difficulty', 'price', 'hashprice', 'miners-by-status', 'treasury', 'sell-pressure', 'debt', 'attack-cost', 'hhi', 'outcomes']) expect(names).toContain(n);
    // Event counts that are 0 at every step of every run make no chart (nothing to see).
    const bands = (await loadChartData(dir)).bands.filter((b) => b.metric === 'margin_calls' || b.metric === 'liquidations');
    const anyEvent = bands.some((b) => [b.mean, b.p5, b.p25, b.p50, b.p75, b.p95].some((v) => v !== null && v !== 0));
    expect(names.includes('margin-calls-liquidations')).toBe(anyEvent);
    const files = readdirSync(join(dir, 'charts')).sort();
    expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(index.charts.length);
    const first = new Map(files.map((f) => [f, readFileSync(join(dir, 'charts', f))]));
    expect(await main(['node', 'hashsim', 'chart', dir, '--quiet'])).toBe(0);
    for (const [f, bytes] of first) expect(Buffer.compare(readFileSync(join(dir, 'charts', f)), bytes), f).toBe(0);
    expect(readFileSync(join(dir, 'charts', 'hashrate.svg'), 'utf8')).toContain('font-family="DejaVu Sans');
  });

  it('report writes one html file; a missing folder is a user error', async () => {
    expect(await main(['node', 'hashsim', 'report', dir, '--quiet'])).toBe(0);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(await main(['node', 'hashsim', 'report', join(dir, 'nope'), '--quiet'])).not.toBe(0);
  });
});
