// Result tables are encoded in pieces (one row group each, on the batch's workers) and spliced: the
// spliced file reads back as the concatenation of its pieces, and row groups follow whole runs.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GroupEncoder, GroupPlanner, setIdentity } from '../src/results/encode.ts';
import { CodedText, encodeParquetPiece, readParquetFile, readParquetInfo } from '../src/results/parquet.ts';
import { parsePiece, spliceParquet } from '../src/results/parquet-splice.ts';
import type { RunRecord } from '../src/results/record.ts';
import { decodeStruct, encodeStruct } from '../src/results/thrift-compact.ts';

const id = setIdentity({ scenario: { name: 's', sha256: 'ab', resolved: { start: { date: '2026-01-01' } } }, seed: 3 });

function run(runIndex: number, steps: number): RunRecord {
  const sampleDays = Float64Array.from({ length: steps }, (_, s) => s * 2);
  return {
    runIndex,
    status: 'ok',
    error: null,
    stack: null,
    sampleDays,
    series: { a: sampleDays.map((d) => d * runIndex + 0.5), b: sampleDays.map((d) => (d === 2 ? Number.NaN : -d)) },
    summary: { x: runIndex, y: null },
    miners: [{ name: `m${runIndex}`, status: 'active', values: { h: 1.5 } }],
  };
}

describe('pieces and splicing', () => {
  it('a spliced file reads back as its pieces in order, one row group per piece', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hashsim-splice-'));
    const runs = [run(0, 3), run(1, 4), run(2, 2), run(3, 5), run(4, 1)];
    const groups = [[0, 1], [2], [3, 4]];
    const paths = groups.map((g, i) => {
      const enc = new GroupEncoder('series', ['a', 'b'], id);
      for (const k of g) enc.add(runs[k]!);
      const p = join(dir, `p${i}.parquet`);
      writeFileSync(p, enc.finish()!);
      return p;
    });
    const whole = new GroupEncoder('series', ['a', 'b'], id);
    for (const r of runs) whole.add(r);
    writeFileSync(join(dir, 'whole.parquet'), whole.finish()!);
    const entry = await spliceParquet(join(dir, 'spliced.parquet'), paths);
    expect(entry.bytes).toBe(readFileSync(join(dir, 'spliced.parquet')).length);
    const info = await readParquetInfo(join(dir, 'spliced.parquet'));
    expect(info.numRowGroups).toBe(3);
    expect(info.numRows).toBe(15);
    const a = await readParquetFile(join(dir, 'spliced.parquet'));
    const b = await readParquetFile(join(dir, 'whole.parquet'));
    expect(a.names).toEqual(b.names);
    for (const n of a.names) expect(Array.from(a.columns[n] as ArrayLike<unknown>)).toEqual(Array.from(b.columns[n] as ArrayLike<unknown>));
    // row group by row group (the page indexes' offsets were moved)
    for (let g = 0; g < 3; g++) {
      const part = await readParquetFile(join(dir, 'spliced.parquet'), { rowGroups: [g] });
      expect(Array.from(new Set(part.columns.run_index as Int32Array))).toEqual(groups[g]);
    }
  });

  it("a parsed piece's metadata holds no view of the piece (the splice keeps it to the file's end)", () => {
    const enc = new GroupEncoder('series', ['a', 'b'], id);
    for (const k of [0, 1, 2]) enc.add(run(k, 4));
    // a Buffer, as the splice reads it (Buffer's slice is a view, not a copy)
    const bytes = Buffer.from(enc.finish()!);
    const piece = parsePiece(bytes, 'piece');
    // every binary value of the footer (column names, statistics, key-value metadata)
    const binaries: Uint8Array[] = [];
    const walk = (v: unknown): void => {
      if (v instanceof Uint8Array) binaries.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(piece.meta);
    expect(binaries.length).toBeGreaterThan(5);
    for (const b of binaries) expect(b.buffer === bytes.buffer).toBe(false);
  });

  it('the Thrift codec gives a Parquet footer back byte for byte', () => {
    const enc = new GroupEncoder('runs', ['x', 'y'], id);
    enc.add(run(7, 2));
    const bytes = enc.finish()!;
    const len = Buffer.from(bytes).readUInt32LE(bytes.length - 8);
    const footer = bytes.subarray(bytes.length - 8 - len, bytes.length - 8);
    const { struct, end } = decodeStruct(footer);
    expect(end).toBe(len);
    expect(Buffer.from(encodeStruct(struct)).equals(Buffer.from(footer))).toBe(true);
  });

  it('row groups close at the first run that reaches the target, on run boundaries', () => {
    const p = new GroupPlanner(10, 100);
    const rows = [60, 30, 20, 0, 100, 5, 0];
    const got = rows.map((r, i) => p.feed(10 + i, r)).filter(Boolean);
    expect(got).toEqual([
      { start: 10, end: 13, rows: 110 },
      { start: 13, end: 15, rows: 100 },
    ]);
    expect(p.finish(17)).toEqual({ start: 15, end: 17, rows: 5 });
    expect(p.finish(17)).toBeNull();
  });
});

describe('coded text columns', () => {
  it('a text column given as codes of its distinct strings is written byte for byte as the same strings one per row', () => {
    const strings = ['', 'active', 'exited', 'Ünïcode 🚀', 'x'.repeat(300), 'a'.repeat(64)];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1, max: strings.length - 1 }), { minLength: 0, maxLength: 300 }),
        fc.integer({ min: -1, max: strings.length - 1 }),
        fc.integer({ min: 0, max: 2000 }),
        (codes, constant, constantRows) => {
          const plain = (c: readonly number[]) => c.map((k) => (k < 0 ? null : strings[k]!));
          const constCodes = Array.from({ length: constantRows }, () => constant);
          const n = Math.max(codes.length, 1);
          const pad = (c: number[]) => (c.length === n ? c : [...c, ...Array.from({ length: n - c.length }, () => 0)]);
          const a = pad([...codes]);
          const b = pad(constCodes.slice(0, n));
          const coded = encodeParquetPiece([
            { name: 'mixed', type: 'utf8', values: new CodedText(Int32Array.from(a), strings) },
            { name: 'constant', type: 'utf8', values: new CodedText(Int32Array.from(b), strings) },
          ]);
          const asStrings = encodeParquetPiece([
            { name: 'mixed', type: 'utf8', values: plain(a) },
            { name: 'constant', type: 'utf8', values: plain(b) },
          ]);
          expect(Buffer.from(coded).equals(Buffer.from(asStrings))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a whole constant column (the set columns) reads back as its string on every row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hashsim-coded-'));
    const rows = 5000;
    const bytes = encodeParquetPiece([{ name: 'scenario', type: 'utf8', values: new CodedText(new Int32Array(rows), ['baseline-2026']) }]);
    writeFileSync(join(dir, 'c.parquet'), bytes);
    const back = await readParquetFile(join(dir, 'c.parquet'));
    expect(back.numRows).toBe(rows);
    expect(new Set(back.columns.scenario as string[])).toEqual(new Set(['baseline-2026']));
  });
});
