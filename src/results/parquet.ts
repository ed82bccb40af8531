import { readFileSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import {
  Field,
  DateDay,
  Float64,
  Int32,
  RecordBatch,
  Schema,
  Table as ArrowTable,
  Type,
  Utf8,
  makeData,
  makeVector,
  Struct,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type Vector,
  type DataType,
} from 'apache-arrow';
import * as pw from 'parquet-wasm/esm';
import { HashsimError } from '../errors.ts';
import { parseParquetFooter, type ParquetFooter } from './parquet-footer.ts';

// parquet-wasm's "node" build is CommonJS inside a `"type": "module"` package and does not load
// under ESM, so the ESM build is initialised synchronously from the bundled .wasm file.
let wasmReady = false;
function ensureWasm(): void {
  if (wasmReady) return;
  const wasmUrl = new URL(import.meta.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm'));
  pw.initSync({ module: readFileSync(wasmUrl) });
  wasmReady = true;
}

/** Physical column types written by hashsim. Every column is nullable. */
export type ColumnType = 'float64' | 'int32' | 'utf8' | 'date32';

/** Milliseconds per day: date32 columns hold whole UTC days since 1970-01-01. */
const DAY_MS = 86_400_000;

/**
 * A text column as per-row codes into its distinct strings (-1 = null): how the result tables'
 * encoder keeps its text columns, whose values repeat row after row. Written exactly as the same
 * strings given one per row.
 */
export class CodedText {
  constructor(
    readonly codes: Int32Array,
    readonly strings: readonly string[],
  ) {}
  get length(): number {
    return this.codes.length;
  }
}

/** Values of one column to write: typed arrays have no nulls; plain arrays may hold null. */
export type WritableValues = Float64Array | Int32Array | readonly (number | null)[] | readonly (string | null)[];

export interface ParquetColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly values: WritableValues;
  /** With typed-array values: 1 marks a null row (its value is ignored). */
  readonly nulls?: Uint8Array;
}

/** A column of a piece (encodeParquetPiece): text may also come as codes. */
export interface PieceColumn extends Omit<ParquetColumn, 'values'> {
  readonly values: WritableValues | CodedText;
}

/**
 * Values of one column as read back. float64 -> Float64Array (null is read as NaN: hashsim never
 * writes NaN, so NaN in a float column always means "null"), int32 -> Int32Array (null -> 0),
 * utf8 -> (string | null)[].
 */
export type ColumnValues = Float64Array | Int32Array | (string | null)[];

export interface ParquetData {
  readonly numRows: number;
  /** Column names in file order. */
  readonly names: readonly string[];
  readonly columns: Readonly<Record<string, ColumnValues>>;
}

export interface ParquetInfo {
  readonly numRows: number;
  readonly numRowGroups: number;
  readonly createdBy: string | undefined;
  readonly columns: readonly { readonly name: string; readonly type: ColumnType }[];
}

/**
 * Fixed writer properties: output bytes depend only on the rows and the batches fed in, never on
 * time, host or library defaults that might drift.
 */
export const PARQUET_CREATED_BY = 'hashsim (parquet-wasm 0.7.1)';
export const PARQUET_ROW_GROUP_ROWS = 65_536;

function writerProperties(maxRowGroupRows = PARQUET_ROW_GROUP_ROWS): pw.WriterProperties {
  ensureWasm();
  return new pw.WriterPropertiesBuilder()
    .setWriterVersion(pw.WriterVersion.V2)
    .setCompression(pw.Compression.ZSTD)
    .setCreatedBy(PARQUET_CREATED_BY)
    .setMaxRowGroupSize(maxRowGroupRows)
    .setDataPageSizeLimit(1 << 20)
    .setWriteBatchSize(1024)
    .setDictionaryEnabled(true)
    .setStatisticsEnabled(pw.EnabledStatistics.Page)
    .build();
}

/**
 * Writer properties of a piece: those of the stream writer, except one row group whatever its rows
 * and no dictionary for float64 columns (measured on the default batch: files ~20% smaller, and
 * encoding no slower, as metric values rarely repeat; a constant column still compresses to nothing).
 */
function pieceProperties(columns: readonly { name: string; type: ColumnType }[]): pw.WriterProperties {
  ensureWasm();
  let b = new pw.WriterPropertiesBuilder()
    .setWriterVersion(pw.WriterVersion.V2)
    .setCompression(pw.Compression.ZSTD)
    .setCreatedBy(PARQUET_CREATED_BY)
    .setMaxRowGroupSize(2 ** 31 - 1)
    .setDataPageSizeLimit(1 << 20)
    .setWriteBatchSize(1024)
    .setDictionaryEnabled(true)
    .setStatisticsEnabled(pw.EnabledStatistics.Page);
  for (const c of columns) if (c.type === 'float64') b = b.setColumnDictionaryEnabled(c.name, false);
  return b.build();
}

function arrowType(t: ColumnType): DataType {
  switch (t) {
    case 'float64':
      return new Float64();
    case 'int32':
      return new Int32();
    case 'utf8':
      return new Utf8();
    case 'date32':
      return new DateDay();
  }
}

/** Arrow schema of a column list; all fields nullable so every batch has the same schema. */
export function arrowSchema(columns: readonly { name: string; type: ColumnType }[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, arrowType(c.type), true)));
}

