/** File names of a result set (see docs/RESULTS.md for every column). */
export const RESULT_FILES = {
  manifest: 'manifest.json',
  runs: 'runs.parquet',
  series: 'series.parquet',
  bands: 'bands.parquet',
  miners: 'miners.parquet',
  agents: 'agents.parquet',
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

/** A seed as a folder-name part: letters, digits, `.`, `_`, `-` kept, anything else `_`. */
export function seedLabel(seed: string | number): string {
  const s = String(seed).replace(/[^A-Za-z0-9._-]/g, '_');
  return s === '' || s === '.' || s === '..' ? `_${s}` : s;
}

/**
 * Default folder of a batch, named by what defines it: `results/<scenario>/seed-<S>-runs-<N>/`
 * (a shard: `results/<scenario>/seed-<S>-runs-<N>-shards/shard-<i>-of-<n>/`). Two batches of one
 * scenario with another seed or run count never share a folder; the same folder is refused only
 * when it holds a batch of the same name but another scenario content (edited file).
 */
export function defaultResultDir(
  scenarioName: string,
  seed: string | number,
  runs: number,
  shard?: { readonly index: number; readonly count: number } | null,
  root = 'results',
): string {
  const batch = `seed-${seedLabel(seed)}-runs-${runs}`;
  return shard
    ? `${root}/${scenarioName}/${batch}-shards/shard-${shard.index}-of-${shard.count}`
    : `${root}/${scenarioName}/${batch}`;
}
