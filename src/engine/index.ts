// One seeded run of a scenario: the model (model.ts) stepped through the horizon, its data collected
// (collect.ts). Pure: no I/O, threads, clock or Math.random; the result is a function of (scenario,
// seed, runIndex, crnKey) only. See docs/MODEL.md.
import type { Scenario } from '../scenario/schema.ts';
import { RunCollector } from './collect.ts';
import { RunModel, type SimulateOptions } from './model.ts';
import type { RunResult } from './types.ts';
export { scenarioStart, type EngineStart } from './start.ts';
export { MACHINE_CHECK_EVERY_STEPS, type SimulateOptions } from './model.ts';

export { SERIES_METRICS, SUMMARY_METRICS, MINER_OUTCOME_FIELDS } from './metrics.ts';
export type { MetricDef, SummaryDef, SeriesName, SummaryName } from './metrics.ts';
export type { RunResult, MinerOutcome } from './types.ts';
export { BlockProcess, type BlockSink, type RetargetHook } from './blocks.ts';

/**
 * Simulate one seeded run of a validated scenario (ScenarioSchema output). Returns per-step series at
 * the scenario's sampling interval, a per-run summary and the named miners' outcomes.
 */
export function simulate(scenario: Scenario, options: SimulateOptions): RunResult {
  const model = new RunModel(scenario, options);
  const data = new RunCollector(model);
  for (let s = 0; s < model.steps; s++) {
    model.step(s);
    data.observe(s);
  }
  return data.result();
}