function toVector(c: PieceColumn): Vector {
  const type = arrowType(c.type);
  if (
    (c.type === 'float64' && c.values instanceof Float64Array) ||
    ((c.type === 'int32' || c.type === 'date32') && c.values instanceof Int32Array)
  ) {
    if (c.type === 'date32') return makeVector(makeData({ type, length: c.values.length, nullCount: 0, data: c.values } as never));
    if (c.nulls) return typedWithNulls(c.name, type, c.values, c.nulls);
    return makeVector(c.values);
  }
  if (c.type === 'utf8') return c.values instanceof CodedText ? codedUtf8Vector(c.values) : utf8Vector(c.values as readonly (string | null)[]);
  if (c.values instanceof CodedText) throw new Error(`column ${c.name}: coded text in a ${c.type} column`);
  return vectorFromArray(Array.from(c.values as ArrayLike<unknown>), type as never);
}

const utf8 = new TextEncoder();

/**
 * A utf8 column straight from its buffers: each distinct short string is encoded once (set columns,
 * miner names and statuses repeat row after row). Same Arrow data as vectorFromArray, without a
 * builder and a boxed value per row.
 */
function utf8Vector(values: readonly (string | null)[]): Vector {
  const length = values.length;
  const parts: (Uint8Array | null)[] = new Array(length);
  const cache = new Map<string, Uint8Array>();
  let last: string | null | undefined;
  let lastBytes: Uint8Array | null = null;
  let total = 0;
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      parts[i] = null;
      nullCount++;
      continue;
    }
    if (v !== last) {
      last = v;
      let b = cache.get(v);
      if (!b) {
        b = utf8.encode(v);
        // short strings repeat (names, statuses); long ones (error stacks) are not kept
        if (v.length <= 256 && cache.size < 4096) cache.set(v, b);
      }
      lastBytes = b;
    }
    parts[i] = lastBytes;
    total += lastBytes!.length;
  }
  const valueOffsets = new Int32Array(length + 1);
  const data = new Uint8Array(total);
  const nullBitmap = nullCount > 0 ? new Uint8Array((length + 7) >> 3) : undefined;
  let at = 0;
  for (let i = 0; i < length; i++) {
    const b = parts[i];
    if (b) {
      data.set(b, at);
      at += b.length;
      if (nullBitmap) nullBitmap[i >> 3]! |= 1 << (i & 7);
    }
    valueOffsets[i + 1] = at;
  }
  return makeVector(makeData({ type: new Utf8(), length, nullCount, nullBitmap, valueOffsets, data } as never));
}

