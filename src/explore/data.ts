// What the explorer page embeds: per-run summaries, per-run series (sampled steps, quantised) and
// named-miner outcomes of a result set, two sets of a comparison, or the points of a sweep.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { HashsimError } from '../errors.ts';
import { readManifest, type Manifest } from '../results/manifest.ts';
import { readParquetFile, readParquetInfo, readParquetRowGroups, type ColumnValues, type ParquetData } from '../results/parquet.ts';
import { RESULT_FILES } from '../results/layout.ts';

/** Series columns that are bookkeeping, not something to look at over time. */
const NOT_SERIES = new Set(['run_index', 'step', 'day', 'block_height', 'height', 'bits', 'exits']);
const RUNS_FIXED = new Set(['run_index', 'status', 'error', 'error_stack']);
const MINERS_FIXED = new Set(['run_index', 'miner_index', 'miner', 'status']);
/** Per-step named-miner tables another part of hashsim may write; the first one present is shown. */
export const MINER_SERIES_FILES = ['agents.parquet', 'miner_series.parquet', 'miners_series.parquet'] as const;

/** Code 65535 marks a missing value (null, NaN or ±Infinity) in a quantised series. */
export const MISSING = 65535;

/**
 * One series metric of every embedded run at the sampled steps, quantised to 16 bits over its own
 * range: value = min + code * scale. The error is at most scale / 2 = (max - min) / 131068, far
 * below what a chart shows, and it halves the page against float32 (a 1,000-run set stays small).
 */
export interface SeriesBlock {
  readonly metric: string;
  readonly min: number;
  readonly scale: number;
  /** base64 of little-endian uint16 codes, run-major: runs x points. */
  readonly data: string;
}

export interface MinerOutcomes {
  readonly name: string;
  /** Final status per embedded run (aligned with SetPayload.runs), null if the run has no row. */
  readonly status: readonly (string | null)[];
  /** Outcome value columns, each aligned with SetPayload.runs. */
  readonly values: Readonly<Record<string, readonly (number | null)[]>>;
}

export interface SetPayload {
  readonly label: string;
  readonly scenario: string;
  readonly seed: string | number;
  /** Runs of the whole batch (the --runs of the command that made it). */
  readonly batchRuns: number;
  readonly failedRuns: number;
  readonly startDate: string;
  readonly scenarioSha256: string;
  /** Run indexes of the ok runs, ascending: every per-run array below is aligned with it. */
  readonly runs: readonly number[];
  readonly summaries: ReadonlyArray<{ readonly metric: string; readonly values: readonly (number | null)[] }>;
  /** Day offsets of the sampled steps shown (every k-th sampled step and the last). */
  readonly days: readonly number[];
  readonly series: readonly SeriesBlock[];
  /** Runs whose series are embedded (all ok runs unless capped): index into `runs`. */
  readonly seriesRuns: readonly number[];
  readonly miners: readonly MinerOutcomes[];
  /** Per-named-miner series metrics ("<miner> · <column>") when the set has such a table. */
  readonly minerSeries: ReadonlyArray<SeriesBlock & { readonly miner: string; readonly column: string }>;
  /** Which per-step miner table was found (null: none, only final outcomes are shown). */
  readonly minerSeriesFile: string | null;
}

export interface SweepPointPayload {
  readonly point: number;
  readonly dir: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly set: SetPayload;
}

export type ExplorePayload =
  | { readonly kind: 'set'; readonly title: string; readonly sets: readonly [SetPayload] }
  | { readonly kind: 'compare'; readonly title: string; readonly paired: boolean; readonly sets: readonly [SetPayload, SetPayload] }
  | { readonly kind: 'sweep'; readonly title: string; readonly parameters: readonly string[]; readonly points: readonly SweepPointPayload[] };

export interface EmbedOptions {
  /** Most sampled steps per series (default 120); the last step is always kept. */
  readonly maxPoints?: number;
  /** Most runs whose series are embedded (default: all); summaries of every run are always embedded. */
  readonly maxRuns?: number;
}

