// A stand-in for the engine (runBatch's `runModule`) that isolates the batch layer's memory and I/O
// cost at full scale: it simulates run 0 once per worker, then returns that result for every run
// index with every series value and summary scaled by a per-run factor (so columns do not compress
// to nothing and quantile bands see distinct values). Same shapes and sizes as real results.
import { simulate as realSimulate, type RunResult } from '../src/engine/index.ts';
import type { Scenario } from '../src/scenario/schema.ts';

let base: RunResult | null = null;

export function simulate(scenario: Scenario, options: { seed: string | number; runIndex: number }): RunResult {
  base ??= realSimulate(scenario, { seed: options.seed, runIndex: 0 });
  const f = 1 + ((options.runIndex * 2654435761) % 1000003) / 1e7;
  const series: Record<string, Float64Array> = {};
  for (const [k, col] of Object.entries(base.series)) {
    const out = new Float64Array(col.length);
    for (let i = 0; i < col.length; i++) out[i] = col[i]! * f;
    series[k] = out;
  }
  const summary: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(base.summary)) summary[k] = v === null ? null : v * f;
  return { runIndex: options.runIndex, sampleDays: base.sampleDays, series, summary, miners: base.miners };
}