/** A utf8 column from per-row codes: the same Arrow data as utf8Vector of the decoded strings. */
function codedUtf8Vector(t: CodedText): Vector {
  const { codes, strings } = t;
  const length = codes.length;
  const bytes = strings.map((s) => utf8.encode(s));
  let total = 0;
  let nullCount = 0;
  let same = true;
  for (let i = 0; i < length; i++) {
    const k = codes[i]!;
    if (k !== codes[0]) same = false;
    if (k < 0) nullCount++;
    else total += bytes[k]!.length;
  }
  // One string on every row (a set column): its bytes repeated, copied in doubling runs.
  if (same && length > 0 && codes[0]! >= 0) return repeatedUtf8Vector(bytes[codes[0]!]!, length);
  const valueOffsets = new Int32Array(length + 1);
  const data = new Uint8Array(total);
  const nullBitmap = nullCount > 0 ? new Uint8Array((length + 7) >> 3) : undefined;
  let at = 0;
  for (let i = 0; i < length; i++) {
    const k = codes[i]!;
    if (k >= 0) {
      const b = bytes[k]!;
      data.set(b, at);
      at += b.length;
      if (nullBitmap) nullBitmap[i >> 3]! |= 1 << (i & 7);
    }
    valueOffsets[i + 1] = at;
  }
  return makeVector(makeData({ type: new Utf8(), length, nullCount, nullBitmap, valueOffsets, data } as never));
}

/** `length` rows of the same string (as utf8Vector would build them). */
function repeatedUtf8Vector(b: Uint8Array, length: number): Vector {
  const w = b.length;
  const valueOffsets = new Int32Array(length + 1);
  for (let i = 1; i <= length; i++) valueOffsets[i] = i * w;
  const data = new Uint8Array(w * length);
  if (w > 0) {
    data.set(b, 0);
    for (let filled = w; filled < data.length; filled *= 2) data.copyWithin(filled, 0, Math.min(filled, data.length - filled));
  }
  return makeVector(makeData({ type: new Utf8(), length, nullCount: 0, nullBitmap: undefined, valueOffsets, data } as never));
}

/** A typed column with nulls, straight from its buffers (no boxed values, no builder). */
function typedWithNulls(name: string, type: DataType, values: Float64Array | Int32Array, nulls: Uint8Array): Vector {
  const length = values.length;
  if (nulls.length !== length) throw new Error(`column ${name} has ${length} values but ${nulls.length} null flags`);
  const nullBitmap = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (nulls[i]) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  }
  if (nullCount === 0) return makeVector(values);
  return makeVector(makeData({ type, length, nullCount, nullBitmap, data: values } as never));
}