const isNum = (c: ColumnValues | undefined): c is Float64Array | Int32Array => c instanceof Float64Array || c instanceof Int32Array;
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Every k-th of n positions and the last one, k chosen so that at most max remain. */
export function thinPositions(n: number, max: number): number[] {
  if (n <= 0) return [];
  const k = Math.max(1, Math.ceil(n / Math.max(2, max)));
  const out: number[] = [];
  for (let i = 0; i < n; i += k) out.push(i);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

/** Quantises runs x points values (NaN = missing) into a SeriesBlock. */
export function quantise(metric: string, values: Float64Array): SeriesBlock {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) [min, max] = [0, 0];
  const scale = max > min ? (max - min) / (MISSING - 1) : 1;
  const codes = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    codes[i] = Number.isFinite(v) ? Math.min(MISSING - 1, Math.round((v - min) / scale)) : MISSING;
  }
  const bytes = new Uint8Array(codes.length * 2);
  // Explicit little-endian so the page decodes the same bytes on any machine.
  for (let i = 0; i < codes.length; i++) {
    bytes[2 * i] = codes[i]! & 0xff;
    bytes[2 * i + 1] = codes[i]! >>> 8;
  }
  return { metric, min, scale, data: Buffer.from(bytes).toString('base64') };
}

/** Decodes a SeriesBlock back to numbers (NaN = missing): what the page does, for tests. */
export function dequantise(block: SeriesBlock): Float64Array {
  const bytes = Buffer.from(block.data, 'base64');
  const out = new Float64Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) {
    const c = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    out[i] = c === MISSING ? NaN : block.min + c * block.scale;
  }
  return out;
}

/** A seeded choice of `max` of n items (Fisher-Yates on mulberry32), returned ascending. */
export function sampleIndexes(n: number, max: number, seed: string): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  let a = h >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(u() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, max).sort((x, y) => x - y);
}

function startDateOf(m: Manifest): string {
  const r = m.scenario.resolved as { start?: { date?: unknown } } | null;
  return typeof r?.start?.date === 'string' ? r.start.date : '2026-03-01';
}

/** Per-run series of a long table (run_index, step, metrics...) at the given steps, NaN where missing. */
class SeriesFill {
  private readonly pos = new Map<number, number>();
  private readonly slot = new Map<number, number>();
  readonly out: Float64Array[];
  constructor(
    embedded: readonly number[],
    runs: readonly number[],
    private readonly steps: readonly number[],
    private readonly metrics: readonly string[],
  ) {
    steps.forEach((st, i) => this.pos.set(st, i));
    embedded.forEach((k, i) => this.slot.set(runs[k]!, i));
    this.out = metrics.map(() => new Float64Array(embedded.length * steps.length).fill(NaN));
  }
  /** Adds the rows of one table or row group (rows of runs not embedded are skipped). */
  add(t: ParquetData, filter?: (row: number) => boolean): void {
    const ri = t.columns.run_index as Int32Array;
    const st = t.columns.step as Int32Array;
    const cols = this.metrics.map((m) => t.columns[m] as Float64Array | Int32Array | undefined);
    const P = this.steps.length;
    for (let i = 0; i < t.numRows; i++) {
      const s = this.slot.get(ri[i]!);
      const p = this.pos.get(st[i]!);
      if (s === undefined || p === undefined) continue;
      if (filter && !filter(i)) continue;
      for (let m = 0; m < cols.length; m++) {
        const c = cols[m];
        if (c) this.out[m]![s * P + p] = c[i]!;
      }
    }
  }
}

