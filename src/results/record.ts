import type { AgentSeries, RunResult } from '../engine/types.ts';

/**
 * One run as stored in a result set: the engine's RunResult, or the error it threw. Everything the
 * Parquet tables hold about a run, and nothing else, so a record read back from a result set
 * reproduces the same files (merge relies on this).
 */
export interface RunRecord {
  readonly runIndex: number;
  readonly status: 'ok' | 'error';
  readonly error: string | null;
  readonly stack: string | null;
  readonly sampleDays: Float64Array;
  readonly series: Readonly<Record<string, Float64Array>>;
  readonly summary: Readonly<Record<string, number | null>>;
  readonly miners: readonly {
    readonly name: string;
    readonly status: string;
    readonly values: Readonly<Record<string, number | null>>;
  }[];
  /** Named miners' per-sample series (agents.parquet); null for failed runs and engines without them. */
  readonly agents?: AgentSeries | null;
}

/**
 * Float residues below these tolerances are stored as exactly 0 (debt repaid to the last 1e-10 USD
 * is no debt): values named `*_usd` below 1e-6 USD, `*_btc` below 1e-12 BTC (0.0001 sat). Applied
 * when a run becomes a record, so the spool, the tables and verify's re-runs all see the same value.
 * See docs/RESULTS.md, "Conventions".
 */
export const SNAP_TOLERANCE = { usd: 1e-6, btc: 1e-12 } as const;

export function snapTolerance(name: string): number {
  return name.endsWith('_usd') ? SNAP_TOLERANCE.usd : name.endsWith('_btc') ? SNAP_TOLERANCE.btc : 0;
}

function snapMap(m: Readonly<Record<string, number | null>>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(m)) {
    const tol = snapTolerance(k);
    out[k] = v !== null && tol > 0 && Math.abs(v) < tol ? 0 : v;
  }
  return out;
}

function snapSeries(m: Readonly<Record<string, Float64Array>>): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const [k, col] of Object.entries(m)) {
    const tol = snapTolerance(k);
    let copy: Float64Array | null = null;
    if (tol > 0) {
      for (let i = 0; i < col.length; i++) {
        if (col[i] !== 0 && Math.abs(col[i]!) < tol) (copy ??= Float64Array.from(col))[i] = 0;
      }
    }
    out[k] = copy ?? col;
  }
  return out;
}

export function recordFromResult(r: RunResult): RunRecord {
  return {
    runIndex: r.runIndex,
    status: 'ok',
    error: null,
    stack: null,
    sampleDays: r.sampleDays,
    series: snapSeries(r.series),
    summary: snapMap(r.summary),
    miners: r.miners.map((m) => ({ name: m.name, status: m.status, values: snapMap(m.values) })),
    agents: r.agents ? { ...r.agents, values: snapSeries(r.agents.values) } : null,
  };
}

/**
 * recordFromResult, refusing a run that holds an infinite value: Infinity must never reach a result
 * file (NaN is stored as null, "absent"). Throws an Error naming the run, the table and field, and
 * the step (day) or miner, so the run is recorded as failed with that message.
 */
export function checkedRecordFromResult(r: RunResult): RunRecord {
  const bad = (v: number | null | undefined): boolean => typeof v === 'number' && (v === Infinity || v === -Infinity);
  for (const [k, v] of Object.entries(r.summary)) {
    if (bad(v)) throw new Error(`run ${r.runIndex}: runs.${k} is ${v} (an overflow; Infinity is never written to a result file)`);
  }
  for (const m of r.miners) {
    for (const [k, v] of Object.entries(m.values)) {
      if (bad(v)) throw new Error(`run ${r.runIndex}, miner "${m.name}": miners.${k} is ${v} (an overflow; Infinity is never written to a result file)`);
    }
  }
  for (const [k, a] of Object.entries(r.series)) {
    for (let i = 0; i < a.length; i++) {
      if (bad(a[i])) {
        throw new Error(`run ${r.runIndex}, step ${i} (day ${r.sampleDays[i]}): series.${k} is ${a[i]} (an overflow; Infinity is never written to a result file)`);
      }
    }
  }
  return recordFromResult(r);
}

