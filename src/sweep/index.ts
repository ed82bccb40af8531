// Parameter sweeps: grid, Latin-hypercube, Sobol (Saltelli) and Morris designs over scenario
// parameter paths, R replications per point under common random numbers, one result set per point
// plus a combined summary table; then global sensitivity analysis (Sobol indices, Morris elementary
// effects, with bootstrap intervals) and scenario discovery (PRIM, CART). docs/SWEEPS.md.
export { runSweep, prepareSweep, summaryTable, toCsv, SWEEP_FILES } from './run.ts';
export type { SweepOptions, SweepResult, SweepPointOutcome, PreparedSweep, PreparedPoint } from './run.ts';
export { loadSweepFile, parseSweep, type LoadedSweep } from './load.ts';
export { SweepSchema, AnalysisSchema, type SweepSpec, type SweepInput, type Design, type AnalysisSpec, type AnalysisInput } from './schema.ts';
export {
  expandDesign,
  expandDesignFull,
  designSize,
  expandGrid,
  expandLhs,
  latinHypercubeUnit,
  saltelliUnit,
  morrisUnit,
  gridRangeValues,
  type DesignPoint,
  type DesignLayout,
  type ExpandedDesign,
} from './design.ts';
export { sobolPoints, directionNumbers, SOBOL_MAX_DIMS } from './sobol.ts';
export { sobolIndices, morrisIndices, samplesNeeded, type Estimate, type SobolIndices, type MorrisIndices, type MorrisLayout } from './sensitivity.ts';
export { prim, cart, binomialSf, type PrimResult, type PrimBox, type PrimOptions, type CartResult, type CartLeaf } from './prim.ts';
export { parseOutcome, OutcomeError, type Outcome, type OutcomeRef } from './outcome.ts';
export {
  analyzeSweepSet,
  analysisSettings,
  readSweepDocument,
  readSensitivity,
  readDiscovery,
  ANALYSIS_FILES,
  HEADLINE_METRICS,
  type AnalysisResult,
  type SensitivityDocument,
  type DiscoveryDocument,
} from './analyze.ts';
export { parameterTitle, formatNumber, formatValue } from './labels.ts';
export { parseParameterPath, formatParameterPath, getAtPath, setAtPath, type PathSegment } from './path.ts';
export { summarize, quantileSorted, SWEEP_STATS, type MetricSummary } from './stats.ts';