/** Reads one result set folder into the page's form. */
export async function loadSetPayload(dir: string, options: EmbedOptions = {}, label?: string): Promise<SetPayload> {
  const abs = resolve(dir);
  const manifest = await readManifest(abs);
  for (const f of [RESULT_FILES.runs, RESULT_FILES.series, RESULT_FILES.miners]) {
    if (!existsSync(join(abs, f))) throw new HashsimError(`${join(abs, f)}: missing (expected a complete result set written by hashsim run or merge)`, 1);
  }
  const runsT = await readParquetFile(join(abs, RESULT_FILES.runs));
  const idx = runsT.columns.run_index as Int32Array;
  const status = runsT.columns.status as (string | null)[];
  const okRows: number[] = [];
  for (let i = 0; i < runsT.numRows; i++) if (status[i] === 'ok') okRows.push(i);
  okRows.sort((a, b) => idx[a]! - idx[b]!);
  const runs = okRows.map((i) => idx[i]!);
  const rowOfRun = new Map(runs.map((r, k) => [r, k]));
  const summaries = runsT.names
    .filter((n) => !RUNS_FIXED.has(n) && isNum(runsT.columns[n]))
    .map((n) => {
      const c = runsT.columns[n] as Float64Array | Int32Array;
      return { metric: n, values: okRows.map((i) => finiteOrNull(c[i]!)) };
    })
    // A metric with no value in any run (an event that never happened) has no histogram to brush.
    .filter((s) => s.values.some((v) => v !== null));

  // The step grid comes from bands.parquet (small); series.parquet is streamed a row group at a
  // time, so a 1,000-run daily set never sits decoded in memory at once.
  const dayOfStep = new Map<number, number>();
  const bandsPath = join(abs, RESULT_FILES.bands);
  const seriesPath = join(abs, RESULT_FILES.series);
  const grid = existsSync(bandsPath) ? await readParquetFile(bandsPath) : await readParquetFile(seriesPath);
  const gStep = grid.columns.step as Int32Array;
  const gDay = grid.columns.day as Float64Array;
  for (let i = 0; i < grid.numRows; i++) if (!dayOfStep.has(gStep[i]!)) dayOfStep.set(gStep[i]!, gDay[i]!);
  const allSteps = [...dayOfStep.keys()].sort((a, b) => a - b);
  const steps = thinPositions(allSteps.length, options.maxPoints ?? 120).map((i) => allSteps[i]!);
  const embedded = sampleIndexes(runs.length, options.maxRuns ?? Infinity, `${String(manifest.seed)}:series`);
  const info = await readParquetInfo(seriesPath);
  const candidates = info.columns.filter((c) => !NOT_SERIES.has(c.name) && c.type !== 'utf8').map((c) => c.name);
  const fill = new SeriesFill(embedded, runs, steps, candidates);
  for await (const g of readParquetRowGroups(seriesPath)) fill.add(g);
  const values = fill.out;
  const series: SeriesBlock[] = [];
  candidates.forEach((m, k) => {
    // A series that never changes draws a flat line; it is left out like in the report.
    const v = values[k]!;
    let first = NaN;
    let varies = false;
    for (const x of v) {
      if (!Number.isFinite(x)) continue;
      if (Number.isNaN(first)) first = x;
      else if (x !== first) {
        varies = true;
        break;
      }
    }
    if (varies) series.push(quantise(m, v));
  });

  const minersT = await readParquetFile(join(abs, RESULT_FILES.miners));
  const miners = minerOutcomes(minersT, rowOfRun, runs.length);
  const nameOfIndex = new Map<number, string>();
  const mIdx = minersT.columns.miner_index;
  const mName = minersT.columns.miner;
  if (isNum(mIdx) && Array.isArray(mName)) for (let i = 0; i < minersT.numRows; i++) if (mName[i]) nameOfIndex.set(mIdx[i]!, mName[i]!);
  const { file: minerSeriesFile, blocks: minerSeries } = await loadMinerSeries(abs, embedded, runs, steps, nameOfIndex);

  return {
    label: label ?? basename(abs),
    scenario: manifest.scenario.name,
    seed: manifest.seed,
    batchRuns: manifest.runs,
    failedRuns: manifest.failedRuns?.length ?? 0,
    startDate: startDateOf(manifest),
    scenarioSha256: manifest.scenario.sha256,
    runs,
    summaries,
    days: steps.map((s) => dayOfStep.get(s)!),
    series,
    seriesRuns: embedded,
    miners,
    minerSeries,
    minerSeriesFile,
  };
}

