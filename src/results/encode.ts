import { closeSync, openSync, readSync } from 'node:fs';
import { bandStats } from './bands.ts';
import { BAND_QUANTILES } from './layout.ts';
import { CodedText, encodeParquetPiece, type ColumnType, type PieceColumn } from './parquet.ts';
import { bandStepsPerGroup, epochDayOf, type SetIdentity, type TableName } from './plan.ts';
import type { RunRecord } from './record.ts';

export * from './plan.ts';

/**
 * Encoding of a result set's tables in pieces: each table is cut into row groups of whole runs (a
 * group closes at the first run that brings it to ROW_GROUP_ROWS rows or more), each group is
 * encoded on its own as a one-row-group Parquet file (a piece), and the pieces are spliced in order
 * (parquet-splice.ts). Groups depend only on the runs' row counts from the set's first run, so the
 * bytes are a function of (scenario, seed, run range), whoever encodes which piece: a batch's worker
 * threads, or one process (merge). bands.parquet is cut the same way by steps.
 */

export type ColumnSpec = { readonly name: string; readonly type: ColumnType };

export function setSpecOf(id: SetIdentity): ColumnSpec[] {
  return [
    { name: 'scenario', type: 'utf8' },
    { name: 'scenario_sha256', type: 'utf8' },
    { name: 'seed', type: 'utf8' },
    ...id.sweepColumns.map((c) => ({ name: c.name, type: c.type })),
  ];
}

const setValues = (id: SetIdentity): (string | number | null)[] => [id.scenario, id.scenarioSha256, id.seed, ...id.sweepColumns.map((c) => c.value)];

/** Metric columns of each table, in order of first appearance over the set's runs. */
export interface TableKeys {
  readonly runs: readonly string[];
  readonly series: readonly string[];
  readonly miners: readonly string[];
  readonly agents: readonly string[];
}

const f64 = (name: string): ColumnSpec => ({ name, type: 'float64' });
const i32 = (name: string): ColumnSpec => ({ name, type: 'int32' });
const txt = (name: string): ColumnSpec => ({ name, type: 'utf8' });
const date = (name: string): ColumnSpec => ({ name, type: 'date32' });

/** Fixed columns of each table after the set columns (the metric columns follow). */
const FIXED: Record<TableName, readonly ColumnSpec[]> = {
  runs: [i32('run_index'), txt('status'), txt('error'), txt('error_stack')],
  series: [i32('run_index'), i32('step'), f64('day'), date('date')],
  miners: [i32('run_index'), i32('miner_index'), txt('miner'), txt('status')],
  agents: [i32('run_index'), i32('step'), f64('day'), date('date'), i32('miner_index'), txt('miner'), txt('status')],
};

export function tableSpec(table: TableName, keys: readonly string[], id: SetIdentity): ColumnSpec[] {
  return [...setSpecOf(id), ...FIXED[table], ...keys.map(f64)];
}

export function bandsSpec(id: SetIdentity): ColumnSpec[] {
  return [...setSpecOf(id), i32('step'), f64('day'), date('date'), txt('metric'), i32('n'), f64('mean'), ...BAND_QUANTILES.map(([name]) => f64(name))];
}

/** The distinct strings of a text column and their codes (a row holds its string's code, -1 = null). */
class TextCodes {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  code(v: string | null | undefined): number {
    if (v === null || v === undefined) return -1;
    let k = this.index.get(v);
    if (k === undefined) {
      k = this.strings.push(v) - 1;
      this.index.set(v, k);
    }
    return k;
  }
}

/**
 * Growable column-wise buffer: float64 (NaN = null), int32/date32 and text columns. A text column is
 * kept as per-row codes of its distinct strings (the set columns, miner names and statuses repeat
 * row after row): an int per row instead of a string slot, and each string encoded to UTF-8 once.
 */
