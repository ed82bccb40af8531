import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Piscina } from 'piscina';
import { HashsimError } from '../errors.ts';
import type { EncodeReply, EncodeTask, TableGroupTask } from '../results/encode-worker.ts';
import type { ScanResult } from '../results/assemble.ts';
import { bandStepsPerGroup, GroupPlanner, KeyOrder, TABLE_NAMES, type SetIdentity, type TableName } from '../results/plan.ts';
import { readChunkIndex, type ChunkFile, type ChunkIndex } from './spool.ts';

/**
 * The main thread's side of a batch's result set: as chunks of runs land in the spool it plans the
 * tables' row groups (from the chunks' indexes: row counts and metric keys, no run is read here) and
 * hands each group to the worker pool as an encoding task; at the end it checks the groups' columns
 * against the set's, has the bands computed (also in the pool), and returns the pieces in order for
 * finishResultSet to splice. Encoding runs on the workers while they also simulate; the main thread
 * only orders and appends.
 */

export interface TablePiecesOut {
  readonly pieces: Record<TableName | 'bands', string[]>;
  /** Worker time spent encoding: tables (per table) and bands, seconds. */
  readonly encodeSeconds: Readonly<Record<TableName | 'bands', number>>;
  readonly scan: ScanResult;
}

interface GroupJob {
  readonly table: TableName;
  readonly start: number;
  readonly end: number;
  keys: readonly string[];
  result: Promise<EncodeReply>;
}

const pad = (n: number) => String(n).padStart(10, '0');
const PIECE_RE = /^(piece-|bandv-)/;

export class BatchAssembly {
  private readonly n: number;
  private readonly index: (ChunkIndex | undefined)[] = [];
  private readonly chunkAt = new Map<number, ChunkFile>();
  private readonly chunks: ChunkFile[] = [];
  private cursor: number;
  private readonly planners: Record<TableName, GroupPlanner>;
  private readonly prefixKeys: Record<TableName, KeyOrder>;
  private readonly jobs: Record<TableName, GroupJob[]> = { runs: [], series: [], miners: [], agents: [] };

  constructor(
    private readonly o: {
      readonly pool: Piscina;
      /** File URL of the encode task module (results/encode-worker). */
      readonly filename: string;
      readonly spool: string;
      readonly range: { readonly start: number; readonly end: number };
      readonly id: SetIdentity;
      readonly bandsMemoryBytes: number;
    },
  ) {
    this.n = o.range.end - o.range.start;
    this.cursor = o.range.start;
    this.planners = { runs: new GroupPlanner(o.range.start), series: new GroupPlanner(o.range.start), miners: new GroupPlanner(o.range.start), agents: new GroupPlanner(o.range.start) };
    this.prefixKeys = { runs: new KeyOrder(), series: new KeyOrder(), miners: new KeyOrder(), agents: new KeyOrder() };
  }

  /** Drops pieces an earlier process left (they are encoded again) and takes the chunks already there. */
  async init(existing: readonly ChunkFile[]): Promise<void> {
    for (const name of await readdir(this.o.spool)) {
      if (PIECE_RE.test(name)) await rm(join(this.o.spool, name), { force: true });
    }
    for (const c of existing) await this.addChunk(c);
  }

  /** A chunk of runs is in the spool: plan and start the row groups it completes. */
  async addChunk(c: ChunkFile): Promise<void> {
    const idx = await readChunkIndex(c);
    this.chunkAt.set(c.start, c);
    this.chunks.push(c);
    this.chunks.sort((a, b) => a.start - b.start);
    this.index[c.start - this.o.range.start] = idx;
    this.advance();
  }

  private advance(): void {
    const { start } = this.o.range;
    while (this.cursor < this.o.range.end) {
      const c = this.chunkAt.get(this.cursor);
      if (!c) return;
      const idx = this.index[c.start - start]!;
      for (const t of TABLE_NAMES) this.prefixKeys[t].add(idx.keys[t]);
      for (const run of idx.runs) {
        for (const t of TABLE_NAMES) {
          const g = this.planners[t].feed(run.runIndex, run.rows[t]);
          if (g) this.dispatch(t, g.start, g.end, [...this.prefixKeys[t].keys]);
        }
      }
      this.cursor = c.end;
    }
  }

  private chunksOf(start: number, end: number): string[] {
    return this.chunks.filter((c) => c.end > start && c.start < end).map((c) => c.path);
  }

  private run(task: EncodeTask): Promise<EncodeReply> {
    const p = this.o.pool.run(task, { filename: this.o.filename }) as Promise<EncodeReply>;
    p.catch(() => undefined); // awaited in finish(); a batch that fails earlier drops it
    return p;
  }

