import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { atomicWriteWith } from './atomic.ts';
import type { FileEntry } from './manifest.ts';
import { decodeStruct, encodeStruct, field, intField, setIntField, structList, type TStruct } from './thrift-compact.ts';

/**
 * Joins Parquet files of one schema ("pieces", each written by parquet-wasm with hashsim's writer
 * properties, typically one row group each) into one Parquet file whose row groups are the pieces'
 * row groups in order. The column chunks' bytes are copied as they are; only offsets move: the
 * footer's (row group and column chunk offsets, row group ordinals, the row count) and the page
 * locations of the offset indexes. Column indexes are copied unchanged.
 *
 * This is what lets the batch workers encode (dictionary, compression, statistics: the costly part)
 * while the main thread only orders and appends. The output is a function of the pieces' bytes.
 *
 * Layout written: "PAR1", every piece's column chunk data, every column index, every offset index,
 * the footer (FileMetaData, Thrift compact), its length (u32 LE), "PAR1".
 */

// Parquet Thrift field ids (parquet.thrift).
const FMD = { schema: 2, numRows: 3, rowGroups: 4, kv: 5 } as const;
const RG = { columns: 1, fileOffset: 5, totalCompressed: 6, ordinal: 7 } as const;
const CC = { fileOffset: 2, meta: 3, offsetIndexOffset: 4, offsetIndexLength: 5, columnIndexOffset: 6, columnIndexLength: 7 } as const;
const CMD = { totalCompressed: 7, dataPageOffset: 9, indexPageOffset: 10, dictionaryPageOffset: 11, bloomOffset: 14 } as const;

/**
 * A copy of bytes[start, end). The splice keeps every row group's metadata, column index and offset
 * index until the file's footer is written; a view (subarray, and Buffer's slice, which is one too)
 * would keep the whole piece (tens of MB) alive to the end, so the splice's memory would grow with
 * the file: ~1.4 GB of a 6,000-run series table.
 */
const own = (bytes: Uint8Array, start: number, end: number): Uint8Array => new Uint8Array(bytes.subarray(start, end));

export interface ParsedPiece {
  readonly bytes: Uint8Array;
  readonly meta: TStruct;
  /** End of the column chunk data (the page indexes and the footer follow). */
  readonly dataEnd: number;
}

export function parsePiece(bytes: Uint8Array, what: string): ParsedPiece {
  const n = bytes.length;
  const magic = (at: number) => bytes[at] === 0x50 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x52 && bytes[at + 3] === 0x31;
  if (n < 12 || !magic(0) || !magic(n - 4)) throw new Error(`${what}: not a Parquet file`);
  const len = new DataView(bytes.buffer, bytes.byteOffset, n).getUint32(n - 8, true);
  const start = n - 8 - len;
  if (start < 4) throw new Error(`${what}: bad footer length`);
  // from a copy (own): the thrift reader's binary values (names, statistics) are views of its input
  const { struct: meta, end } = decodeStruct(own(bytes, start, n - 8));
  if (end !== len) throw new Error(`${what}: footer has trailing bytes`);
  // The codec must give the footer back byte for byte, or offsets rewritten through it could not be trusted.
  const again = encodeStruct(meta);
  if (again.length !== len || !Buffer.from(again).equals(bytes.subarray(start, n - 8))) throw new Error(`${what}: footer does not round-trip`);
  let dataEnd = 4;
  for (const rg of structList(meta, FMD.rowGroups)) {
    for (const cc of structList(rg, RG.columns)) {
      const md = field(cc, CC.meta) as TStruct | undefined;
      if (!md) throw new Error(`${what}: column chunk without metadata`);
      const first = Math.min(intField(md, CMD.dataPageOffset)!, intField(md, CMD.dictionaryPageOffset) ?? Infinity);
      dataEnd = Math.max(dataEnd, first + intField(md, CMD.totalCompressed)!);
    }
  }
  if (dataEnd > start) throw new Error(`${what}: column data overlaps the footer`);
  return { bytes, meta, dataEnd };
}

/** Gathered writes go out once they reach this size or this many parts. */
const WRITE_GATHER_BYTES = 1 << 20;
const WRITE_GATHER_PARTS = 512;

const shift = (s: TStruct, id: number, delta: number): void => {
  const v = intField(s, id);
  if (v !== undefined && v > 0) setIntField(s, id, v + delta);
};

/**
 * Splices pieces (in order) into one file at `path` (written atomically); returns its sha256 and
 * size, computed while writing. Pieces without row groups are skipped; at least one piece is needed
 * (its schema and key-value metadata are those of the file; every piece must have the same).
 */