function recordBatchOf(schema: Schema, columns: readonly PieceColumn[]): RecordBatch {
  const length = columns.length > 0 ? columns[0]!.values.length : 0;
  const children = columns.map((c) => {
    if (c.values.length !== length) {
      throw new Error(`column ${c.name} has ${c.values.length} values, expected ${length}`);
    }
    return toVector(c).data[0]!;
  });
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

function wasmBatch(schema: Schema, columns: readonly ParquetColumn[]): pw.RecordBatch {
  ensureWasm();
  const table = new ArrowTable(schema, [recordBatchOf(schema, columns)]);
  const wasmTable = pw.Table.fromIPCStream(tableToIPC(table, 'stream'));
  // Freed now, not by the GC: the wrapper is tiny in JS terms, so V8 would collect it late and the
  // batch data it shares would pile up in WASM memory (which never shrinks) in proportion to rows.
  try {
    const batch = wasmTable.recordBatch(0);
    if (!batch) throw new Error('parquet-wasm returned no record batch');
    return batch;
  } finally {
    wasmTable.free();
  }
}

/**
 * One Parquet file (bytes) holding `columns` as a single row group, with the same writer properties
 * as the stream writer (no row limit per group): a piece that spliceParquet joins with others.
 * Synchronous, for worker threads.
 */
export function encodeParquetPiece(columns: readonly PieceColumn[]): Uint8Array {
  ensureWasm();
  const schema = arrowSchema(columns);
  const table = new ArrowTable(schema, [recordBatchOf(schema, columns)]);
  const wasmTable = pw.Table.fromIPCStream(tableToIPC(table, 'stream'));
  // writeParquet takes ownership of the table (and the properties) and frees them.
  return pw.writeParquet(wasmTable, pieceProperties(columns));
}

/**
 * Streams record batches into one Parquet file: memory holds one batch, not the table. The file is
 * written to a temporary name, fsync'd and renamed on close (atomic). Byte-identical output needs
 * identical batches in identical order; callers batch by fixed blocks of runs.
 */
export class ParquetStreamWriter {
  readonly path: string;
  private readonly schema: Schema;
  private readonly columnSpec: readonly { name: string; type: ColumnType }[];
  private readonly tmpPath: string;
  private controller: ReadableStreamDefaultController<pw.RecordBatch> | undefined;
  private done: Promise<void> | undefined;
  private input: ReadableStream<pw.RecordBatch> | undefined;
  private wake: (() => void) | undefined;
  private failed: unknown;

  constructor(path: string, columns: readonly { name: string; type: ColumnType }[]) {
    this.path = path;
    this.columnSpec = columns;
    this.schema = arrowSchema(columns);
    this.tmpPath = `${path}.tmp-${process.pid}`;
  }

  get columns(): readonly { name: string; type: ColumnType }[] {
    return this.columnSpec;
  }

  /** Prepares the writer; the file is created when the first batch arrives (its schema starts the stream). */
  async open(): Promise<void> {
    ensureWasm();
    const input = new ReadableStream<pw.RecordBatch>(
      {
        start: (c) => {
          this.controller = c;
        },
        pull: () => {
          this.wake?.();
          this.wake = undefined;
        },
      },
      { highWaterMark: 1 },
    );
    this.input = input;
  }

  private startOutput(): void {
    const input = this.input!;
    this.done = (async () => {
      const output = await pw.transformParquetStream(input, writerProperties());
      const fh = await open(this.tmpPath, 'w');
      try {
        for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) {
          await fh.write(chunk);
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
    })();
    this.done.catch((err: unknown) => {
      this.failed = err;
      this.wake?.();
    });
  }

  /** Appends rows (columns in the writer's column order, equal lengths). */
  async write(columns: readonly ParquetColumn[]): Promise<void> {
    if (!this.controller) throw new Error('ParquetStreamWriter.open() was not called');
    if (this.failed) throw this.failed;
    this.checkColumns(columns);
    if (this.done && columns[0]!.values.length === 0) return;
    this.controller.enqueue(wasmBatch(this.schema, columns));
    if (!this.done) this.startOutput();
    // Back-pressure: wait until the writer pulled, so at most a batch or two are held in memory.
    if ((this.controller.desiredSize ?? 0) <= 0) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.failed) throw this.failed;
  }

  private checkColumns(columns: readonly ParquetColumn[]): void {
    if (columns.length !== this.columnSpec.length) {
      throw new Error(`${this.path}: expected ${this.columnSpec.length} columns, got ${columns.length}`);
    }
    columns.forEach((c, i) => {
      const spec = this.columnSpec[i]!;
      if (c.name !== spec.name || c.type !== spec.type) {
        throw new Error(`${this.path}: column ${i} is ${c.name}:${c.type}, expected ${spec.name}:${spec.type}`);
      }
    });
  }

  /** Finishes the file and renames it into place. */
  async close(): Promise<void> {
    if (!this.controller) throw new Error('ParquetStreamWriter.open() was not called');
    // A table without rows still needs its schema in the file: write one empty batch.
    if (!this.done) await this.write(this.columnSpec.map((c) => ({ ...c, values: [] as (number | null)[] })));
    this.controller.close();
    await this.done!;
    await rename(this.tmpPath, this.path);
  }

  /** Drops the temporary file (after an error). */
  async abort(): Promise<void> {
    try {
      this.controller?.error(new Error('aborted'));
    } catch {
      // already closed
    }
    await this.done?.catch(() => undefined);
    await rm(this.tmpPath, { force: true });
  }
}

/** Writes a whole table (one batch) to `path` atomically. */
export async function writeParquetFile(path: string, columns: readonly ParquetColumn[]): Promise<void> {
  const w = new ParquetStreamWriter(
    path,
    columns.map((c) => ({ name: c.name, type: c.type })),
  );
  await w.open();
  try {
    await w.write(columns);
    await w.close();
  } catch (err) {
    await w.abort();
    throw err;
  }
}

function columnTypeOf(t: DataType): ColumnType {
  if (t.typeId === Type.Float || t.typeId === Type.Float64) return 'float64';
  if (t.typeId === Type.Int || t.typeId === Type.Int32) return 'int32';
  if (t.typeId === Type.Date || t.typeId === Type.DateDay) return 'date32';
  return 'utf8';
}

function arrowToData(table: ArrowTable, only?: readonly string[]): ParquetData {
  const names = table.schema.fields.map((f) => f.name).filter((n) => !only || only.includes(n));
  const columns: Record<string, ColumnValues> = {};
  for (const name of names) {
    const field = table.schema.fields.find((f) => f.name === name)!;
    const vec = table.getChild(name)!;
    const type = columnTypeOf(field.type);
    if (type === 'float64') {
      const out = new Float64Array(table.numRows);
      let i = 0;
      for (const v of vec) out[i++] = v === null || v === undefined ? Number.NaN : Number(v);
      columns[name] = out;
    } else if (type === 'date32') {
      // read back as days since 1970-01-01 (arrow gives epoch milliseconds or a Date)
      const out = new Int32Array(table.numRows);
      let i = 0;
      for (const v of vec) out[i++] = v === null || v === undefined ? 0 : Math.round(Number(v instanceof Date ? v.getTime() : v) / DAY_MS);
      columns[name] = out;
    } else if (type === 'int32') {
      const out = new Int32Array(table.numRows);
      let i = 0;
      for (const v of vec) out[i++] = v === null || v === undefined ? 0 : Number(v);
      columns[name] = out;
    } else {
      const out: (string | null)[] = new Array<string | null>(table.numRows);
      let i = 0;
      for (const v of vec) out[i++] = v === null || v === undefined ? null : String(v);
      columns[name] = out;
    }
  }
  return { numRows: table.numRows, names, columns };
}

/**
 * The bytes of a Parquet file, checked (magic, footer, metadata) before parquet-wasm sees them.
 * Reads go through parquet-wasm's synchronous `readParquet`: its errors are ordinary exceptions,
 * while the async `ParquetFile` reader traps from a microtask on corrupt pages and takes the whole
 * process down (no try/catch can stop it).
 */
async function loadParquetBytes(path: string): Promise<{ bytes: Uint8Array; footer: ParquetFooter }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder, expected a Parquet file' : (err as Error).message;
    throw new HashsimError(`${path}: ${why}`);
  }
  return { bytes, footer: parseParquetFooter(path, bytes) };
}

