import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HashsimError } from '../errors.ts';
import { RESULT_FILES } from './layout.ts';
import { readManifest, type Manifest } from './manifest.ts';
import { checkResultSetIntegrity } from './integrity.ts';
import { readParquetFile, readParquetInfo, readParquetRowGroups, type ParquetData, type ParquetInfo } from './parquet.ts';
import type { RunRecord } from './record.ts';
import type { AgentSeries } from '../engine/types.ts';
import { isSetColumn, AGENTS_FIXED_COLUMNS, MINERS_FIXED_COLUMNS, RUNS_FIXED_COLUMNS, SERIES_FIXED_COLUMNS, type RunSource } from './assemble.ts';

export type TableName = 'runs' | 'series' | 'miners' | 'bands' | 'agents';

/** Lazy access to one Parquet table of a result set. */
export interface TableReader {
  readonly path: string;
  /** Row count, row groups and column names/types, without reading data. */
  info(): Promise<ParquetInfo>;
  /** The whole table, or only some columns. */
  read(options?: { columns?: readonly string[] }): Promise<ParquetData>;
  /** One row group at a time (bounded memory for large series tables). */
  rowGroups(options?: { columns?: readonly string[] }): AsyncGenerator<ParquetData>;
}

export interface ResultSet {
  readonly dir: string;
  readonly manifest: Manifest;
  readonly runs: TableReader;
  readonly series: TableReader;
  readonly miners: TableReader;
  readonly bands: TableReader;
  /** Named miners' per-step series; null for sets written before agents.parquet existed. */
  readonly agents: TableReader | null;
  /** Absolute path of a file of the set (see RESULT_FILES). */
  path(file: string): string;
  /** Every run as a RunRecord, in run-index order (used by merge and verify). */
  records(): AsyncIterable<RunRecord>;
}

function tableReader(path: string): TableReader {
  return {
    path,
    info: () => readParquetInfo(path),
    read: (options) => readParquetFile(path, options),
    rowGroups: (options) => readParquetRowGroups(path, options),
  };
}

/** Opens a complete or partial (shard) result set; reads manifest.json now, tables on demand. */
export async function readResultSet(dir: string, options: { checkIntegrity?: boolean } = {}): Promise<ResultSet> {
  const abs = resolve(dir);
  const manifest = await readManifest(abs);
  for (const f of [RESULT_FILES.runs, RESULT_FILES.series, RESULT_FILES.miners, RESULT_FILES.bands]) {
    if (!existsSync(join(abs, f))) throw new HashsimError(`${join(abs, f)}: missing from result set ${abs}`, 1);
  }
  // Hashes, sizes, counts and the manifest's own hash (verify passes false: it reports each file itself).
  if (options.checkIntegrity !== false) await checkResultSetIntegrity(abs, manifest);
  const set: ResultSet = {
    dir: abs,
    manifest,
    runs: tableReader(join(abs, RESULT_FILES.runs)),
    series: tableReader(join(abs, RESULT_FILES.series)),
    miners: tableReader(join(abs, RESULT_FILES.miners)),
    bands: tableReader(join(abs, RESULT_FILES.bands)),
    agents: existsSync(join(abs, RESULT_FILES.agents)) ? tableReader(join(abs, RESULT_FILES.agents)) : null,
    path: (file) => join(abs, file),
    records: () => resultSetRecords(abs),
  };
  return set;
}

/** A result set as a RunSource (re-iterable). */
export function resultSetSource(dir: string): RunSource {
  const abs = resolve(dir);
  return { description: abs, records: () => resultSetRecords(abs) };
}

// Every non-metric column, including those of sets written before a column was added.
const RUNS_FIXED = new Set<string>(RUNS_FIXED_COLUMNS);
const SERIES_FIXED = new Set<string>(SERIES_FIXED_COLUMNS);
const MINERS_FIXED = new Set<string>(MINERS_FIXED_COLUMNS);
const AGENTS_FIXED = new Set<string>(AGENTS_FIXED_COLUMNS);

const nullable = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Streams rows of a table grouped by run_index, in file order. */
async function* rowsByRun(path: string): AsyncGenerator<{ runIndex: number; data: ParquetData; from: number; to: number }> {
  for await (const g of readParquetRowGroups(path)) {
    const ri = g.columns.run_index as Int32Array;
    let i = 0;
    while (i < g.numRows) {
      let j = i + 1;
      while (j < g.numRows && ri[j] === ri[i]) j++;
      yield { runIndex: ri[i]!, data: g, from: i, to: j };
      i = j;
    }
  }
}

/**
 * Rebuilds RunRecords from runs/series/miners parquet. A run's rows may span row groups; pieces
 * are joined. Float nulls come back as null, so records re-assemble to the same bytes.
 */
