import type { BandRow, SummaryColumn } from '../src/charts/specs/types.ts';
import { quantileSorted } from '../src/charts/specs/common.ts';

/** Small seeded generator (mulberry32) so fixtures do not depend on the engine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface FakeRuns {
  readonly days: number[];
  /** metric -> run -> values per day */
  readonly series: Record<string, number[][]>;
  readonly summaries: SummaryColumn[];
}

/** Plausible-looking synthetic runs of every metric the charts know (shapes, not a model). */
export function fakeRuns(runs: number, days: number, seed = 1): FakeRuns {
  const u = rng(seed);
  const dayList = Array.from({ length: days + 1 }, (_, d) => d);
  const series: Record<string, number[][]> = {};
  const put = (m: string, r: number, v: number[]): void => {
    (series[m] ??= [])[r] = v;
  };
  const summaryVals: Record<string, (number | null)[]> = { final_hashrate_ehs: [], btc_sold_total_btc: [], first_liquidation_day: [], miners_exited: [] };
  for (let r = 0; r < runs; r++) {
    let price = 70_000;
    let hr = 950;
    let height = 940_000;
    let diff = 1.25e14;
    let sold = 0;
    let treasury = 90_000;
    let debt = 2e9;
    const cols: Record<string, number[]> = {};
    const push = (m: string, v: number): void => {
      (cols[m] ??= []).push(v);
    };
    let firstLiq: number | null = null;
    let exited = 0;
    for (const d of dayList) {
      if (d > 0) {
        price *= Math.exp(0.5 * Math.sqrt(1 / 365) * normal(u) - 0.5 * 0.25 / 365);
        hr *= Math.exp(0.01 * normal(u) + 0.2 * Math.log(price / 70_000) / 365);
        height += 144 * (hr / 950);
        if (Math.floor(height / 2016) !== Math.floor((height - 144 * (hr / 950)) / 2016)) diff = diff * (hr / 950) ** 0.1;
      }
      const daily = Math.max(0, 100 + 30 * normal(u) + (price < 55_000 ? 300 : 0));
      sold += daily;
      treasury = Math.max(0, treasury + 450 - daily);
      const liq = price < 50_000 && u() < 0.2 ? 1 : 0;
      if (liq && firstLiq === null) firstLiq = d;
      debt = Math.max(0, debt * (1 - 0.001) - liq * 5e7);
      exited = Math.min(40, exited + (price < 55_000 && u() < 0.05 ? 1 : 0));
      const pivot = Math.min(30, Math.floor(d / 60));
      push('price_usd', price);
      push('hashrate_ehs', hr);
      push('block_height', height);
      push('difficulty', diff);
      push('hashprice_usd_per_ph_day', (3.125 * 144 * price) / (hr * 1000));
      push('miners_active', 200 - exited - pivot - (price < 60_000 ? 20 : 0));
      push('miners_curtailing', price < 60_000 ? 20 : 0);
      push('miners_pivoting', pivot);
      push('miners_exited', exited);
      push('treasury_btc', treasury);
      push('btc_sold', daily);
      push('btc_sold_cumulative', sold);
      push('debt_usd', debt);
      push('margin_calls', price < 55_000 && u() < 0.3 ? 1 : 0);
      push('liquidations', liq);
      push('mw_ai', 40 * pivot);
      push('attack_cost_usd_per_hour', hr * 1e6 * 16e-12 * 3.6e6 * 0.05 / 1000);
      push('hhi', 0.08 + 0.0001 * d + 0.005 * normal(u));
      push('fees_btc_per_block', 0.03 * Math.exp(0.2 * normal(u)));
    }
    for (const [m, v] of Object.entries(cols)) put(m, r, v);
    summaryVals.final_hashrate_ehs!.push(hr);
    summaryVals.btc_sold_total_btc!.push(sold);
    summaryVals.first_liquidation_day!.push(firstLiq);
    summaryVals.miners_exited!.push(exited);
  }
  return { days: dayList, series, summaries: Object.entries(summaryVals).map(([metric, values]) => ({ metric, values })) };
}

/** bands of fake runs, with the same quantile definition as numpy's default (type 7). */
export function bandsOf(f: FakeRuns): BandRow[] {
  const rows: BandRow[] = [];
  for (const [metric, runs] of Object.entries(f.series)) {
    f.days.forEach((day, i) => {
      const vals = runs.map((r) => r[i]!).sort((a, b) => a - b);
      const q = (p: number): number => quantileSorted(vals, p);
      rows.push({ step: i, day, metric, mean: vals.reduce((a, b) => a + b, 0) / vals.length, p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) });
    });
  }
  return rows;
}

import { mkdirSync } from 'node:fs';
import { assembleResultSet } from '../src/results/assemble.ts';
import { MANIFEST_FORMAT, scenarioHash } from '../src/results/manifest.ts';
import type { RunRecord } from '../src/results/record.ts';

/**
 * Writes a real result set (the results module's own writer) from synthetic runs, so chart and
 * report tests do not depend on the engine. Run `failIndex` (if given) is recorded as an error.
 */
export async function writeFakeResultSet(dir: string, runs = 12, days = 120, failIndex?: number): Promise<FakeRuns> {
  mkdirSync(dir, { recursive: true });
  const f = fakeRuns(runs, days, 3);
  const records: RunRecord[] = [];
  for (let r = 0; r < runs; r++) {
    if (r === failIndex) {
      records.push({ runIndex: r, status: 'error', error: 'synthetic failure', stack: 'Error: synthetic failure', sampleDays: new Float64Array(0), series: {}, summary: {}, miners: [] });
      continue;
    }
    const series: Record<string, Float64Array> = {};
    for (const [m, rr] of Object.entries(f.series)) series[m] = Float64Array.from(rr[r]!);
    const summary: Record<string, number | null> = {};
    for (const c of f.summaries) summary[c.metric] = c.values[r] ?? null;
    records.push({ runIndex: r, status: 'ok', error: null, stack: null, sampleDays: Float64Array.from(f.days), series, summary, miners: [{ name: 'fake-miner', status: 'active', values: { sold_btc: 1 } }] });
  }
  const resolved = { name: 'fake-scenario', description: 'Synthetic runs <for> "chart" tests & the report', start: { date: '2026-03-01' }, horizonDays: days, miners: [{ name: 'fake-miner' }] };
  await assembleResultSet({
    dir,
    source: { description: 'fake', records: async function* () { yield* records; } },
    manifest: {
      format: MANIFEST_FORMAT,
      scenario: { name: 'fake-scenario', sha256: scenarioHash(resolved), resolved },
      seed: 7,
      runs,
      shard: null,
      runIndexes: { start: 0, end: runs },
      package: { name: 'hashsim', version: '0.0.0-test' },
      gitCommit: null,
      node: process.version,
      dataFiles: [],
    },
    timings: () => ({ startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', wallSeconds: 1, runsExecuted: runs, runsPerSecond: runs, workers: 1, resumedRuns: 0, command: 'run' }),
  });
  return f;
}
