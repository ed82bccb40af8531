import { join } from 'node:path';
import { HashsimError } from '../errors.ts';
import { bandStats } from './bands.ts';
import { BAND_QUANTILES, RESULT_FILES } from './layout.ts';
import {
  fileSha256,
  type SweepPointInfo,
  writeManifest,
  type FileEntry,
  type Manifest,
  type ManifestDeterministic,
  type ManifestTimings,
} from './manifest.ts';
import { ParquetStreamWriter, type ColumnType, type ParquetColumn } from './parquet.ts';
import type { RunRecord } from './record.ts';

/** Runs in ascending run-index order, re-iterable (assembly makes several passes). */
export interface RunSource {
  readonly description: string;
  records(): AsyncIterable<RunRecord>;
}

/** Rows buffered before a batch goes to the Parquet writer; batches end on run boundaries. */
const BATCH_ROWS = 65_536;

/** Columns naming the set a row belongs to, first in every table: rows of several sets concatenate and join. */
export const SET_COLUMNS = ['scenario', 'scenario_sha256', 'seed'] as const;
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

/** What every row of a set carries: the set-identifying columns and the scenario's start day. */
export interface SetIdentity {
  readonly scenario: string;
  readonly scenarioSha256: string;
  readonly seed: string;
  /** Sweep columns (after the set columns): name, type and the value of this set. */
  readonly sweepColumns: readonly { name: string; type: 'utf8' | 'int32' | 'float64'; value: string | number | null }[];
  /** UTC start date as days since 1970-01-01 (the `date` of day offset 0). */
  readonly startEpochDay: number;
}

const DEFAULT_START_DATE = '2026-03-01';

export function setIdentity(m: { scenario: { name: string; sha256: string; resolved: unknown }; seed: string | number; sweep?: SweepPointInfo }): SetIdentity {
  const start = (m.scenario.resolved as { start?: { date?: unknown } } | null)?.start?.date;
  const date = typeof start === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(start) ? start : DEFAULT_START_DATE;
  const sweepColumns: SetIdentity['sweepColumns'][number][] = [];
  if (m.sweep) {
    sweepColumns.push({ name: 'sweep', type: 'utf8', value: m.sweep.name }, { name: 'sweep_point', type: 'int32', value: m.sweep.point });
    for (const [path, v] of Object.entries(m.sweep.values)) {
      sweepColumns.push(
        typeof v === 'number'
          ? { name: `param.${path}`, type: 'float64', value: v }
          : { name: `param.${path}`, type: 'utf8', value: typeof v === 'string' ? v : JSON.stringify(v) },
      );
    }
  }
  return { scenario: m.scenario.name, scenarioSha256: m.scenario.sha256, seed: String(m.seed), sweepColumns, startEpochDay: Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000) };
}

/** UTC date of a day offset, as days since 1970-01-01 (a step's date: the start date plus its whole days). */
export function epochDayOf(id: SetIdentity, day: number): number {
  return id.startEpochDay + Math.floor(day);
}

const setSpecOf = (id: SetIdentity) => [
  { name: 'scenario', type: 'utf8' as const },
  { name: 'scenario_sha256', type: 'utf8' as const },
  { name: 'seed', type: 'utf8' as const },
  ...id.sweepColumns.map((c) => ({ name: c.name, type: c.type })),
];
const setRow = (id: SetIdentity): (string | number | null)[] => [id.scenario, id.scenarioSha256, id.seed, ...id.sweepColumns.map((c) => c.value)];

export interface ScanResult {
  readonly summaryKeys: readonly string[];
  readonly seriesKeys: readonly string[];
  readonly minerKeys: readonly string[];
  readonly agentKeys: readonly string[];
  readonly ok: number;
  readonly failedRuns: readonly { runIndex: number; error: string }[];
  readonly maxSteps: number;
}