function decode(path: string, bytes: Uint8Array, rowGroups?: readonly number[]): ArrowTable {
  ensureWasm();
  try {
    const t = pw.readParquet(bytes, rowGroups ? { rowGroups: [...rowGroups] } : undefined);
    return tableFromIPC(t.intoIPCStream());
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new HashsimError(`${path}: not a readable Parquet file (${msg}); the file is damaged or was not written by hashsim`);
  }
}

function checkRowGroups(path: string, footer: ParquetFooter, rowGroups: readonly number[] | undefined): void {
  for (const g of rowGroups ?? []) {
    if (!Number.isInteger(g) || g < 0 || g >= footer.numRowGroups) {
      throw new HashsimError(`${path}: row group ${g} does not exist (the file has ${footer.numRowGroups})`);
    }
  }
}

/** Reads a whole Parquet file (or the listed columns / row groups). */
export async function readParquetFile(
  path: string,
  options: { columns?: readonly string[]; rowGroups?: readonly number[] } = {},
): Promise<ParquetData> {
  const { bytes, footer } = await loadParquetBytes(path);
  checkRowGroups(path, footer, options.rowGroups);
  return arrowToData(decode(path, bytes, options.rowGroups), options.columns);
}

/** File-level facts without decoding data. */
export async function readParquetInfo(path: string): Promise<ParquetInfo> {
  const { bytes, footer } = await loadParquetBytes(path);
  ensureWasm();
  let schema: Schema;
  try {
    schema = tableFromIPC(pw.readSchema(bytes).intoIPCStream()).schema;
  } catch (err) {
    throw new HashsimError(`${path}: not a readable Parquet file (${(err as Error).message})`);
  }
  return {
    numRows: footer.numRows,
    numRowGroups: footer.numRowGroups,
    createdBy: footer.createdBy,
    columns: schema.fields.map((f) => ({ name: f.name, type: columnTypeOf(f.type) })),
  };
}

/**
 * Reads a Parquet file one row group at a time: decoded memory holds one row group (the file's
 * compressed bytes are held whole, as the synchronous reader needs them).
 */
export async function* readParquetRowGroups(
  path: string,
  options: { columns?: readonly string[] } = {},
): AsyncGenerator<ParquetData> {
  const { bytes, footer } = await loadParquetBytes(path);
  for (let g = 0; g < footer.numRowGroups; g++) {
    yield arrowToData(decode(path, bytes, [g]), options.columns);
  }
}
