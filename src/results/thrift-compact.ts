/**
 * A generic Thrift compact-protocol codec: decodes a struct into a tree that keeps every field, its
 * type and order, and encodes the tree back to the same bytes. Used to splice Parquet files (rewrite
 * offsets in footers and offset indexes) without knowing every field of the format.
 */

export const TT = { STOP: 0, TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;

export type TValue =
  | { readonly t: 1 | 2; v: boolean } // bool (as a field: the type carries the value; in a list: a byte)
  | { readonly t: 3 | 4 | 5 | 6; v: number } // byte, i16, i32, i64 (exact to 2^53)
  | { readonly t: 7; v: Uint8Array } // double, raw 8 bytes
  | { readonly t: 8; v: Uint8Array } // binary / string
  | { readonly t: 9 | 10; elem: number; v: TValue[] }
  | { readonly t: 11; k: number; e: number; v: [TValue, TValue][] }
  | { readonly t: 12; v: TField[] };

export interface TField {
  readonly id: number;
  value: TValue;
}

export type TStruct = { readonly t: 12; v: TField[] };

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('thrift: data ends early');
    return this.buf[this.pos++]!;
  }
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) throw new Error('thrift: integer beyond 2^53');
        return result;
      }
      scale *= 128;
    }
    throw new Error('thrift: varint longer than 10 bytes');
  }
  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
  take(n: number): Uint8Array {
    if (n > this.buf.length - this.pos) throw new Error('thrift: data ends early');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function readValue(r: Reader, type: number, inContainer: boolean, depth: number): TValue {
  if (depth > 64) throw new Error('thrift: nesting too deep');
  switch (type) {
    case TT.TRUE:
    case TT.FALSE:
      if (inContainer) {
        const b = r.byte();
        return { t: type, v: b === 1 };
      }
      return { t: type, v: type === TT.TRUE };
    case TT.BYTE: {
      const b = r.byte();
      return { t: 3, v: b };
    }
    case TT.I16:
    case TT.I32:
    case TT.I64:
      return { t: type, v: r.zigzag() };
    case TT.DOUBLE:
      return { t: 7, v: r.take(8) };
    case TT.BINARY:
      return { t: 8, v: r.take(r.varint()) };
    case TT.LIST:
    case TT.SET: {
      const h = r.byte();
      const size = h >> 4 === 15 ? r.varint() : h >> 4;
      const elem = h & 0x0f;
      if (size > r.buf.length - r.pos) throw new Error('thrift: list runs past the data');
      const v: TValue[] = [];
      for (let i = 0; i < size; i++) v.push(readValue(r, elem, true, depth + 1));
      return { t: type, elem, v };
    }
    case TT.MAP: {
      const size = r.varint();
      const kv = size === 0 ? 0 : r.byte();
      const v: [TValue, TValue][] = [];
      for (let i = 0; i < size; i++) v.push([readValue(r, kv >> 4, true, depth + 1), readValue(r, kv & 0x0f, true, depth + 1)]);
      return { t: 11, k: kv >> 4, e: kv & 0x0f, v };
    }
    case TT.STRUCT:
      return readStructBody(r, depth + 1);
    default:
      throw new Error(`thrift: unknown type ${type}`);
  }
}

function readStructBody(r: Reader, depth: number): TStruct {
  const fields: TField[] = [];
  let last = 0;
  for (;;) {
    const b = r.byte();
    if (b === 0) break;
    const type = b & 0x0f;
    const delta = b >> 4;
    const id = delta === 0 ? r.zigzag() : last + delta;
    fields.push({ id, value: readValue(r, type, false, depth) });
    last = id;
  }
  return { t: 12, v: fields };
}

/** Decodes one struct from `buf` at `offset`; returns it and the offset after it. */
export function decodeStruct(buf: Uint8Array, offset = 0): { struct: TStruct; end: number } {
  const r = new Reader(buf);
  r.pos = offset;
  const struct = readStructBody(r, 0);
  return { struct, end: r.pos };
}

class Writer {
  private buf = new Uint8Array(1024);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  varint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`thrift: cannot write varint ${n}`);
    this.ensure(10);
    while (n >= 128) {
      this.buf[this.len++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.len++] = n;
  }
  zigzag(n: number): void {
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function writeValue(w: Writer, v: TValue, inContainer: boolean): void {
  switch (v.t) {
    case 1:
    case 2:
      if (inContainer) w.byte(v.v ? 1 : 2);
      return;
    case 3:
      w.byte(v.v & 0xff);
      return;
    case 4:
    case 5:
    case 6:
      w.zigzag(v.v);
      return;
    case 7:
      w.bytes(v.v);
      return;
    case 8:
      w.varint(v.v.length);
      w.bytes(v.v);
      return;
    case 9:
    case 10:
      if (v.v.length < 15) w.byte((v.v.length << 4) | v.elem);
      else {
        w.byte(0xf0 | v.elem);
        w.varint(v.v.length);
      }
      for (const x of v.v) writeValue(w, x, true);
      return;
    case 11:
      w.varint(v.v.length);
      if (v.v.length > 0) w.byte((v.k << 4) | v.e);
      for (const [a, b] of v.v) {
        writeValue(w, a, true);
        writeValue(w, b, true);
      }
      return;
    case 12:
      writeStructBody(w, v);
      return;
  }
}

function writeStructBody(w: Writer, s: TStruct): void {
  let last = 0;
  for (const f of s.v) {
    // a bool field's type carries its value
    const type = f.value.t === 1 || f.value.t === 2 ? (f.value.v ? TT.TRUE : TT.FALSE) : f.value.t;
    const delta = f.id - last;
    if (delta > 0 && delta <= 15) w.byte((delta << 4) | type);
    else {
      w.byte(type);
      w.zigzag(f.id);
    }
    writeValue(w, f.value, false);
    last = f.id;
  }
  w.byte(0);
}

export function encodeStruct(s: TStruct): Uint8Array {
  const w = new Writer();
  writeStructBody(w, s);
  return w.result();
}

// ---- helpers over the tree ----

export function field(s: TStruct, id: number): TValue | undefined {
  return s.v.find((f) => f.id === id)?.value;
}

export function intField(s: TStruct, id: number): number | undefined {
  const v = field(s, id);
  return v && (v.t === 3 || v.t === 4 || v.t === 5 || v.t === 6) ? v.v : undefined;
}

/** Sets an integer field that exists (keeps its type); returns whether it was there. */
export function setIntField(s: TStruct, id: number, value: number): boolean {
  const f = s.v.find((x) => x.id === id);
  if (!f) return false;
  const v = f.value;
  if (v.t !== 3 && v.t !== 4 && v.t !== 5 && v.t !== 6) throw new Error(`thrift: field ${id} is not an integer`);
  v.v = value;
  return true;
}

export function structList(s: TStruct, id: number): TStruct[] {
  const v = field(s, id);
  if (!v) return [];
  if (v.t !== 9 && v.t !== 10) throw new Error(`thrift: field ${id} is not a list`);
  return v.v as TStruct[];
}