class KeyOrder {
  private readonly seen = new Set<string>();
  readonly keys: string[] = [];
  add(ks: Iterable<string>): void {
    for (const k of ks) {
      if (!this.seen.has(k)) {
        this.seen.add(k);
        this.keys.push(k);
      }
    }
  }
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

/**
 * First pass: checks that the source holds every run of [start, end) exactly once and in order,
 * and fixes column order: metric columns appear in order of first appearance scanning runs by
 * run index (so contiguous shards merged in order give the same columns as one batch).
 */
export async function scanSource(source: RunSource, range: { start: number; end: number }): Promise<ScanResult> {
  const summary = new KeyOrder();
  const series = new KeyOrder();
  const miners = new KeyOrder();
  const agents = new KeyOrder();
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
    if (r.status === 'ok') {
      ok++;
      summary.add(Object.keys(r.summary));
      series.add(Object.keys(r.series));
      for (const m of r.miners) miners.add(Object.keys(m.values));
      if (r.agents) agents.add(Object.keys(r.agents.values));
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
  const clash = (fixed: readonly string[], keys: readonly string[], table: string) => {
    const c = keys.filter((k) => fixed.includes(k));
    if (c.length) throw new Error(`${table}: metric names clash with fixed columns: ${c.join(', ')}`);
  };
  clash(RUNS_FIXED_COLUMNS, summary.keys, RESULT_FILES.runs);
  clash(SERIES_FIXED_COLUMNS, series.keys, RESULT_FILES.series);
  clash(MINERS_FIXED_COLUMNS, miners.keys, RESULT_FILES.miners);
  clash(AGENTS_FIXED_COLUMNS, agents.keys, RESULT_FILES.agents);
  return { summaryKeys: summary.keys, seriesKeys: series.keys, minerKeys: miners.keys, agentKeys: agents.keys, ok, failedRuns, maxSteps };
}

/**
 * Column-wise row buffer that flushes whole batches to a ParquetStreamWriter. Numbers go into typed
 * arrays reused from batch to batch (float64 with a null flag per row), text into plain arrays: a
 * batch of the series table costs its size in bytes, not a boxed number per cell.
 */
class TableBuffer {
  private cap = 1024;
  private readonly num: (Float64Array | Int32Array | null)[];
  private readonly nulls: (Uint8Array | null)[];
  private text: ((string | null)[] | null)[];
  rows = 0;
  constructor(
    private readonly writer: ParquetStreamWriter,
    private readonly spec: readonly { name: string; type: ColumnType }[],
  ) {
    this.num = spec.map((s) => (s.type === 'float64' ? new Float64Array(this.cap) : s.type === 'int32' || s.type === 'date32' ? new Int32Array(this.cap) : null));
    this.nulls = spec.map((s) => (s.type === 'float64' || s.type === 'int32' ? new Uint8Array(this.cap) : null));
    this.text = spec.map((s) => (s.type === 'utf8' ? [] : null));
  }
  private grow(): void {
    // Batches end on run boundaries, so a batch overshoots BATCH_ROWS by less than one run's rows.
    const cap = this.cap < BATCH_ROWS ? Math.min(this.cap * 2, BATCH_ROWS) : this.cap + 8192;
    for (let i = 0; i < this.spec.length; i++) {
      const a = this.num[i];
      if (a) {
        const b = a instanceof Float64Array ? new Float64Array(cap) : new Int32Array(cap);
        b.set(a);
        this.num[i] = b;
      }
      const n = this.nulls[i];
      if (n) {
        const m = new Uint8Array(cap);
        m.set(n);
        this.nulls[i] = m;
      }
    }
    this.cap = cap;
  }
  push(row: readonly (number | string | null)[]): void {
    if (this.rows === this.cap) this.grow();
    const r = this.rows;
    for (let i = 0; i < row.length; i++) {
      const v = row[i]!;
      const t = this.text[i];
      if (t) {
        t.push(v as string | null);
        continue;
      }
      const nl = this.nulls[i];
      if (nl) nl[r] = v === null ? 1 : 0;
      // a null's value is ignored (flagged above); int32 columns without nulls write as before
      this.num[i]![r] = v === null ? 0 : (v as number);
    }
    this.rows++;
  }
  async maybeFlush(): Promise<void> {
    if (this.rows >= BATCH_ROWS) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.rows === 0) return;
    const n = this.rows;
    const columns: ParquetColumn[] = this.spec.map((s, i) => {
      const t = this.text[i];
      if (t) return { ...s, values: t };
      const values = this.num[i]!.subarray(0, n);
      const nulls = this.nulls[i];
      return nulls ? { ...s, values, nulls: nulls.subarray(0, n) } : { ...s, values };
    });
    // write() copies the batch into WASM memory before its first await: the arrays can be reused.
    await this.writer.write(columns);
    this.text = this.spec.map((s) => (s.type === 'utf8' ? [] : null));
    this.rows = 0;
  }
}

function num(v: number | null | undefined): number | null {
  return v === undefined || v === null || Number.isNaN(v) ? null : v;
}

async function withWriters<T>(writers: ParquetStreamWriter[], f: () => Promise<T>): Promise<T> {
  for (const w of writers) await w.open();
  try {
    const out = await f();
    for (const w of writers) await w.close();
    return out;
  } catch (err) {
    for (const w of writers) await w.abort();
    throw err;
  }
}

async function writeTables(dir: string, source: RunSource, scan: ScanResult, id: SetIdentity): Promise<void> {
  const runsSpec = [
    ...setSpecOf(id),
    { name: 'run_index', type: 'int32' as const },
    { name: 'status', type: 'utf8' as const },
    { name: 'error', type: 'utf8' as const },
    { name: 'error_stack', type: 'utf8' as const },
    ...scan.summaryKeys.map((name) => ({ name, type: 'float64' as const })),
  ];
  const seriesSpec = [
    ...setSpecOf(id),
    { name: 'run_index', type: 'int32' as const },
    { name: 'step', type: 'int32' as const },
    { name: 'day', type: 'float64' as const },
    { name: 'date', type: 'date32' as const },
    ...scan.seriesKeys.map((name) => ({ name, type: 'float64' as const })),
  ];
  const minersSpec = [
    ...setSpecOf(id),
    { name: 'run_index', type: 'int32' as const },
    { name: 'miner_index', type: 'int32' as const },
    { name: 'miner', type: 'utf8' as const },
    { name: 'status', type: 'utf8' as const },
    ...scan.minerKeys.map((name) => ({ name, type: 'float64' as const })),
  ];
  const agentsSpec = [
    ...setSpecOf(id),
    { name: 'run_index', type: 'int32' as const },
    { name: 'step', type: 'int32' as const },
    { name: 'day', type: 'float64' as const },
    { name: 'date', type: 'date32' as const },
    { name: 'miner_index', type: 'int32' as const },
    { name: 'miner', type: 'utf8' as const },
    { name: 'status', type: 'utf8' as const },
    ...scan.agentKeys.map((name) => ({ name, type: 'float64' as const })),
  ];
  const agentsW = new ParquetStreamWriter(join(dir, RESULT_FILES.agents), agentsSpec);
  const runsW = new ParquetStreamWriter(join(dir, RESULT_FILES.runs), runsSpec);
  const seriesW = new ParquetStreamWriter(join(dir, RESULT_FILES.series), seriesSpec);
  const minersW = new ParquetStreamWriter(join(dir, RESULT_FILES.miners), minersSpec);
  await withWriters([runsW, seriesW, minersW, agentsW], async () => {
    const agents = new TableBuffer(agentsW, agentsSpec);
    const runs = new TableBuffer(runsW, runsSpec);
    const series = new TableBuffer(seriesW, seriesSpec);
    const miners = new TableBuffer(minersW, minersSpec);
    let written = 0;
    const ids = setRow(id);
    for await (const r of source.records()) {
      written++;
      runs.push([...ids, r.runIndex, r.status, r.error, r.stack, ...scan.summaryKeys.map((k) => num(r.summary[k]))]);
      const cols = scan.seriesKeys.map((k) => r.series[k]);
      for (let s = 0; s < r.sampleDays.length; s++) {
        const day = r.sampleDays[s]!;
        series.push([...ids, r.runIndex, s, day, epochDayOf(id, day), ...cols.map((c) => (c ? num(c[s]) : null))]);
      }
      r.miners.forEach((m, i) => {
        miners.push([...ids, r.runIndex, i, m.name, m.status, ...scan.minerKeys.map((k) => num(m.values[k]))]);
      });
      const a = r.agents;
      if (a && r.status === 'ok') {
        const acols = scan.agentKeys.map((k) => a.values[k]);
        const samples = Math.min(a.samples, r.sampleDays.length);
        for (let s = 0; s < samples; s++) {
          const day = r.sampleDays[s]!;
          const date = epochDayOf(id, day);
          for (let i = 0; i < a.names.length; i++) {
            const at = i * a.samples + s;
            agents.push([...ids, r.runIndex, s, day, date, i, a.names[i]!, a.statusNames[a.status[at]!] ?? null, ...acols.map((c) => (c ? num(c[at]) : null))]);
          }
        }
      }
      await runs.maybeFlush();
      await series.maybeFlush();
      await miners.maybeFlush();
      await agents.maybeFlush();
    }
    // The tables hold exactly the runs the scan saw (a spool changed underneath, e.g. by another
    // process writing to the same folder, must not give a set whose manifest counts other runs).
    if (written !== scan.ok + scan.failedRuns.length) {
      throw new HashsimError(`${dir}: the runs changed during assembly (scanned ${scan.ok + scan.failedRuns.length}, read back ${written}); is another hashsim process writing to this folder?`, 1);
    }
    await runs.flush();
    await series.flush();
    await miners.flush();
    await agents.flush();
  });
}

/** Default memory for one bands pass; more runs x steps than fit take several passes. */
export const DEFAULT_BANDS_MEMORY_BYTES = 128 * 1024 * 1024;

type BandRow = readonly (number | string | null)[];

/**
 * The rows of bands.parquet, one per (step, metric) in step then metric order. Exact per-step
 * quantiles need every run's value at a step, so the steps are cut into windows whose values fit
 * `memoryBytes`, and each window re-reads the source. Memory is bounded; the number of passes grows
 * with runs x steps. Runs before the Parquet writers: its values buffer (up to `memoryBytes`, one
 * allocation, given back to the OS when freed) and parquet-wasm's memory (which never shrinks) are
 * then never needed at the same time.
 */
async function computeBands(source: RunSource, scan: ScanResult, memoryBytes: number, id: SetIdentity): Promise<BandRow[]> {
  const ids = setRow(id);
  const rows: BandRow[] = [];
  const nKeys = scan.seriesKeys.length;
  if (scan.ok === 0 || nKeys === 0 || scan.maxSteps === 0) return rows;
  const perStep = scan.ok * nKeys * 8;
  const window = Math.min(scan.maxSteps, Math.max(1, Math.floor(memoryBytes / perStep)));
  // values[(step - s0) * nKeys + key] holds one value per ok run (NaN where a run lacks the step):
  // views of one buffer, allocated once and refilled per window.
  const buffer = new Float64Array(window * nKeys * scan.ok);
  const values = Array.from({ length: window * nKeys }, (_, i) => buffer.subarray(i * scan.ok, (i + 1) * scan.ok));
  const days = new Float64Array(window);
  for (let s0 = 0; s0 < scan.maxSteps; s0 += window) {
    const s1 = Math.min(scan.maxSteps, s0 + window);
    buffer.fill(Number.NaN);
    days.fill(Number.NaN);
    let j = 0;
    for await (const r of source.records()) {
      if (r.status !== 'ok') continue;
      const n = Math.min(r.sampleDays.length, s1);
      for (let s = s0; s < n; s++) {
        if (Number.isNaN(days[s - s0]!)) days[s - s0] = r.sampleDays[s]!;
        for (let k = 0; k < nKeys; k++) {
          const col = r.series[scan.seriesKeys[k]!];
          if (col) values[(s - s0) * nKeys + k]![j] = col[s]!;
        }
      }
      j++;
    }
    for (let s = s0; s < s1; s++) {
      for (let k = 0; k < nKeys; k++) {
        const st = bandStats(values[(s - s0) * nKeys + k]!);
        const day = days[s - s0]!;
        rows.push([...ids, s, day, epochDayOf(id, day), scan.seriesKeys[k]!, st.n, num(st.mean), ...st.quantiles.map((q) => num(q))]);
      }
    }
  }
  return rows;
}

/** bands.parquet from computeBands' rows, batched at step boundaries. */
async function writeBands(dir: string, rows: readonly BandRow[], nKeys: number, id: SetIdentity): Promise<void> {
  const spec = [
    ...setSpecOf(id),
    { name: 'step', type: 'int32' as const },
    { name: 'day', type: 'float64' as const },
    { name: 'date', type: 'date32' as const },
    { name: 'metric', type: 'utf8' as const },
    { name: 'n', type: 'int32' as const },
    { name: 'mean', type: 'float64' as const },
    ...BAND_QUANTILES.map(([name]) => ({ name, type: 'float64' as const })),
  ];
  const writer = new ParquetStreamWriter(join(dir, RESULT_FILES.bands), spec);
  await withWriters([writer], async () => {
    const out = new TableBuffer(writer, spec);
    for (let i = 0; i < rows.length; i++) {
      out.push(rows[i]!);
      // every step has nKeys rows; a batch may only end after a whole step
      if ((i + 1) % nKeys === 0) await out.maybeFlush();
    }
    await out.flush();
  });
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
   * Progress of assembly, in runs read: assembly reads every run once to scan, once per bands
   * window and once to write the tables; `total` is known after the scan.
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

/** Writes runs/series/miners/bands parquet and manifest.json from a source of runs. */
export async function assembleResultSet(o: AssembleOptions): Promise<Manifest> {
  const range = o.manifest.runIndexes;
  const runs = range.end - range.start;
  const memory = o.bandsMemoryBytes ?? DEFAULT_BANDS_MEMORY_BYTES;
  let done = 0;
  let total = 3 * runs;
  const source = o.onProgress ? countingSource(o.source, () => o.onProgress!(++done, total)) : o.source;
  const scan = await scanSource(source, range);
  if (scan.ok > 0 && scan.seriesKeys.length > 0 && scan.maxSteps > 0) {
    const window = Math.min(scan.maxSteps, Math.max(1, Math.floor(memory / (scan.ok * scan.seriesKeys.length * 8))));
    total = runs * (2 + Math.ceil(scan.maxSteps / window));
  } else total = 2 * runs;
  const id = setIdentity(o.manifest);
  const bands = await computeBands(source, scan, memory, id);
  await writeTables(o.dir, source, scan, id);
  o.onProgress?.(total, total);
  await writeBands(o.dir, bands, scan.seriesKeys.length, id);
  const files: Record<string, FileEntry> = {};
  for (const f of [RESULT_FILES.runs, RESULT_FILES.series, RESULT_FILES.miners, RESULT_FILES.agents, RESULT_FILES.bands]) {
    files[f] = await fileSha256(join(o.dir, f));
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
    files,
  };
  return writeManifest(o.dir, det, o.timings());
}
