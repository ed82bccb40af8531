// Piscina task module (run on a batch's worker threads next to the simulation tasks): encodes one
// row group of one table from the spool's chunk files, or one row group of bands.parquet from the
// series groups' band values. Writes the piece into the spool; the main thread splices the pieces.
import { readFileSync, writeFileSync } from 'node:fs';
import { BandValuesEncoder, encodeBandsGroup, GroupEncoder, type BandValuesFile, type SetIdentity, type TableName } from './encode.ts';
import { decodeRecordHeaders, decodeRecords, type RunRecord } from './record.ts';

/** A chunk's runs; for the runs and miners tables only their headers, from the sidecar when there is one. */
function chunkRecords(path: string, task: TableGroupTask): RunRecord[] {
  const headerOnly = task.table === 'runs' || task.table === 'miners';
  if (headerOnly) {
    let text: string | null = null;
    try {
      text = readFileSync(path.replace(/\.bin$/, '.hdr.json'), 'utf8');
    } catch {
      text = null; // a spool from before the sidecar: read the chunk
    }
    if (text !== null) return decodeRecordHeaders(text);
  }
  return decodeRecords(readFileSync(path), path, task, headerOnly);
}

export interface TableGroupTask {
  readonly kind: 'table';
  readonly table: TableName;
  /** Runs [start, end) of the group. */
  readonly start: number;
  readonly end: number;
  /** Spool chunk files holding those runs, in order. */
  readonly chunks: readonly string[];
  readonly keys: readonly string[];
  readonly id: SetIdentity;
  /** Piece file to write (not written when the group has no rows). */
  readonly out: string;
  /** Series only: where the group's band values go. */
  readonly bandsOut?: string;
}

export interface BandsGroupTask {
  readonly kind: 'bands';
  readonly files: readonly BandValuesFile[];
  readonly keys: readonly string[];
  readonly id: SetIdentity;
  /** Steps [start, end). */
  readonly start: number;
  readonly end: number;
  readonly memoryBytes: number;
  readonly out: string;
}

export type EncodeTask = TableGroupTask | BandsGroupTask;

export interface EncodeReply {
  /** Rows written (0: no piece). */
  readonly rows: number;
  readonly bands?: { readonly okRuns: number; readonly steps: number } | null;
  /** Time the task took on its worker (ms). */
  readonly ms: number;
}

export default function encodeTask(task: EncodeTask): EncodeReply {
  const t0 = performance.now();
  if (task.kind === 'bands') {
    const bytes = encodeBandsGroup(task.files, task.keys, task.id, task.start, task.end, task.memoryBytes);
    if (bytes) writeFileSync(task.out, bytes);
    return { rows: bytes ? 1 : 0, ms: performance.now() - t0 };
  }
  const enc = new GroupEncoder(task.table, task.keys, task.id);
  const bands = task.bandsOut ? new BandValuesEncoder(task.keys) : null;
  let next = task.start;
  for (const path of task.chunks) {
    for (const r of chunkRecords(path, task)) {
      if (r.runIndex < task.start || r.runIndex >= task.end) continue;
      if (r.runIndex !== next) throw new Error(`${path}: run ${r.runIndex} where run ${next} was expected`);
      next++;
      enc.add(r);
      bands?.add(r);
    }
  }
  if (next !== task.end) throw new Error(`runs ${next}-${task.end - 1} are missing from the spool`);
  const rows = enc.rows;
  const bytes = enc.finish();
  if (bytes) writeFileSync(task.out, bytes);
  const bv = bands?.finish() ?? null;
  if (bv) writeFileSync(task.bandsOut!, bv.bytes);
  return { rows, bands: bv ? { okRuns: bv.okRuns, steps: bv.steps } : null, ms: performance.now() - t0 };
}