async function* resultSetRecords(dir: string): AsyncGenerator<RunRecord> {
  const runs = await readParquetFile(join(dir, RESULT_FILES.runs));
  const summaryKeys = runs.names.filter((n) => !RUNS_FIXED.has(n) && !isSetColumn(n));
  const seriesIt = rowsByRun(join(dir, RESULT_FILES.series));
  const minersIt = rowsByRun(join(dir, RESULT_FILES.miners));
  let seriesPending = await seriesIt.next();
  let minersPending = await minersIt.next();
  const agentsPath = join(dir, RESULT_FILES.agents);
  const agentsIt = existsSync(agentsPath) ? rowsByRun(agentsPath) : null;
  let agentsPending = agentsIt ? await agentsIt.next() : null;
  const ri = runs.columns.run_index as Int32Array;
  const status = runs.columns.status as (string | null)[];
  const error = runs.columns.error as (string | null)[];
  const stack = runs.columns.error_stack as (string | null)[];
  for (let row = 0; row < runs.numRows; row++) {
    const runIndex = ri[row]!;
    const summary: Record<string, number | null> = {};
    for (const k of summaryKeys) summary[k] = nullable((runs.columns[k] as Float64Array)[row]!);
    // series rows of this run
    const days: number[] = [];
    const seriesVals: Record<string, number[]> = {};
    let seriesKeys: string[] = [];
    while (!seriesPending.done && seriesPending.value.runIndex === runIndex) {
      const { data, from, to } = seriesPending.value;
      seriesKeys = data.names.filter((n) => !SERIES_FIXED.has(n) && !isSetColumn(n));
      const day = data.columns.day as Float64Array;
      for (let i = from; i < to; i++) days.push(day[i]!);
      for (const k of seriesKeys) {
        const c = data.columns[k] as Float64Array;
        const arr = (seriesVals[k] ??= []);
        for (let i = from; i < to; i++) arr.push(c[i]!);
      }
      seriesPending = await seriesIt.next();
    }
    const miners: { name: string; status: string; values: Record<string, number | null> }[] = [];
    while (!minersPending.done && minersPending.value.runIndex === runIndex) {
      const { data, from, to } = minersPending.value;
      const keys = data.names.filter((n) => !MINERS_FIXED.has(n) && !isSetColumn(n));
      const name = data.columns.miner as (string | null)[];
      const st = data.columns.status as (string | null)[];
      for (let i = from; i < to; i++) {
        const values: Record<string, number | null> = {};
        for (const k of keys) values[k] = nullable((data.columns[k] as Float64Array)[i]!);
        miners.push({ name: name[i] ?? '', status: st[i] ?? '', values });
      }
      minersPending = await minersIt.next();
    }
    // agents rows of this run: (step, miner_index) in step-major order
    const aRows: { data: ParquetData; from: number; to: number }[] = [];
    while (agentsIt && agentsPending && !agentsPending.done && agentsPending.value.runIndex === runIndex) {
      aRows.push(agentsPending.value);
      agentsPending = await agentsIt.next();
    }
    const ok = status[row] === 'ok';
    const series: Record<string, Float64Array> = {};
    if (ok) for (const k of seriesKeys) series[k] = Float64Array.from(seriesVals[k]!);
    yield {
      runIndex,
      status: ok ? 'ok' : 'error',
      error: error[row] ?? null,
      stack: stack[row] ?? null,
      sampleDays: Float64Array.from(days),
      series,
      summary: ok ? summary : {},
      miners,
      agents: ok ? agentSeriesOf(aRows) : null,
    };
  }
}

/** A run's AgentSeries rebuilt from its agents.parquet rows (null when it has none). */
function agentSeriesOf(rows: readonly { data: ParquetData; from: number; to: number }[]): AgentSeries | null {
  if (rows.length === 0) return null;
  const keys = rows[0]!.data.names.filter((n) => !AGENTS_FIXED.has(n) && !isSetColumn(n));
  let nMiners = 0;
  let samples = 0;
  for (const { data, from, to } of rows) {
    const mi = data.columns.miner_index as Int32Array;
    const step = data.columns.step as Int32Array;
    for (let i = from; i < to; i++) {
      nMiners = Math.max(nMiners, mi[i]! + 1);
      samples = Math.max(samples, step[i]! + 1);
    }
  }
  const names: string[] = new Array<string>(nMiners).fill('');
  const statusNames: string[] = [];
  const status = new Uint8Array(nMiners * samples);
  const values: Record<string, Float64Array> = {};
  for (const k of keys) values[k] = new Float64Array(nMiners * samples).fill(Number.NaN);
  for (const { data, from, to } of rows) {
    const mi = data.columns.miner_index as Int32Array;
    const step = data.columns.step as Int32Array;
    const miner = data.columns.miner as (string | null)[];
    const st = data.columns.status as (string | null)[];
    for (let i = from; i < to; i++) {
      const at = mi[i]! * samples + step[i]!;
      names[mi[i]!] = miner[i] ?? '';
      const s = st[i] ?? '';
      let code = statusNames.indexOf(s);
      if (code < 0) code = statusNames.push(s) - 1;
      status[at] = code;
      for (const k of keys) values[k]![at] = (data.columns[k] as Float64Array)[i]!;
    }
  }
  return { names, samples, statusNames, status, values };
}
