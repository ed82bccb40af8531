// Public API of result-set comparison and verification (see docs/COMPARE.md).
export {
  compareResultSets,
  checkComparable,
  type CompareOptions,
  type Comparison,
  type MetricComparison,
  type StepComparison,
  type SetInfo,
} from './compare.ts';
export { formatComparison, writeComparison, COMPARE_FILES } from './output.ts';
export {
  verifyResultSet,
  formatVerifyReport,
  sampleRunIndexes,
  diffRecords,
  type VerifyOptions,
  type VerifyReport,
  type FileCheck,
  type RunCheck,
  type SimulateFn,
} from './verify.ts';
export * as stats from './stats.ts';
