/** File names of a result set (see docs/RESULTS.md for every column). */
export const RESULT_FILES = {
  manifest: 'manifest.json',
  runs: 'runs.parquet',
  series: 'series.parquet',
  bands: 'bands.parquet',
  miners: 'miners.parquet',
  charts: 'charts',
  report: 'report.html',
  csv: 'csv',
} as const;

/** Quantiles stored in bands.parquet, as column name -> probability. */
export const BAND_QUANTILES = [
  ['p5', 0.05],
  ['p25', 0.25],
  ['p50', 0.5],
  ['p75', 0.75],
  ['p95', 0.95],
] as const;