function minerOutcomes(t: ParquetData, rowOfRun: ReadonlyMap<number, number>, n: number): MinerOutcomes[] {
  const names = t.columns.miner as (string | null)[] | undefined;
  if (!names) return [];
  const ri = t.columns.run_index as Int32Array;
  const st = t.columns.status as (string | null)[];
  const outcomeCols = t.names.filter((c) => !MINERS_FIXED.has(c) && isNum(t.columns[c]));
  const byName = new Map<string, { status: (string | null)[]; values: Record<string, (number | null)[]> }>();
  for (let i = 0; i < t.numRows; i++) {
    const k = rowOfRun.get(ri[i]!);
    const name = names[i];
    if (k === undefined || name === null || name === undefined) continue;
    let m = byName.get(name);
    if (!m) {
      m = { status: new Array<string | null>(n).fill(null), values: Object.fromEntries(outcomeCols.map((c) => [c, new Array<number | null>(n).fill(null)])) };
      byName.set(name, m);
    }
    m.status[k] = st[i] ?? null;
    for (const c of outcomeCols) m.values[c]![k] = finiteOrNull((t.columns[c] as Float64Array)[i]!);
  }
  return [...byName].map(([name, m]) => ({ name, status: m.status, values: m.values }));
}

/**
 * Per-step named-miner series, when the set has a table with run_index, step and either a miner
 * name column or a miner_index (named through miners.parquet) (see MINER_SERIES_FILES). Sets
 * without one (every set written before such a table exists) get only final outcomes.
 */
async function loadMinerSeries(
  dir: string,
  embedded: readonly number[],
  runs: readonly number[],
  steps: readonly number[],
  nameOfIndex: ReadonlyMap<number, string>,
): Promise<{ file: string | null; blocks: Array<SeriesBlock & { miner: string; column: string }> }> {
  const file = MINER_SERIES_FILES.find((f) => existsSync(join(dir, f)));
  if (!file) return { file: null, blocks: [] };
  const t = await readParquetFile(join(dir, file));
  if (!isNum(t.columns.run_index) || !isNum(t.columns.step)) return { file: null, blocks: [] };
  const byName = t.columns.miner;
  const byIndex = t.columns.miner_index;
  let nameAt: (i: number) => string | null;
  if (Array.isArray(byName)) nameAt = (i) => byName[i] ?? null;
  else if (isNum(byIndex)) nameAt = (i) => nameOfIndex.get(byIndex[i]!) ?? `miner ${byIndex[i]}`;
  else return { file: null, blocks: [] };
  const cols = t.names.filter((c) => !MINERS_FIXED.has(c) && !NOT_SERIES.has(c) && isNum(t.columns[c]));
  const names: (string | null)[] = Array.from({ length: t.numRows }, (_, i) => nameAt(i));
  const blocks: Array<SeriesBlock & { miner: string; column: string }> = [];
  for (const miner of [...new Set(names.filter((x): x is string => x !== null))]) {
    const fill = new SeriesFill(embedded, runs, steps, cols);
    fill.add(t, (i) => names[i] === miner);
    cols.forEach((c, k) => blocks.push({ ...quantise(`${miner} · ${c}`, fill.out[k]!), miner, column: c }));
  }
  return { file, blocks };
}

/** True when dir holds compare.json written by `hashsim compare`. */
export function isCompareDir(dir: string): boolean {
  return existsSync(join(dir, 'compare.json'));
}

/** A and B folders named by a compare folder's compare.json. */
export function compareInputs(dir: string): [string, string] {
  let doc: { a?: { dir?: unknown }; b?: { dir?: unknown } };
  try {
    doc = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as typeof doc;
  } catch (e) {
    throw new HashsimError(`${join(dir, 'compare.json')}: not readable JSON (${(e as Error).message})`, 1);
  }
  const a = doc.a?.dir;
  const b = doc.b?.dir;
  if (typeof a !== 'string' || typeof b !== 'string') throw new HashsimError(`${join(dir, 'compare.json')}: expected a.dir and b.dir (the compared result sets)`, 1);
  return [resolve(dir, a), resolve(dir, b)];
}