class Columns {
  private cap = 1024;
  rows = 0;
  /** Values of number columns; codes of text columns. */
  readonly num: (Float64Array | Int32Array)[];
  readonly text: (TextCodes | null)[];
  /** int32 set columns whose value is null (every row null). */
  private readonly nullInt = new Set<number>();
  constructor(readonly spec: readonly ColumnSpec[]) {
    this.num = spec.map((s) => (s.type === 'float64' ? new Float64Array(this.cap) : new Int32Array(this.cap)));
    this.text = spec.map((s) => (s.type === 'utf8' ? new TextCodes() : null));
  }
  /** Adds n rows; returns the first new row. */
  add(n: number): number {
    const at = this.rows;
    if (at + n > this.cap) {
      let cap = this.cap * 2;
      while (cap < at + n) cap *= 2;
      for (let i = 0; i < this.num.length; i++) {
        const a = this.num[i]!;
        const b = a instanceof Float64Array ? new Float64Array(cap) : new Int32Array(cap);
        b.set(a.subarray(0, at));
        this.num[i] = b;
      }
      this.cap = cap;
    }
    this.rows += n;
    return at;
  }
  f(i: number): Float64Array {
    return this.num[i] as Float64Array;
  }
  n(i: number): Int32Array {
    return this.num[i] as Int32Array;
  }
  /** Sets text column i of row `row` (the row must have been added). */
  text1(i: number, row: number, v: string | null | undefined): void {
    (this.num[i] as Int32Array)[row] = this.text[i]!.code(v);
  }
  /** The code of `v` in text column i, to write into its codes (`n(i)`) directly. */
  code(i: number, v: string | null | undefined): number {
    return this.text[i]!.code(v);
  }
  /** Fills the set columns of rows [at, at + n). */
  fillSet(id: SetIdentity, at: number, n: number): void {
    const vals = setValues(id);
    for (let c = 0; c < vals.length; c++) {
      const v = vals[c]!;
      const s = this.spec[c]!;
      if (s.type === 'utf8') this.n(c).fill(this.code(c, v as string | null), at, at + n);
      else if (s.type === 'int32') {
        // A set column holds one value for the whole set: null (the base scenario's sweep_point)
        // makes the whole column null.
        if (v === null) this.nullInt.add(c);
        this.n(c).fill((v as number | null) ?? 0, at, at + n);
      }
      else this.f(c).fill(v === null ? Number.NaN : (v as number), at, at + n);
    }
  }
  columns(): PieceColumn[] {
    return this.spec.map((s, i) => this.column(s, i));
  }

  private column(s: ColumnSpec, i: number): PieceColumn {
    const n = this.rows;
    const t = this.text[i];
    if (t) return { ...s, values: new CodedText(this.n(i).subarray(0, n), t.strings) };
    const a = this.num[i]!.subarray(0, n);
    if (s.type !== 'float64') return this.nullInt.has(i) ? { ...s, values: a, nulls: new Uint8Array(n).fill(1) } : { ...s, values: a };
    const v = a as Float64Array;
    const nulls = nanToNull(v);
    return nulls ? { ...s, values: v, nulls } : { ...s, values: v };
  }
}

/**
 * NaN is stored as null (hashsim never writes NaN): a null's value is written as 0. Returns the
 * null mask, or undefined when there is no NaN. A function of its own: its loop is optimized once,
 * not again inside each caller (it runs over every float column of every piece).
 */
function nanToNull(v: Float64Array): Uint8Array | undefined {
  let nulls: Uint8Array | undefined;
  for (let r = 0; r < v.length; r++) {
    if (Number.isNaN(v[r]!)) {
      (nulls ??= new Uint8Array(v.length))[r] = 1;
      v[r] = 0;
    }
  }
  return nulls;
}

const numOrNaN = (v: number | null | undefined): number => (v === undefined || v === null ? Number.NaN : v);

/** Encodes one row group of one table from its runs, fed in run-index order. */
export class GroupEncoder {
  private readonly cols: Columns;
  private readonly nSet: number;
  constructor(
    readonly table: TableName,
    readonly keys: readonly string[],
    private readonly id: SetIdentity,
  ) {
    this.cols = new Columns(tableSpec(table, keys, id));
    this.nSet = setSpecOf(id).length;
  }

  get rows(): number {
    return this.cols.rows;
  }

  /** Adds n rows of run r with the set columns and run_index filled in; returns the first. */
  private rowsOf(r: RunRecord, n: number): number {
    const c = this.cols;
    const at = c.add(n);
    c.fillSet(this.id, at, n);
    c.n(this.nSet).fill(r.runIndex, at, at + n);
    return at;
  }

  /** Adds one run's rows (one function per table: each small and monomorphic for V8). */
  add(r: RunRecord): void {
    switch (this.table) {
      case 'runs':
        return this.addRuns(r);
      case 'series':
        return this.addSeries(r);
      case 'miners':
        return this.addMiners(r);
      case 'agents':
        return this.addAgents(r);
    }
  }