export function recordFromError(runIndex: number, err: unknown): RunRecord {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    runIndex,
    status: 'error',
    error: e.message || e.name || 'error',
    stack: e.stack ?? null,
    sampleDays: new Float64Array(0),
    series: {},
    summary: {},
    miners: [],
    agents: null,
  };
}

// ---- spool encoding: a chunk file holds consecutive runs; exact float64 bytes, no rounding ----

// Version 2: records carry the named miners' series (agents).
const MAGIC = 'HSSPOOL2';

interface Header {
  r: number;
  st: 'ok' | 'error';
  e: string | null;
  k: string | null;
  n: number;
  sk: string[];
  s: Record<string, number | string | null>;
  m: { name: string; status: string; values: Record<string, number | string | null> }[];
  /** agents: names, samples, status vocabulary, value keys; status codes and values follow the series floats. */
  a: { n: string[]; j: number; sn: string[]; k: string[] } | null;
}

// JSON has no Infinity/NaN: non-finite numbers travel as their String() form.
function encNum(v: number | null): number | string | null {
  return v === null || Number.isFinite(v) ? v : String(v);
}
function decNum(v: number | string | null): number | null {
  return typeof v === 'string' ? Number(v) : v;
}
function encMap(m: Readonly<Record<string, number | null>>): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const [k, v] of Object.entries(m)) out[k] = encNum(v);
  return out;
}
function decMap(m: Record<string, number | string | null>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(m)) out[k] = decNum(v);
  return out;
}

export function encodeRecords(records: readonly RunRecord[]): Buffer {
  const parts: Buffer[] = [Buffer.from(MAGIC, 'latin1')];
  const count = Buffer.alloc(4);
  count.writeUInt32LE(records.length);
  parts.push(count);
  for (const r of records) {
    const keys = Object.keys(r.series);
    const n = r.sampleDays.length;
    for (const k of keys) {
      if (r.series[k]!.length !== n) {
        throw new Error(`run ${r.runIndex}: series ${k} has ${r.series[k]!.length} values, sampleDays has ${n}`);
      }
    }
    const header: Header = {
      r: r.runIndex,
      st: r.status,
      e: r.error,
      k: r.stack,
      n,
      sk: keys,
      s: encMap(r.summary),
      m: r.miners.map((m) => ({ name: m.name, status: m.status, values: encMap(m.values) })),
      a: r.agents
        ? { n: [...r.agents.names], j: r.agents.samples, sn: [...r.agents.statusNames], k: Object.keys(r.agents.values) }
        : null,
    };
    const hb = Buffer.from(JSON.stringify(header), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(hb.length);
    parts.push(len, hb);
    const floats = new Float64Array(n * (keys.length + 1));
    floats.set(r.sampleDays, 0);
    keys.forEach((k, i) => floats.set(r.series[k]!, n * (i + 1)));
    parts.push(Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength));
    if (r.agents && header.a) {
      const size = r.agents.names.length * r.agents.samples;
      if (r.agents.status.length !== size) throw new Error(`run ${r.runIndex}: agents status has ${r.agents.status.length} values, expected ${size}`);
      const af = new Float64Array(size * header.a.k.length);
      header.a.k.forEach((k, i) => {
        const col = r.agents!.values[k]!;
        if (col.length !== size) throw new Error(`run ${r.runIndex}: agents ${k} has ${col.length} values, expected ${size}`);
        af.set(col, size * i);
      });
      parts.push(Buffer.from(r.agents.status.buffer, r.agents.status.byteOffset, r.agents.status.byteLength));
      parts.push(Buffer.from(af.buffer, af.byteOffset, af.byteLength));
    }
  }
  return Buffer.concat(parts);
}

/**
 * What a chunk's runs hold besides their series (status, error, summary, miners): the runs and
 * miners tables are encoded from this small text, not from the chunk (a spool sidecar).
 */