  private taskOf(table: TableName, start: number, end: number, keys: readonly string[]): TableGroupTask {
    return {
      kind: 'table',
      table,
      start,
      end,
      chunks: this.chunksOf(start, end),
      keys,
      id: this.o.id,
      out: join(this.o.spool, `piece-${table}-${pad(start)}-${pad(end)}.parquet`),
      ...(table === 'series' ? { bandsOut: join(this.o.spool, `bandv-${pad(start)}-${pad(end)}.bin`) } : {}),
    };
  }

  private dispatch(table: TableName, start: number, end: number, keys: readonly string[]): void {
    this.jobs[table].push({ table, start, end, keys, result: this.run(this.taskOf(table, start, end, keys)) });
  }

  /** After the last chunk: the last groups, columns checked, bands; the pieces in order. */
  async finish(): Promise<TablePiecesOut> {
    const { range } = this.o;
    if (this.cursor !== range.end) throw new HashsimError(`${this.o.spool}: runs ${this.cursor}-${range.end - 1} are missing`, 1);
    for (const t of TABLE_NAMES) {
      const g = this.planners[t].finish(range.end);
      if (g) this.dispatch(t, g.start, g.end, [...this.prefixKeys[t].keys]);
    }
    // The set's columns are the keys of all its runs; a group encoded with fewer (a key first seen
    // after it closed) is encoded again with the set's.
    const keys = Object.fromEntries(TABLE_NAMES.map((t) => [t, this.prefixKeys[t].keys])) as unknown as Record<TableName, readonly string[]>;
    for (const t of TABLE_NAMES) {
      for (const j of this.jobs[t]) {
        if (j.keys.length !== keys[t].length || j.keys.some((k, i) => k !== keys[t][i])) {
          j.keys = keys[t];
          const prev = j.result;
          j.result = prev.then(() => this.run(this.taskOf(t, j.start, j.end, keys[t])));
        }
      }
    }
    const pieces: Record<TableName | 'bands', string[]> = { runs: [], series: [], miners: [], agents: [], bands: [] };
    const bandFiles: { path: string; okRuns: number; steps: number }[] = [];
    const encodeSeconds = { runs: 0, series: 0, miners: 0, agents: 0, bands: 0 };
    const collect = async (t: TableName) => {
      for (const j of this.jobs[t]) {
        const reply = await j.result;
        encodeSeconds[t] += reply.ms / 1000;
        const task = this.taskOf(t, j.start, j.end, j.keys);
        if (reply.rows > 0) pieces[t].push(task.out);
        if (reply.bands) bandFiles.push({ path: task.bandsOut!, okRuns: reply.bands.okRuns, steps: reply.bands.steps });
      }
    };
    let ok = 0;
    let maxSteps = 0;
    const failedRuns: { runIndex: number; error: string }[] = [];
    for (const idx of this.index) {
      if (!idx) continue;
      for (const r of idx.runs) {
        if (r.ok) {
          ok++;
          maxSteps = Math.max(maxSteps, r.rows.series);
        } else failedRuns.push({ runIndex: r.runIndex, error: r.error ?? 'error' });
      }
    }
    // bands need every series group; they start as soon as those are done (one task per row group
    // of steps, over every series group's values), while the other tables' last groups finish
    await collect('series');
    const nKeys = keys.series.length;
    const bandJobs: { out: string; result: Promise<EncodeReply> }[] = [];
    if (ok > 0 && nKeys > 0) {
      const per = bandStepsPerGroup(nKeys);
      for (let s = 0; s < maxSteps; s += per) {
        const e = Math.min(maxSteps, s + per);
        const out = join(this.o.spool, `piece-bands-${pad(s)}-${pad(e)}.parquet`);
        bandJobs.push({
          out,
          result: this.run({ kind: 'bands', files: bandFiles, keys: keys.series, id: this.o.id, start: s, end: e, memoryBytes: this.o.bandsMemoryBytes, out }),
        });
      }
    }
    for (const t of ['runs', 'miners', 'agents'] as const) await collect(t);
    for (const b of bandJobs) {
      const reply = await b.result;
      encodeSeconds.bands += reply.ms / 1000;
      if (reply.rows > 0) pieces.bands.push(b.out);
    }
    if (this.index.filter(Boolean).reduce((n, idx) => n + idx!.runs.length, 0) !== this.n) throw new HashsimError(`${this.o.spool}: runs are missing`, 1);
    return {
      pieces,
      encodeSeconds,
      scan: { summaryKeys: keys.runs, seriesKeys: keys.series, minerKeys: keys.miners, agentKeys: keys.agents, ok, failedRuns, maxSteps },
    };
  }
}
