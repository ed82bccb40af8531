import type { BandRow, SummaryColumn } from './specs/types.ts';
import { quantileSorted } from './specs/common.ts';

/** What the in-memory helpers need of a run (the engine's RunResult has it). */
export interface RunLike {
  readonly sampleDays: ArrayLike<number>;
  readonly series: Readonly<Record<string, ArrayLike<number>>>;
  readonly summary?: Readonly<Record<string, number | null>>;
}

/**
 * Quantile bands over runs computed in memory (notebooks, tests), with the same definitions as
 * bands.parquet: mean and type-7 quantiles of the finite values at each sampled step. Runs must
 * share their sample days (runs of one scenario do).
 */
export function bandRowsFromRuns(runs: readonly RunLike[]): BandRow[] {
  if (runs.length === 0) return [];
  const days = runs[0]!.sampleDays;
  const metrics = Object.keys(runs[0]!.series);
  const rows: BandRow[] = [];
  for (const metric of metrics) {
    for (let i = 0; i < days.length; i++) {
      const vals: number[] = [];
      for (const r of runs) {
        const v = r.series[metric]?.[i];
        if (v !== undefined && Number.isFinite(v)) vals.push(v);
      }
      vals.sort((a, b) => a - b);
      const has = vals.length > 0;
      const q = (p: number): number | null => (has ? quantileSorted(vals, p) : null);
      rows.push({ step: i, day: days[i]!, metric, mean: has ? vals.reduce((a, b) => a + b, 0) / vals.length : null, p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) });
    }
  }
  return rows;
}

/** Summary metric columns over runs (one value per run, null where the run has none). */
export function summaryColumnsFromRuns(runs: readonly RunLike[]): SummaryColumn[] {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.summary ?? {})))];
  return names.map((metric) => ({ metric, values: runs.map((r) => r.summary?.[metric] ?? null) }));
}
