// Public library entry of hashsim. Each module's index lists what it makes public.
export * as consensus from './consensus/index.ts';
export * as random from './random/index.ts';
export * as scenario from './scenario/index.ts';
export * as market from './market/index.ts';
export { HashsimError } from './errors.ts';
export type { Scenario, ScenarioInput } from './scenario/schema.ts';
export type { RunResult, MinerOutcome } from './engine/types.ts';
export * as sweep from './sweep/index.ts';
export { runSweep, loadSweepFile } from './sweep/index.ts';
export { runBatch } from './batch/index.ts';
export { mergeResultSets } from './results/merge.ts';
export { readResultSet } from './results/read.ts';
export { readParquetFile, writeParquetFile } from './results/parquet.ts';
export { exportCsv } from './results/csv.ts';
export * as charts from './charts/index.ts';
export * as compare from './compare/index.ts';
export {
  simulate,
  SERIES_METRICS,
  SUMMARY_METRICS,
  MINER_OUTCOME_FIELDS,
  scenarioStart,
  type SimulateOptions,
  type EngineStart,
} from './engine/index.ts';
export * as agents from './agents/index.ts';
export type { StrategyModule, StrategyContext, MinerView, CohortView } from './agents/strategy-api.ts';
export { BUILTIN_STRATEGIES } from './agents/strategies.ts';
