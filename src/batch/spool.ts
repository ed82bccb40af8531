import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../results/manifest.ts';
import { decodeRecords, encodeRecordHeaders, encodeRecords, type RunRecord } from '../results/record.ts';
import type { RunSource } from '../results/assemble.ts';
import { KeyOrder, keysOfRun, rowsOfRun, TABLE_NAMES, type TableName } from '../results/plan.ts';

/**
 * The spool of an unfinished batch: `<out>/.partial/job.json` (what is being computed) and one file
 * per finished chunk of runs, `chunk-<start>-<end>.bin` holding runs [start, end). Each chunk is
 * written to a temporary name, fsync'd and renamed, so after a crash every chunk file present is
 * complete; leftovers `*.tmp-*` are deleted on resume.
 */
export const SPOOL_DIR = '.partial';
export const JOB_FILE = 'job.json';

export interface SpoolJob {
  readonly scenarioSha256: string;
  readonly seed: string | number;
  readonly runs: number;
  readonly start: number;
  readonly end: number;
}

export interface ChunkFile {
  readonly start: number;
  readonly end: number;
  readonly path: string;
}

const pad = (n: number): string => String(n).padStart(10, '0');

export function chunkName(start: number, end: number): string {
  return `chunk-${pad(start)}-${pad(end)}.bin`;
}

/**
 * What the main thread needs of a chunk's runs to plan the result set's row groups without reading
 * the runs: per run its status, error and rows per table; the chunk's metric keys per table (in
 * order of first appearance). Written next to the chunk (`chunk-<start>-<end>.idx.json`), before it.
 */
export interface ChunkIndex {
  readonly runs: readonly { readonly runIndex: number; readonly ok: boolean; readonly error: string | null; readonly rows: Readonly<Record<TableName, number>> }[];
  readonly keys: Readonly<Record<TableName, readonly string[]>>;
}

export function chunkIndexOf(records: readonly RunRecord[]): ChunkIndex {
  const keys = { runs: new KeyOrder(), series: new KeyOrder(), miners: new KeyOrder(), agents: new KeyOrder() };
  const runs = records.map((r) => {
    const k = keysOfRun(r);
    for (const t of TABLE_NAMES) keys[t].add(k[t]);
    return { runIndex: r.runIndex, ok: r.status === 'ok', error: r.status === 'ok' ? null : (r.error ?? 'error'), rows: rowsOfRun(r) };
  });
  return { runs, keys: { runs: keys.runs.keys, series: keys.series.keys, miners: keys.miners.keys, agents: keys.agents.keys } };
}

const indexPathOf = (chunkPath: string) => chunkPath.replace(/\.bin$/, '.idx.json');
/** The runs' headers (status, summary, miners) beside a chunk: what the runs and miners tables are encoded from. */
export const headersPathOf = (chunkPath: string) => chunkPath.replace(/\.bin$/, '.hdr.json');

export async function writeChunk(spool: string, start: number, end: number, records: readonly RunRecord[]): Promise<string> {
  const path = join(spool, chunkName(start, end));
  // the sidecars first: a chunk present always has them
  await atomicWrite(headersPathOf(path), encodeRecordHeaders(records));
  await atomicWrite(indexPathOf(path), JSON.stringify(chunkIndexOf(records)));
  await atomicWrite(path, encodeRecords(records));
  syncDir(spool);
  return path;
}

/** A chunk's index (from its file, or from the runs when it has none). */
export async function readChunkIndex(chunk: ChunkFile): Promise<ChunkIndex> {
  let index: ChunkIndex | null = null;
  try {
    index = JSON.parse(await readFile(indexPathOf(chunk.path), 'utf8')) as ChunkIndex;
  } catch {
    index = null;
  }
  if (!index || !Array.isArray(index.runs)) index = chunkIndexOf(decodeRecords(await readFile(chunk.path), chunk.path));
  const got = index.runs.map((r) => r.runIndex);
  if (got.length !== chunk.end - chunk.start || got.some((r, i) => r !== chunk.start + i)) {
    throw new Error(`${chunk.path}: holds runs ${got.join(', ')}, expected ${chunk.start}-${chunk.end - 1}`);
  }
  return index;
}

/** fsync a directory so a rename inside it survives a power loss (best effort: not all FS allow it). */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // directories cannot be fsync'd on some platforms; the rename is still atomic
  }
}

export async function readJob(spool: string): Promise<SpoolJob | null> {
  try {
    return JSON.parse(await readFile(join(spool, JOB_FILE), 'utf8')) as SpoolJob;
  } catch {
    return null;
  }
}

export async function startSpool(spool: string, job: SpoolJob): Promise<void> {
  await rm(spool, { recursive: true, force: true });
  await mkdir(spool, { recursive: true });
  await atomicWrite(join(spool, JOB_FILE), `${JSON.stringify(job, null, 2)}\n`);
  syncDir(spool);
}

/** Finished chunks, sorted by start; deletes unfinished temporary files. Overlaps are an error. */
export async function listChunks(spool: string): Promise<ChunkFile[]> {
  const out: ChunkFile[] = [];
  for (const name of await readdir(spool)) {
    if (name.includes('.tmp-')) {
      await rm(join(spool, name), { force: true });
      continue;
    }
    const m = /^chunk-(\d+)-(\d+)\.bin$/.exec(name);
    if (m) out.push({ start: Number(m[1]), end: Number(m[2]), path: join(spool, name) });
  }
  out.sort((a, b) => a.start - b.start);
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.start < out[i - 1]!.end) throw new Error(`${spool}: overlapping chunks ${out[i - 1]!.path} and ${out[i]!.path}`);
  }
  return out;
}

/** Run indexes of [start, end) not covered by any chunk, as ranges. */
export function missingRanges(chunks: readonly ChunkFile[], start: number, end: number): { start: number; end: number }[] {
  const gaps: { start: number; end: number }[] = [];
  let at = start;
  for (const c of chunks) {
    if (c.end <= at) continue;
    if (c.start > at) gaps.push({ start: at, end: Math.min(c.start, end) });
    at = Math.max(at, c.end);
    if (at >= end) break;
  }
  if (at < end) gaps.push({ start: at, end });
  return gaps.filter((g) => g.end > g.start);
}

/** The spool's finished chunks as a RunSource (re-lists the folder on each pass). */
export function spoolSource(spool: string): RunSource {
  return {
    description: spool,
    async *records() {
      for (const c of await listChunks(spool)) {
        yield* decodeRecords(await readFile(c.path), c.path);
      }
    },
  };
}