  private addRuns(r: RunRecord): void {
    const c = this.cols;
    const b = this.nSet;
    const keys = this.keys;
    const at = this.rowsOf(r, 1);
    c.text1(b + 1, at, r.status);
    c.text1(b + 2, at, r.error);
    c.text1(b + 3, at, r.stack);
    for (let k = 0; k < keys.length; k++) c.f(b + 4 + k)[at] = numOrNaN(r.summary[keys[k]!]);
  }

  private addSeries(r: RunRecord): void {
    const c = this.cols;
    const b = this.nSet;
    const keys = this.keys;
    const n = r.sampleDays.length;
    if (n === 0) return;
    const at = this.rowsOf(r, n);
    const step = c.n(b + 1);
    const day = c.f(b + 2);
    const date = c.n(b + 3);
    for (let s = 0; s < n; s++) {
      const d = r.sampleDays[s]!;
      step[at + s] = s;
      day[at + s] = d;
      date[at + s] = epochDayOf(this.id, d);
    }
    for (let k = 0; k < keys.length; k++) {
      const col = r.series[keys[k]!];
      const out = c.f(b + 4 + k);
      if (!col) out.fill(Number.NaN, at, at + n);
      else out.set(col.subarray(0, n), at);
    }
  }

  private addMiners(r: RunRecord): void {
    const c = this.cols;
    const b = this.nSet;
    const keys = this.keys;
    const n = r.miners.length;
    if (n === 0) return;
    const at = this.rowsOf(r, n);
    for (let i = 0; i < n; i++) {
      const m = r.miners[i]!;
      c.n(b + 1)[at + i] = i;
      c.text1(b + 2, at + i, m.name);
      c.text1(b + 3, at + i, m.status);
      for (let k = 0; k < keys.length; k++) c.f(b + 4 + k)[at + i] = numOrNaN(m.values[keys[k]!]);
    }
  }

  private addAgents(r: RunRecord): void {
    const c = this.cols;
    const b = this.nSet;
    const keys = this.keys;
    const a = r.agents;
    if (!a || r.status !== 'ok') return;
    const samples = Math.min(a.samples, r.sampleDays.length);
    const names = a.names.length;
    const n = samples * names;
    if (n === 0) return;
    const at = this.rowsOf(r, n);
    const step = c.n(b + 1);
    const day = c.f(b + 2);
    const date = c.n(b + 3);
    const mi = c.n(b + 4);
    const miner = c.n(b + 5);
    const status = c.n(b + 6);
    // Each name and status is coded once per run; a row writes two ints.
    const nameCode = a.names.map((name) => c.code(b + 5, name));
    const statusCode = a.statusNames.map((name) => c.code(b + 6, name));
    for (let s = 0; s < samples; s++) {
      const d = r.sampleDays[s]!;
      const dt = epochDayOf(this.id, d);
      for (let i = 0; i < names; i++) {
        const row = at + s * names + i;
        step[row] = s;
        day[row] = d;
        date[row] = dt;
        mi[row] = i;
        miner[row] = nameCode[i]!;
        status[row] = statusCode[a.status[i * a.samples + s]!] ?? -1;
      }
    }
    for (let k = 0; k < keys.length; k++) {
      const col = a.values[keys[k]!];
      const out = c.f(b + 7 + k);
      if (!col) {
        out.fill(Number.NaN, at, at + n);
        continue;
      }
      for (let s = 0; s < samples; s++) {
        for (let i = 0; i < names; i++) out[at + s * names + i] = col[i * a.samples + s]!;
      }
    }
  }

  /** The group as a one-row-group Parquet file, or null when it has no rows. */
  finish(): Uint8Array | null {
    if (this.cols.rows === 0) return null;
    return encodeParquetPiece(this.cols.columns());
  }
}

// ---- bands: per-step values of the ok runs, kept per series group, then exact quantiles per step ----

/**
 * The series values of a group's ok runs laid out for bands: float64 [(1 + keys) x steps x runs],
 * block 0 the sample days, block 1 + k metric k; NaN where a run lacks a step or a metric. A window
 * of steps of one block is one contiguous range of the file.
 */
