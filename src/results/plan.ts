import type { SweepPointInfo } from './manifest.ts';
import type { RunRecord } from './record.ts';

/**
 * The plan of a result set's tables, without the Parquet machinery (cheap to load on a batch's main
 * thread): the set's identity columns, row groups of whole runs, metric key order.
 */

/** Rows a row group reaches before it closes (it ends on a run boundary, so it may hold more). */
export const ROW_GROUP_ROWS = 65_536;

/** Default memory for the values of one bands window; more runs x steps than fit take several windows. */
export const DEFAULT_BANDS_MEMORY_BYTES = 128 * 1024 * 1024;

export type TableName = 'runs' | 'series' | 'miners' | 'agents';
export const TABLE_NAMES: readonly TableName[] = ['runs', 'series', 'miners', 'agents'];

/** Columns naming the set a row belongs to, first in every table: rows of several sets concatenate and join. */
export const SET_COLUMNS = ['scenario', 'scenario_sha256', 'seed'] as const;

/** What every row of a set carries: the set-identifying columns and the scenario's start day. */
export interface SetIdentity {
  readonly scenario: string;
  readonly scenarioSha256: string;
  readonly seed: string;
  /** Sweep columns (after the set columns): name, type and the value of this set. */
  readonly sweepColumns: readonly { name: string; type: 'utf8' | 'int32' | 'float64'; value: string | number | null }[];
  /** UTC start date as days since 1970-01-01 (the `date` of day offset 0). */
  readonly startEpochDay: number;
}

const DEFAULT_START_DATE = '2026-03-01';

export function setIdentity(m: { scenario: { name: string; sha256: string; resolved: unknown }; seed: string | number; sweep?: SweepPointInfo }): SetIdentity {
  const start = (m.scenario.resolved as { start?: { date?: unknown } } | null)?.start?.date;
  const date = typeof start === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(start) ? start : DEFAULT_START_DATE;
  const sweepColumns: SetIdentity['sweepColumns'][number][] = [];
  if (m.sweep) {
    sweepColumns.push({ name: 'sweep', type: 'utf8', value: m.sweep.name }, { name: 'sweep_point', type: 'int32', value: m.sweep.point });
    for (const [path, v] of Object.entries(m.sweep.values)) {
      sweepColumns.push(
        typeof v === 'number'
          ? { name: `param.${path}`, type: 'float64', value: v }
          : { name: `param.${path}`, type: 'utf8', value: typeof v === 'string' ? v : JSON.stringify(v) },
      );
    }
  }
  return { scenario: m.scenario.name, scenarioSha256: m.scenario.sha256, seed: String(m.seed), sweepColumns, startEpochDay: Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000) };
}

/** UTC date of a day offset, as days since 1970-01-01 (a step's date: the start date plus its whole days). */
export function epochDayOf(id: SetIdentity, day: number): number {
  return id.startEpochDay + Math.floor(day);
}

/** Rows a run adds to each table (0 for a failed run except in runs). */
export function rowsOfRun(r: RunRecord): Record<TableName, number> {
  const ok = r.status === 'ok';
  return {
    runs: 1,
    series: r.sampleDays.length,
    miners: r.miners.length,
    agents: ok && r.agents ? Math.min(r.agents.samples, r.sampleDays.length) * r.agents.names.length : 0,
  };
}

/** Metric keys of a run per table, in order (what the scan of a set collects). */
export function keysOfRun(r: RunRecord): Record<TableName, string[]> {
  if (r.status !== 'ok') return { runs: [], series: [], miners: [], agents: [] };
  const miners: string[] = [];
  const seen = new Set<string>();
  for (const m of r.miners) {
    for (const k of Object.keys(m.values)) {
      if (!seen.has(k)) {
        seen.add(k);
        miners.push(k);
      }
    }
  }
  return { runs: Object.keys(r.summary), series: Object.keys(r.series), miners, agents: r.agents ? Object.keys(r.agents.values) : [] };
}

/** Keys in order of first appearance over lists added in order. */
export class KeyOrder {
  private readonly seen = new Set<string>();
  readonly keys: string[] = [];
  add(ks: Iterable<string>): void {
    for (const k of ks) {
      if (!this.seen.has(k)) {
        this.seen.add(k);
        this.keys.push(k);
      }
    }
  }
}

/**
 * Cuts runs (fed in run-index order with their row counts) into row groups: a group closes after
 * the run that brings it to `target` rows or more; the last group closes at the end of the set.
 */
export class GroupPlanner {
  private start: number;
  private rows = 0;
  constructor(
    start: number,
    private readonly target = ROW_GROUP_ROWS,
  ) {
    this.start = start;
  }
  /** Feeds the next run; returns the group it closes, if any. */
  feed(runIndex: number, rows: number): { start: number; end: number; rows: number } | null {
    this.rows += rows;
    if (this.rows < this.target) return null;
    const g = { start: this.start, end: runIndex + 1, rows: this.rows };
    this.start = runIndex + 1;
    this.rows = 0;
    return g;
  }
  /** The last group (ending at `end`), if it has rows. */
  finish(end: number): { start: number; end: number; rows: number } | null {
    const g = this.rows > 0 ? { start: this.start, end, rows: this.rows } : null;
    this.start = end;
    this.rows = 0;
    return g;
  }
}

/** Steps per row group of bands.parquet (a group ends after a whole step). */
export function bandStepsPerGroup(nKeys: number): number {
  return Math.max(1, Math.ceil(BANDS_GROUP_ROWS / Math.max(1, nKeys)));
}

/**
 * Rows a row group of bands.parquet reaches (a group ends after a whole step). Smaller than the
 * other tables': each group is one task after the last run (exact quantiles need every run), and
 * several groups compute in parallel; the table is small (steps x metrics rows).
 */
export const BANDS_GROUP_ROWS = 16_384;