export function encodeRecordHeaders(records: readonly RunRecord[]): string {
  return JSON.stringify(
    records.map((r) => ({ r: r.runIndex, st: r.status, e: r.error, k: r.stack, s: encMap(r.summary), m: r.miners.map((m) => ({ name: m.name, status: m.status, values: encMap(m.values) })) })),
  );
}

/** Records from encodeRecordHeaders: no series, sample days or agents. */
export function decodeRecordHeaders(text: string): RunRecord[] {
  const hs = JSON.parse(text) as Pick<Header, 'r' | 'st' | 'e' | 'k' | 's' | 'm'>[];
  return hs.map((h) => ({
    runIndex: h.r,
    status: h.st,
    error: h.e,
    stack: h.k,
    sampleDays: new Float64Array(0),
    series: {},
    summary: decMap(h.s),
    miners: h.m.map((m) => ({ name: m.name, status: m.status, values: decMap(m.values) })),
  }));
}

/**
 * Runs of a spool chunk. `runIndexes` (optional): only runs in [start, end) are built, the others
 * are skipped over (their header is still parsed for its sizes).
 */
export function decodeRecords(
  buf: Buffer,
  what = 'spool chunk',
  runIndexes?: { start: number; end: number },
  /** Only what the header holds (status, summary, miners): no series, sample days or agents. */
  headerOnly = false,
): RunRecord[] {
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${what}: not a hashsim spool file`);
  const count = buf.readUInt32LE(8);
  let off = 12;
  const out: RunRecord[] = [];
  for (let i = 0; i < count; i++) {
    if (off + 4 > buf.length) throw new Error(`${what}: truncated`);
    const hl = buf.readUInt32LE(off);
    off += 4;
    const h = JSON.parse(buf.toString('utf8', off, off + hl)) as Header;
    off += hl;
    const nFloats = h.n * (h.sk.length + 1);
    const bytes = nFloats * 8;
    if (off + bytes > buf.length) throw new Error(`${what}: truncated`);
    const skip = runIndexes !== undefined && (h.r < runIndexes.start || h.r >= runIndexes.end);
    if (skip || headerOnly) {
      off += bytes;
      if (h.a) {
        const size = h.a.n.length * h.a.j;
        off += size + size * 8 * h.a.k.length;
        if (off > buf.length) throw new Error(`${what}: truncated`);
      }
      if (!skip) {
        out.push({
          runIndex: h.r,
          status: h.st,
          error: h.e,
          stack: h.k,
          sampleDays: new Float64Array(0),
          series: {},
          summary: decMap(h.s),
          miners: h.m.map((m) => ({ name: m.name, status: m.status, values: decMap(m.values) })),
        });
      }
      continue;
    }
    const floats = new Float64Array(nFloats);
    Buffer.from(floats.buffer).set(buf.subarray(off, off + bytes));
    off += bytes;
    const series: Record<string, Float64Array> = {};
    h.sk.forEach((k, j) => (series[k] = floats.subarray(h.n * (j + 1), h.n * (j + 2))));
    let agents: AgentSeries | null = null;
    if (h.a) {
      const size = h.a.n.length * h.a.j;
      if (off + size + size * 8 * h.a.k.length > buf.length) throw new Error(`${what}: truncated`);
      const status = Uint8Array.from(buf.subarray(off, off + size));
      off += size;
      const af = new Float64Array(size * h.a.k.length);
      Buffer.from(af.buffer).set(buf.subarray(off, off + af.byteLength));
      off += af.byteLength;
      const values: Record<string, Float64Array> = {};
      h.a.k.forEach((k, i) => (values[k] = af.subarray(size * i, size * (i + 1))));
      agents = { names: h.a.n, samples: h.a.j, statusNames: h.a.sn, status, values };
    }
    out.push({
      runIndex: h.r,
      status: h.st,
      error: h.e,
      stack: h.k,
      sampleDays: floats.subarray(0, h.n),
      series,
      summary: decMap(h.s),
      miners: h.m.map((m) => ({ name: m.name, status: m.status, values: decMap(m.values) })),
      ...(agents ? { agents } : {}),
    });
  }
  if (off !== buf.length) throw new Error(`${what}: trailing bytes`);
  return out;
}