export class BandValuesEncoder {
  private readonly runs: RunRecord[] = [];
  constructor(readonly keys: readonly string[]) {}
  add(r: RunRecord): void {
    if (r.status === 'ok') this.runs.push(r);
  }
  finish(): { okRuns: number; steps: number; bytes: Uint8Array } | null {
    const R = this.runs.length;
    if (R === 0) return null;
    let S = 0;
    for (const r of this.runs) S = Math.max(S, r.sampleDays.length);
    const blocks = 1 + this.keys.length;
    const out = new Float64Array(blocks * S * R).fill(Number.NaN);
    this.runs.forEach((r, j) => {
      const n = r.sampleDays.length;
      for (let s = 0; s < n; s++) out[s * R + j] = r.sampleDays[s]!;
      this.keys.forEach((key, k) => {
        const col = r.series[key];
        if (!col) return;
        const base = (k + 1) * S * R;
        for (let s = 0; s < n; s++) out[base + s * R + j] = col[s]!;
      });
    });
    this.runs.length = 0;
    return { okRuns: R, steps: S, bytes: new Uint8Array(out.buffer) };
  }
}

export interface BandValuesFile {
  readonly path: string;
  readonly okRuns: number;
  readonly steps: number;
}

/**
 * One row group of bands.parquet, steps [s0, s1): the exact statistics of every (step, metric) over
 * the ok runs of all band value files (in run order). Values are read a window of steps at a time,
 * at most `memoryBytes` of them, so memory is bounded whatever the runs; the output does not
 * depend on the window. Returns null when there are no rows.
 */
export function encodeBandsGroup(
  files: readonly BandValuesFile[],
  keys: readonly string[],
  id: SetIdentity,
  s0: number,
  s1: number,
  memoryBytes: number,
): Uint8Array | null {
  const nKeys = keys.length;
  const okTotal = files.reduce((n, f) => n + f.okRuns, 0);
  if (okTotal === 0 || nKeys === 0 || s1 <= s0) return null;
  const spec = bandsSpec(id);
  const cols = new Columns(spec);
  const b = setSpecOf(id).length;
  const window = Math.min(s1 - s0, Math.max(1, Math.floor(memoryBytes / (okTotal * (nKeys + 1) * 8))));
  const buffer = new Float64Array(window * (nKeys + 1) * okTotal);
  const fds = files.map((f) => openSync(f.path, 'r'));
  try {
    for (let w0 = s0; w0 < s1; w0 += window) {
      const w1 = Math.min(s1, w0 + window);
      const W = w1 - w0;
      // cell (block, step) holds okTotal values at ((step - w0) * (nKeys + 1) + block) * okTotal
      buffer.fill(Number.NaN);
      let j0 = 0;
      for (let fi = 0; fi < files.length; fi++) {
        const f = files[fi]!;
        const R = f.okRuns;
        const e = Math.min(w1, f.steps);
        if (e > w0) {
          const tmp = new Float64Array((e - w0) * R);
          for (let blk = 0; blk <= nKeys; blk++) {
            const pos = (blk * f.steps + w0) * R * 8;
            const got = readSync(fds[fi]!, new Uint8Array(tmp.buffer), 0, tmp.byteLength, pos);
            if (got !== tmp.byteLength) throw new Error(`${f.path}: truncated band values`);
            for (let s = w0; s < e; s++) {
              buffer.set(tmp.subarray((s - w0) * R, (s - w0 + 1) * R), ((s - w0) * (nKeys + 1) + blk) * okTotal + j0);
            }
          }
        }
        j0 += R;
      }
      const at = cols.add(W * nKeys);
      cols.fillSet(id, at, W * nKeys);
      for (let s = w0; s < w1; s++) {
        const cell = (blk: number) => buffer.subarray(((s - w0) * (nKeys + 1) + blk) * okTotal, ((s - w0) * (nKeys + 1) + blk + 1) * okTotal);
        const daysCell = cell(0);
        let day = Number.NaN;
        for (let j = 0; j < okTotal; j++) {
          if (!Number.isNaN(daysCell[j]!)) {
            day = daysCell[j]!;
            break;
          }
        }
        for (let k = 0; k < nKeys; k++) {
          const row = at + (s - w0) * nKeys + k;
          const st = bandStats(cell(k + 1));
          cols.n(b)[row] = s;
          cols.f(b + 1)[row] = day;
          cols.n(b + 2)[row] = Number.isNaN(day) ? 0 : epochDayOf(id, day);
          cols.text1(b + 3, row, keys[k]!);
          cols.n(b + 4)[row] = st.n;
          cols.f(b + 5)[row] = st.mean;
          st.quantiles.forEach((q, qi) => (cols.f(b + 6 + qi)[row] = q));
        }
      }
    }
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  return encodeParquetPiece(cols.columns());
}