export async function spliceParquet(path: string, piecePaths: readonly string[]): Promise<FileEntry> {
  if (piecePaths.length === 0) throw new Error(`${path}: nothing to splice`);
  const hash = createHash('sha256');
  let size = 0;
  await atomicWriteWith(path, async (fh) => {
    // Small pieces (a page index per column chunk, hundreds per file) are gathered and written
    // together: one write call each cost a thread-pool round trip (~25 ms per set of a tiny sweep
    // point). The bytes written are the same.
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const parts = pending;
      pending = [];
      pendingBytes = 0;
      // writeFile writes all of it from the current position (a short write is continued)
      await fh.writeFile(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    };
    const write = async (b: Uint8Array) => {
      hash.update(b);
      size += b.length;
      pending.push(b);
      pendingBytes += b.length;
      if (pendingBytes >= WRITE_GATHER_BYTES || pending.length >= WRITE_GATHER_PARTS) await flush();
    };
    let first: TStruct | undefined;
    let schemaBytes: Buffer | undefined;
    const rowGroups: TStruct[] = [];
    const columnIndexes: { cc: TStruct; blob: Uint8Array }[] = [];
    const offsetIndexes: { cc: TStruct; index: TStruct }[] = [];
    let numRows = 0;
    await write(Buffer.from('PAR1', 'latin1'));
    for (const p of piecePaths) {
      const piece = parsePiece(await readFile(p), p);
      const meta = piece.meta;
      const schema = Buffer.from(encodeStruct({ t: 12, v: meta.v.filter((f) => f.id === FMD.schema || f.id === FMD.kv) }));
      if (!first) {
        first = meta;
        schemaBytes = schema;
      } else if (!schema.equals(schemaBytes!)) throw new Error(`${p}: schema differs from ${piecePaths[0]}`);
      const groups = structList(meta, FMD.rowGroups);
      if (groups.length === 0) continue;
      const delta = size - 4;
      for (const rg of groups) {
        shift(rg, RG.fileOffset, delta);
        for (const cc of structList(rg, RG.columns)) {
          shift(cc, CC.fileOffset, delta);
          const md = field(cc, CC.meta) as TStruct;
          shift(md, CMD.dataPageOffset, delta);
          shift(md, CMD.indexPageOffset, delta);
          shift(md, CMD.dictionaryPageOffset, delta);
          shift(md, CMD.bloomOffset, delta);
          const ciOff = intField(cc, CC.columnIndexOffset);
          const ciLen = intField(cc, CC.columnIndexLength);
          if (ciOff !== undefined && ciLen !== undefined) columnIndexes.push({ cc, blob: own(piece.bytes, ciOff, ciOff + ciLen) });
          const oiOff = intField(cc, CC.offsetIndexOffset);
          const oiLen = intField(cc, CC.offsetIndexLength);
          if (oiOff !== undefined && oiLen !== undefined) {
            const { struct: index, end } = decodeStruct(own(piece.bytes, oiOff, oiOff + oiLen));
            if (end !== oiLen) throw new Error(`${p}: offset index length mismatch`);
            for (const loc of structList(index, 1)) shift(loc, 1, delta);
            offsetIndexes.push({ cc, index });
          }
        }
        numRows += intField(rg, 3) ?? 0;
        rowGroups.push(rg);
      }
      await write(piece.bytes.subarray(4, piece.dataEnd));
    }
    for (const { cc, blob } of columnIndexes) {
      setIntField(cc, CC.columnIndexOffset, size);
      await write(blob);
    }
    for (const { cc, index } of offsetIndexes) {
      const blob = encodeStruct(index);
      setIntField(cc, CC.offsetIndexOffset, size);
      setIntField(cc, CC.offsetIndexLength, blob.length);
      await write(blob);
    }
    rowGroups.forEach((rg, i) => {
      if (!setIntField(rg, RG.ordinal, i) && i > 0) rg.v.push({ id: RG.ordinal, value: { t: 4, v: i } });
    });
    const meta: TStruct = {
      t: 12,
      v: first!.v.map((f) => {
        if (f.id === FMD.numRows) return { id: f.id, value: { t: 6, v: numRows } };
        if (f.id === FMD.rowGroups) return { id: f.id, value: { t: 9, elem: 12, v: rowGroups } };
        return f;
      }),
    };
    const footer = encodeStruct(meta);
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(footer.length, 0);
    tail.write('PAR1', 4, 'latin1');
    await write(footer);
    await write(tail);
    await flush();
  });
  return { sha256: hash.digest('hex'), bytes: size };
}
