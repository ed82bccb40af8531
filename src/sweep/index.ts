// Parameter sweeps: grid and Latin-hypercube designs over scenario parameter paths, R replications
// per point under common random numbers, one result set per point plus a combined summary table.
export { runSweep, prepareSweep, summaryTable, toCsv, SWEEP_FILES } from './run.ts';
export type { SweepOptions, SweepResult, SweepPointOutcome, PreparedSweep, PreparedPoint } from './run.ts';
export { loadSweepFile, parseSweep, type LoadedSweep } from './load.ts';
export { SweepSchema, type SweepSpec, type SweepInput, type Design } from './schema.ts';
export { expandDesign, expandGrid, expandLhs, latinHypercubeUnit, gridRangeValues, type DesignPoint } from './design.ts';
export { parseParameterPath, formatParameterPath, getAtPath, setAtPath, type PathSegment } from './path.ts';
export { summarize, quantileSorted, SWEEP_STATS, type MetricSummary } from './stats.ts';
