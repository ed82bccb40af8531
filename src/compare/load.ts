import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HashsimError } from '../errors.ts';
import { isSetColumn, RUNS_FIXED_COLUMNS, SERIES_FIXED_COLUMNS } from '../results/assemble.ts';
import { RESULT_FILES } from '../results/layout.ts';
import { readManifest, type Manifest } from '../results/manifest.ts';
import { checkResultSetIntegrity } from '../results/integrity.ts';
import { readParquetFile, type ParquetData } from '../results/parquet.ts';

/** A result set as the comparison needs it: manifest plus the per-run tables. */
export interface LoadedSet {
  readonly dir: string;
  readonly manifest: Manifest;
  /** runs.parquet (float metric columns read null -> NaN). */
  readonly runs: ParquetData;
  /** Summary metric columns of runs.parquet, in file order. */
  readonly summaryMetrics: readonly string[];
  /** Run indexes with status 'ok'. */
  readonly okRuns: ReadonlySet<number>;
}

export async function loadResultSet(dir: string): Promise<LoadedSet> {
  const abs = resolve(dir);
  const manifest = await readManifest(abs);
  // A flipped byte or a swapped table must not change the comparison: check before reading.
  await checkResultSetIntegrity(abs, manifest);
  const runsPath = join(abs, RESULT_FILES.runs);
  if (!existsSync(runsPath)) throw new HashsimError(`${runsPath}: not found (incomplete result set?)`);
  const runs = await readParquetFile(runsPath);
  const fixed = new Set<string>(RUNS_FIXED_COLUMNS);
  const summaryMetrics = runs.names.filter((n) => !fixed.has(n) && !isSetColumn(n) && runs.columns[n] instanceof Float64Array);
  const idx = runs.columns.run_index as Int32Array;
  const status = runs.columns.status as (string | null)[];
  const okRuns = new Set<number>();
  for (let i = 0; i < runs.numRows; i++) if (status[i] === 'ok') okRuns.add(idx[i]!);
  return { dir: abs, manifest, runs, summaryMetrics, okRuns };
}

/** One summary metric's value per ok run, keyed by run index (NaN = null in the set). */
export function summaryByRun(set: LoadedSet, metric: string): Map<number, number> {
  const col = set.runs.columns[metric];
  const idx = set.runs.columns.run_index as Int32Array;
  const out = new Map<number, number>();
  if (!(col instanceof Float64Array)) return out;
  for (let i = 0; i < set.runs.numRows; i++) {
    const r = idx[i]!;
    if (set.okRuns.has(r)) out.set(r, col[i]!);
  }
  return out;
}

/** series.parquet of a set, with its metric column names. */
export async function loadSeries(set: LoadedSet): Promise<{ data: ParquetData; metrics: string[] }> {
  const path = join(set.dir, RESULT_FILES.series);
  if (!existsSync(path)) throw new HashsimError(`${path}: not found (incomplete result set?)`);
  const data = await readParquetFile(path);
  const fixed = new Set<string>(SERIES_FIXED_COLUMNS);
  const metrics = data.names.filter((n) => !fixed.has(n) && !isSetColumn(n) && data.columns[n] instanceof Float64Array);
  return { data, metrics };
}
