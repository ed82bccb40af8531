import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HashsimError } from '../errors.ts';
import {
  BandValuesEncoder,
  bandStepsPerGroup,
  bandsSpec,
  encodeBandsGroup,
  GroupEncoder,
  GroupPlanner,
  KeyOrder,
  keysOfRun,
  rowsOfRun,
  DEFAULT_BANDS_MEMORY_BYTES,
  SET_COLUMNS,
  setIdentity,
  TABLE_NAMES,
  tableSpec,
  type BandValuesFile,
  type ColumnSpec,
  type SetIdentity,
  type TableName,
} from './encode.ts';
import { BAND_QUANTILES, RESULT_FILES } from './layout.ts';
import { writeManifest, type FileEntry, type Manifest, type ManifestDeterministic, type ManifestTimings } from './manifest.ts';
import { fileSha256 } from './manifest.ts';
import { spliceParquet } from './parquet-splice.ts';
import { writeParquetFile } from './parquet.ts';
import type { RunRecord } from './record.ts';

/** Runs in ascending run-index order, re-iterable (assembly makes several passes). */
export interface RunSource {
  readonly description: string;
  records(): AsyncIterable<RunRecord>;
}

/** Columns naming the set a row belongs to, first in every table: rows of several sets concatenate and join. */
export { SET_COLUMNS, setIdentity, epochDayOf, type SetIdentity } from './encode.ts';
export const RUNS_FIXED_COLUMNS = [...SET_COLUMNS, 'run_index', 'status', 'error', 'error_stack'] as const;
export const SERIES_FIXED_COLUMNS = [...SET_COLUMNS, 'run_index', 'step', 'day', 'date'] as const;
export const MINERS_FIXED_COLUMNS = [...SET_COLUMNS, 'run_index', 'miner_index', 'miner', 'status'] as const;
export const AGENTS_FIXED_COLUMNS = [...SET_COLUMNS, 'run_index', 'step', 'day', 'date', 'miner_index', 'miner', 'status'] as const;
export const BANDS_COLUMNS = [...SET_COLUMNS, 'step', 'day', 'date', 'metric', 'n', 'mean', ...BAND_QUANTILES.map(([name]) => name)] as const;

/**
 * Whether a column identifies the set rather than holding a metric: the fixed set columns, and for a
 * sweep's points `sweep`, `sweep_point` and one `param.<path>` column per swept parameter.
 */
export function isSetColumn(name: string): boolean {
  return (SET_COLUMNS as readonly string[]).includes(name) || name === 'sweep' || name === 'sweep_point' || name.startsWith('param.');
}

export interface ScanResult {
  readonly summaryKeys: readonly string[];
  readonly seriesKeys: readonly string[];
  readonly minerKeys: readonly string[];
  readonly agentKeys: readonly string[];
  readonly ok: number;
  readonly failedRuns: readonly { runIndex: number; error: string }[];
  readonly maxSteps: number;
}

/** The metric keys of a scan per table. */
export function keysOfScan(scan: ScanResult): Record<TableName, readonly string[]> {
  return { runs: scan.summaryKeys, series: scan.seriesKeys, miners: scan.minerKeys, agents: scan.agentKeys };
}

