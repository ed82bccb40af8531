import { HashsimError } from '../errors.ts';

/**
 * Checks that `bytes` look like a whole Parquet file and reads the few footer facts hashsim needs,
 * in plain TypeScript, before any byte reaches parquet-wasm. parquet-wasm's async reader aborts the
 * process (a WebAssembly trap thrown from a microtask, which no try/catch sees) on some corrupt
 * files, so a damaged or foreign file must be rejected here with a message naming it.
 *
 * Layout (Apache Parquet format spec): "PAR1" <data> <FileMetaData, Thrift compact> <u32le
 * metadata length> "PAR1". FileMetaData fields used: 3 num_rows (i64), 4 row_groups (list),
 * 6 created_by (string).
 */
export interface ParquetFooter {
  readonly numRows: number;
  readonly numRowGroups: number;
  readonly createdBy: string | undefined;
}

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

function hasMagicAt(bytes: Uint8Array, at: number): boolean {
  return MAGIC.every((b, i) => bytes[at + i] === b);
}

export function parseParquetFooter(path: string, bytes: Uint8Array): ParquetFooter {
  const bad = (why: string): HashsimError =>
    new HashsimError(`${path}: not a valid Parquet file (${why}); the file is damaged or was not written by hashsim`);
  if (bytes.length < 12) throw bad(`${bytes.length} bytes, a Parquet file has at least 12`);
  if (!hasMagicAt(bytes, 0)) throw bad('it does not start with the magic "PAR1"');
  if (!hasMagicAt(bytes, bytes.length - 4)) throw bad('it does not end with the magic "PAR1" (truncated?)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const metaLen = view.getUint32(bytes.length - 8, true);
  if (metaLen === 0 || metaLen > bytes.length - 12) {
    throw bad(`footer length ${metaLen} does not fit in a file of ${bytes.length} bytes`);
  }
  const start = bytes.length - 8 - metaLen;
  try {
    return readFileMetaData(new ThriftCompactReader(bytes.subarray(start, bytes.length - 8)));
  } catch (err) {
    if (err instanceof HashsimError) throw err;
    throw bad(`unreadable footer metadata: ${(err as Error).message}`);
  }
}

// Thrift compact protocol type ids.
const T = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;
const MAX_DEPTH = 64;

class ThriftCompactReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('metadata ends early');
    return this.buf[this.pos++]!;
  }

  /** Unsigned LEB128 varint, as a number (exact up to 2^53; larger only feeds skips and checks). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  bytes(): Uint8Array {
    const len = this.varint();
    if (len > this.buf.length - this.pos) throw new Error(`string of ${len} bytes runs past the metadata`);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skipBytes(n: number): void {
    if (n > this.buf.length - this.pos) throw new Error('metadata ends early');
    this.pos += n;
  }

  /** Reads a field header; returns null at STOP. */
  fieldHeader(lastId: number): { id: number; type: number } | null {
    const b = this.byte();
    if (b === 0) return null;
    const type = b & 0x0f;
    const delta = b >> 4;
    const id = delta === 0 ? this.zigzag() : lastId + delta;
    return { id, type };
  }

  listHeader(): { size: number; elemType: number } {
    const b = this.byte();
    const size = b >> 4 === 15 ? this.varint() : b >> 4;
    // Every element takes at least one byte: a larger count is garbage, not a huge allocation.
    if (size > this.buf.length - this.pos) throw new Error(`list of ${size} elements runs past the metadata`);
    return { size, elemType: b & 0x0f };
  }

  skip(type: number, depth = 0): void {
    if (depth > MAX_DEPTH) throw new Error('nesting too deep');
    switch (type) {
      case T.TRUE:
      case T.FALSE:
        return; // value is in the field header (fields) or a byte (lists: handled by skipList)
      case T.BYTE:
        this.skipBytes(1);
        return;
      case T.I16:
      case T.I32:
      case T.I64:
        this.varint();
        return;
      case T.DOUBLE:
        this.skipBytes(8);
        return;
      case T.BINARY:
        this.bytes();
        return;
      case T.LIST:
      case T.SET:
        this.skipList(depth);
        return;
      case T.MAP: {
        const size = this.varint();
        if (size === 0) return;
        if (size > this.buf.length - this.pos) throw new Error(`map of ${size} entries runs past the metadata`);
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skipElement(kv >> 4, depth + 1);
          this.skipElement(kv & 0x0f, depth + 1);
        }
        return;
      }
      case T.STRUCT: {
        let last = 0;
        for (let h = this.fieldHeader(last); h; h = this.fieldHeader(last)) {
          this.skip(h.type, depth + 1);
          last = h.id;
        }
        return;
      }
      default:
        throw new Error(`unknown Thrift type ${type}`);
    }
  }

  /** Inside lists and maps a boolean is a whole byte. */
  skipElement(type: number, depth: number): void {
    if (type === T.TRUE || type === T.FALSE) this.skipBytes(1);
    else this.skip(type, depth);
  }

  skipList(depth: number): number {
    const { size, elemType } = this.listHeader();
    for (let i = 0; i < size; i++) this.skipElement(elemType, depth + 1);
    return size;
  }
}

function readFileMetaData(r: ThriftCompactReader): ParquetFooter {
  let numRows: number | undefined;
  let numRowGroups: number | undefined;
  let createdBy: string | undefined;
  let last = 0;
  for (let h = r.fieldHeader(last); h; h = r.fieldHeader(last)) {
    if (h.id === 3 && h.type === T.I64) numRows = r.zigzag();
    else if (h.id === 4 && h.type === T.LIST) numRowGroups = r.skipList(0);
    else if (h.id === 6 && h.type === T.BINARY) createdBy = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes());
    else r.skip(h.type);
    last = h.id;
  }
  if (numRows === undefined || numRows < 0 || !Number.isSafeInteger(numRows)) throw new Error('no valid num_rows');
  if (numRowGroups === undefined) throw new Error('no row_groups');
  return { numRows, numRowGroups, createdBy };
}