export async function loadComparePayload(a: string, b: string, options: EmbedOptions = {}): Promise<ExplorePayload> {
  const A = await loadSetPayload(a, options, `A: ${basename(resolve(a))}`);
  const B = await loadSetPayload(b, options, `B: ${basename(resolve(b))}`);
  if (A.days.length !== B.days.length || A.days.some((d, i) => d !== B.days[i])) {
    throw new HashsimError(`cannot explore ${a} against ${b}: their sampled steps differ (${A.days.length} vs ${B.days.length} shown steps); compare sets of the same horizon and sampling`, 1);
  }
  // Same seed: run i of A and of B saw the same random draws, so per-run differences are meaningful.
  const paired = String(A.seed) === String(B.seed);
  return { kind: 'compare', title: `${A.scenario} vs ${B.scenario}`, paired, sets: [A, B] };
}

export function isSweepFolder(dir: string): boolean {
  return existsSync(join(dir, 'sweep.json')) && existsSync(join(dir, 'points'));
}

export async function loadSweepPayload(dir: string, options: EmbedOptions = {}): Promise<ExplorePayload> {
  const abs = resolve(dir);
  let doc: { name?: unknown; parameters?: unknown; points?: unknown };
  try {
    doc = JSON.parse(readFileSync(join(abs, 'sweep.json'), 'utf8')) as typeof doc;
  } catch (e) {
    throw new HashsimError(`${join(abs, 'sweep.json')}: not readable JSON (${(e as Error).message})`, 1);
  }
  const parameters = Array.isArray(doc.parameters) ? doc.parameters.filter((p): p is string => typeof p === 'string') : [];
  const pts = Array.isArray(doc.points) ? (doc.points as Array<{ point?: unknown; dir?: unknown; values?: unknown }>) : [];
  if (pts.length === 0) throw new HashsimError(`${join(abs, 'sweep.json')}: expected a "points" list (a sweep written by hashsim sweep)`, 1);
  // Sweeps multiply runs by points: embed fewer steps and runs per point so the page stays small.
  const perPoint: EmbedOptions = { maxPoints: options.maxPoints ?? 60, maxRuns: options.maxRuns ?? Math.max(20, Math.floor(4000 / pts.length)) };
  const points: SweepPointPayload[] = [];
  for (const p of pts) {
    if (typeof p.point !== 'number' || typeof p.dir !== 'string') continue;
    const setDir = join(abs, p.dir);
    if (!existsSync(join(setDir, RESULT_FILES.manifest))) continue;
    const values = p.values && typeof p.values === 'object' ? (p.values as Record<string, unknown>) : {};
    points.push({ point: p.point, dir: p.dir, values, set: await loadSetPayload(setDir, perPoint, `point ${p.point}`) });
  }
  if (points.length === 0) throw new HashsimError(`${abs}: no finished sweep point (expected points/<n>/manifest.json)`, 1);
  return { kind: 'sweep', title: typeof doc.name === 'string' ? doc.name : basename(abs), parameters, points };
}

/** Loads whatever the folder(s) hold: a result set, a compare folder, a sweep, or two sets to compare. */
export async function loadExplorePayload(dirs: readonly string[], options: EmbedOptions = {}): Promise<ExplorePayload> {
  if (dirs.length === 2) return loadComparePayload(dirs[0]!, dirs[1]!, options);
  if (dirs.length !== 1) throw new HashsimError(`expected one folder (result set, compare or sweep folder) or two result sets, got ${dirs.length}`, 2);
  const dir = dirs[0]!;
  if (!existsSync(dir)) throw new HashsimError(`${dir}: no such folder`, 1);
  if (existsSync(join(dir, RESULT_FILES.manifest))) {
    const set = await loadSetPayload(dir, options);
    return { kind: 'set', title: set.scenario, sets: [set] };
  }
  if (isCompareDir(dir)) {
    const [a, b] = compareInputs(dir);
    return loadComparePayload(a, b, options);
  }
  if (isSweepFolder(dir)) return loadSweepPayload(dir, options);
  const has = readdirSync(dir).slice(0, 8).join(', ');
  throw new HashsimError(`${dir}: not a result set, compare or sweep folder (expected manifest.json, compare.json or sweep.json; found: ${has || 'nothing'})`, 1);
}