function formatRanges(xs: readonly number[], max = 20): string {
  const parts: string[] = [];
  let i = 0;
  while (i < xs.length && parts.length < max) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    parts.push(i === j ? `${xs[i]}` : `${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return parts.join(', ') + (i < xs.length ? ', ...' : '');
}

/** Refuses metric names that clash with a table's fixed columns. */
export function checkKeyClashes(scan: ScanResult): void {
  const clash = (fixed: readonly string[], keys: readonly string[], table: string) => {
    const c = keys.filter((k) => fixed.includes(k));
    if (c.length) throw new Error(`${table}: metric names clash with fixed columns: ${c.join(', ')}`);
  };
  clash(RUNS_FIXED_COLUMNS, scan.summaryKeys, RESULT_FILES.runs);
  clash(SERIES_FIXED_COLUMNS, scan.seriesKeys, RESULT_FILES.series);
  clash(MINERS_FIXED_COLUMNS, scan.minerKeys, RESULT_FILES.miners);
  clash(AGENTS_FIXED_COLUMNS, scan.agentKeys, RESULT_FILES.agents);
}

/**
 * First pass: checks that the source holds every run of [start, end) exactly once and in order,
 * and fixes column order: metric columns appear in order of first appearance scanning runs by
 * run index (so contiguous shards merged in order give the same columns as one batch). Also
 * returns each run's row count per table (row groups are planned from them).
 */
export async function scanSource(source: RunSource, range: { start: number; end: number }): Promise<ScanResult & { rows: Record<TableName, Int32Array> }> {
  const keys = { runs: new KeyOrder(), series: new KeyOrder(), miners: new KeyOrder(), agents: new KeyOrder() };
  const n = range.end - range.start;
  const rows = { runs: new Int32Array(n), series: new Int32Array(n), miners: new Int32Array(n), agents: new Int32Array(n) };
  const failedRuns: { runIndex: number; error: string }[] = [];
  const duplicates: number[] = [];
  const missing: number[] = [];
  const outside: number[] = [];
  let next = range.start;
  let last = -1;
  let ok = 0;
  let maxSteps = 0;
  for await (const r of source.records()) {
    if (r.runIndex < range.start || r.runIndex >= range.end) {
      outside.push(r.runIndex);
      continue;
    }
    if (r.runIndex <= last) {
      if (r.runIndex === last) duplicates.push(r.runIndex);
      else throw new Error(`${source.description}: runs out of order (${r.runIndex} after ${last})`);
      continue;
    }
    for (let m = next; m < r.runIndex; m++) missing.push(m);
    next = r.runIndex + 1;
    last = r.runIndex;
    const rr = rowsOfRun(r);
    for (const t of TABLE_NAMES) rows[t][r.runIndex - range.start] = rr[t];
    if (r.status === 'ok') {
      ok++;
      const k = keysOfRun(r);
      for (const t of TABLE_NAMES) keys[t].add(k[t]);
      maxSteps = Math.max(maxSteps, r.sampleDays.length);
    } else {
      failedRuns.push({ runIndex: r.runIndex, error: r.error ?? 'error' });
    }
  }
  for (let m = next; m < range.end; m++) missing.push(m);
  const problems: string[] = [];
  if (missing.length) problems.push(`missing runs ${formatRanges(missing)} (${missing.length} in all)`);
  if (duplicates.length) problems.push(`duplicate runs ${formatRanges(duplicates)}`);
  if (outside.length) problems.push(`runs outside [${range.start}, ${range.end}): ${formatRanges(outside)}`);
  if (problems.length) throw new HashsimError(`${source.description}: ${problems.join('; ')}`);
  const scan = { summaryKeys: keys.runs.keys, seriesKeys: keys.series.keys, minerKeys: keys.miners.keys, agentKeys: keys.agents.keys, ok, failedRuns, maxSteps, rows };
  checkKeyClashes(scan);
  return scan;
}

export { DEFAULT_BANDS_MEMORY_BYTES } from './plan.ts';

/** Pieces of a result set's tables (one-row-group Parquet files), in order, ready to be spliced. */
export type TablePieces = Record<TableName | 'bands', string[]>;

/** Row groups of bands.parquet: step ranges. */
export function bandGroups(maxSteps: number, nKeys: number): { start: number; end: number }[] {
  const per = bandStepsPerGroup(nKeys);
  const out: { start: number; end: number }[] = [];
  for (let s = 0; s < maxSteps; s += per) out.push({ start: s, end: Math.min(maxSteps, s + per) });
  return out;
}

const pieceName = (table: string, start: number, end: number) => `piece-${table}-${String(start).padStart(10, '0')}-${String(end).padStart(10, '0')}.parquet`;
export { pieceName };

/**
 * Encodes the pieces of every table in this process: one pass over the source (groups planned from
 * the scan's row counts), then the bands groups. Writes them to `workDir`.
 */
async function encodePiecesInProcess(
  source: RunSource,
  scan: ScanResult & { rows: Record<TableName, Int32Array> },
  range: { start: number; end: number },
  id: SetIdentity,
  workDir: string,
  memoryBytes: number,
): Promise<TablePieces> {
  const keys = keysOfScan(scan);
  const pieces: TablePieces = { runs: [], series: [], miners: [], agents: [], bands: [] };
  // group end per table for each run: planned from the row counts
  const groupEnd: Record<TableName, Map<number, number>> = { runs: new Map(), series: new Map(), miners: new Map(), agents: new Map() };
  for (const t of TABLE_NAMES) {
    const planner = new GroupPlanner(range.start);
    const add = (g: { start: number; end: number } | null) => g && groupEnd[t].set(g.start, g.end);
    for (let i = range.start; i < range.end; i++) add(planner.feed(i, scan.rows[t][i - range.start]!));
    add(planner.finish(range.end));
  }
  const open: Partial<Record<TableName, { enc: GroupEncoder; end: number; start: number; bands?: BandValuesEncoder }>> = {};
  const bandFiles: BandValuesFile[] = [];
  for await (const r of source.records()) {
    for (const t of TABLE_NAMES) {
      let g = open[t];
      if (!g) {
        const end = groupEnd[t].get(r.runIndex);
        if (end === undefined) continue; // runs without rows after the last group
        g = open[t] = { enc: new GroupEncoder(t, keys[t], id), start: r.runIndex, end, ...(t === 'series' ? { bands: new BandValuesEncoder(keys.series) } : {}) };
      }
      g.enc.add(r);
      g.bands?.add(r);
      if (r.runIndex + 1 === g.end) {
        const bytes = g.enc.finish();
        if (bytes) {
          const p = join(workDir, pieceName(t, g.start, g.end));
          await writeFile(p, bytes);
          pieces[t].push(p);
        }
        const bv = g.bands?.finish();
        if (bv) {
          const p = join(workDir, `bandv-${g.start}-${g.end}.bin`);
          await writeFile(p, bv.bytes);
          bandFiles.push({ path: p, okRuns: bv.okRuns, steps: bv.steps });
        }
        delete open[t];
      }
    }
  }
  for (const g of bandGroups(scan.maxSteps, keys.series.length)) {
    const bytes = encodeBandsGroup(bandFiles, keys.series, id, g.start, g.end, memoryBytes);
    if (!bytes) continue;
    const p = join(workDir, pieceName('bands', g.start, g.end));
    await writeFile(p, bytes);
    pieces.bands.push(p);
  }
  return pieces;
}

const TABLE_FILES: Record<TableName | 'bands', string> = {
  runs: RESULT_FILES.runs,
  series: RESULT_FILES.series,
  miners: RESULT_FILES.miners,
  agents: RESULT_FILES.agents,
  bands: RESULT_FILES.bands,
};

/** One table from its pieces; a table without rows is written with its columns and no row group. */
async function writeTable(path: string, pieces: readonly string[], spec: readonly ColumnSpec[]): Promise<FileEntry> {
  if (pieces.length > 0) return spliceParquet(path, pieces);
  await writeParquetFile(
    path,
    spec.map((c) => ({ ...c, values: [] as (number | null)[] })),
  );
  return fileSha256(path);
}

export interface AssembleOptions {
  readonly dir: string;
  readonly source: RunSource;
  /** Everything of the deterministic manifest part except what assembly computes. */
  readonly manifest: Omit<ManifestDeterministic, 'counts' | 'failedRuns' | 'files'>;
  /** Called after the files are written, to stamp the wall-clock part. */
  readonly timings: () => ManifestTimings;
  readonly bandsMemoryBytes?: number;
  /**
   * Progress of assembly, in runs read: assembly reads every run once to scan and once to encode;
   * `total` is known after the scan.
   */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A source that reports each record it yields (progress of the assembly passes). */
function countingSource(source: RunSource, onRecord: () => void): RunSource {
  return {
    description: source.description,
    async *records() {
      for await (const r of source.records()) {
        onRecord();
        yield r;
      }
    },
  };
}

/** Writes runs/series/miners/agents/bands parquet and manifest.json from a source of runs (in this process). */
export async function assembleResultSet(o: AssembleOptions): Promise<Manifest> {
  const range = o.manifest.runIndexes;
  const runs = range.end - range.start;
  const memory = o.bandsMemoryBytes ?? DEFAULT_BANDS_MEMORY_BYTES;
  let done = 0;
  const total = 2 * runs;
  const source = o.onProgress ? countingSource(o.source, () => o.onProgress!(++done, total)) : o.source;
  const scan = await scanSource(source, range);
  const id = setIdentity(o.manifest);
  const workDir = join(o.dir, '.assemble');
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  try {
    const pieces = await encodePiecesInProcess(source, scan, range, id, workDir, memory);
    o.onProgress?.(total, total);
    return await finishResultSet({ dir: o.dir, scan, pieces, manifest: o.manifest, timings: o.timings });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Splices each table's pieces into its file and writes manifest.json: the last step of a batch
 * (pieces encoded by the workers) and of assembleResultSet.
 */
export async function finishResultSet(o: {
  dir: string;
  scan: ScanResult;
  pieces: TablePieces;
  manifest: Omit<ManifestDeterministic, 'counts' | 'failedRuns' | 'files'>;
  timings: () => ManifestTimings;
}): Promise<Manifest> {
  const { scan } = o;
  checkKeyClashes(scan);
  const id = setIdentity(o.manifest);
  const keys = keysOfScan(scan);
  const files: Record<string, FileEntry> = {};
  for (const t of ['runs', 'series', 'miners', 'agents', 'bands'] as const) {
    const spec = t === 'bands' ? bandsSpec(id) : tableSpec(t, keys[t], id);
    files[TABLE_FILES[t]] = await writeTable(join(o.dir, TABLE_FILES[t]), o.pieces[t], spec);
  }
  const m = o.manifest;
  // Explicit key order: manifest.json bytes must not depend on how the caller built its object.
  const det: ManifestDeterministic = {
    format: m.format,
    scenario: { name: m.scenario.name, sha256: m.scenario.sha256, resolved: m.scenario.resolved },
    seed: m.seed,
    runs: m.runs,
    shard: m.shard ? { index: m.shard.index, count: m.shard.count, start: m.shard.start, end: m.shard.end } : null,
    runIndexes: { start: m.runIndexes.start, end: m.runIndexes.end },
    package: { name: m.package.name, version: m.package.version },
    gitCommit: m.gitCommit,
    ...(m.source ? { source: { sha256: m.source.sha256, dirty: m.source.dirty } } : {}),
    ...(m.sweep ? { sweep: { name: m.sweep.name, point: m.sweep.point, values: m.sweep.values } } : {}),
    node: m.node,
    dataFiles: m.dataFiles.map((d) => ({ field: d.field, path: d.path, sha256: d.sha256 })),
    counts: { ok: scan.ok, error: scan.failedRuns.length },
    failedRuns: scan.failedRuns,
    files: {
      [RESULT_FILES.runs]: files[RESULT_FILES.runs]!,
      [RESULT_FILES.series]: files[RESULT_FILES.series]!,
      [RESULT_FILES.miners]: files[RESULT_FILES.miners]!,
      [RESULT_FILES.agents]: files[RESULT_FILES.agents]!,
      [RESULT_FILES.bands]: files[RESULT_FILES.bands]!,
    },
  };
  return writeManifest(o.dir, det, o.timings());
}
