import { isSetColumn } from '../results/assemble.ts';
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { HashsimError } from '../errors.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenarioText, parseScenarioWithFiles } from '../scenario/load.ts';
import { BatchPool, runBatch, strategyModulesOf } from '../batch/index.ts';
import { requireCodeOptIn } from '../batch/code-trust.ts';
import { readManifest, type DataFileEntry } from '../results/manifest.ts';
import { checkResultSetIntegrity } from '../results/integrity.ts';
import { RESULT_FILES } from '../results/layout.ts';
import { atomicWriteSync } from '../results/atomic.ts';
import { checkOutFolder } from '../results/safe-dir.ts';
import { csvCell } from '../results/csv.ts';
import { readParquetFile, writeParquetFile, type ParquetColumn } from '../results/parquet.ts';
import { expandDesignFull, type DesignLayout, type DesignPoint } from './design.ts';
import { loadSweepFile, type LoadedSweep } from './load.ts';
import { setAtPath } from './path.ts';
import { analysisSettings, analyzeSweepSet, writeSweepIndex, type AnalysisResult } from './analyze.ts';
import { OutcomeError, parseOutcome } from './outcome.ts';
import { SWEEP_STATS, summarize, type MetricSummary } from './stats.ts';

/** File names of a sweep output folder. */
export const SWEEP_FILES = {
  json: 'sweep.json',
  parquet: 'sweep.parquet',
  csv: 'sweep.csv',
  points: 'points',
  /** The base scenario's own result set (sweep file `baseline: true`). */
  base: 'base',
} as const;

/** One design point with its validated scenario. */
export interface PreparedPoint extends DesignPoint {
  readonly scenario: Scenario;
  /** Data files the point's scenario was built from (for its manifest). */
  readonly dataFiles: readonly DataFileEntry[];
  /** Strategy modules the scenario names: module path as written -> absolute path. */
  readonly strategyModules: Readonly<Record<string, string>>;
  /** Folder of the point's result set, relative to the sweep output folder. */
  readonly dir: string;
}

export interface PreparedSweep {
  readonly sweep: LoadedSweep;
  readonly base: Scenario;
  /** Data files and strategy modules of the base scenario (for its own result set). */
  readonly baseDataFiles: readonly DataFileEntry[];
  readonly baseStrategyModules: Readonly<Record<string, string>>;
  readonly points: readonly PreparedPoint[];
  readonly layout: DesignLayout;
}

function describeValues(values: Readonly<Record<string, unknown>>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
}

function scenarioOrError(obj: unknown, baseDir: string, context: string): { scenario: Scenario; dataFiles: DataFileEntry[] } {
  try {
    const r = parseScenarioWithFiles(obj, { baseDir });
    return { scenario: r.scenario, dataFiles: r.dataFiles.map((f) => ({ field: f.field, path: f.path, sha256: f.sha256 })) };
  } catch (err) {
    if (err instanceof HashsimError) throw new HashsimError(`${context}:\n${err.message}`);
    throw err;
  }
}

/**
 * Loads the sweep and its base scenario, expands the design and builds and validates every point's
 * scenario before anything runs (a bad value at point 40 fails now, not after 39 batches).
 */
export function prepareSweep(sweepFile: string): PreparedSweep {
  const sweep = loadSweepFile(sweepFile);
  const baseDir = dirname(sweep.baseFile);
  let text: string;
  try {
    text = readFileSync(sweep.baseFile, 'utf8');
  } catch {
    throw new HashsimError(`${sweepFile}: base: scenario file not found: ${sweep.baseFile} (relative to the sweep file's folder)`);
  }
  const raw = parseScenarioText(text, sweep.baseFile);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new HashsimError(`${sweep.baseFile}: expected a scenario object`);
  }
  const baseParsed = scenarioOrError(raw, baseDir, `base scenario ${sweep.baseFile} (from ${sweepFile})`);
  const base = baseParsed.scenario;
  const expanded = expandDesignFull(sweep.spec.design, sweep.spec.seed);
  const design = expanded.points;
  // Outcome names a miner: it must be one of the base scenario's named miners.
  const outcomeText = sweep.spec.analysis.outcome;
  if (outcomeText !== undefined) {
    let miners: readonly string[] = [];
    try {
      miners = parseOutcome(outcomeText).miners;
    } catch (err) {
      if (err instanceof OutcomeError) throw new HashsimError(`${sweepFile}: analysis.outcome: ${err.message}`);
      throw err;
    }
    const names = (base.miners as readonly { name: string }[]).map((m) => m.name);
    for (const m of miners) {
      if (!names.includes(m)) {
        throw new HashsimError(`${sweepFile}: analysis.outcome: miner "${m}" is not a named miner of the base scenario (miners: ${names.join(', ') || 'none'})`);
      }
    }
  }
  const points = design.map((p) => {
    const varied = structuredClone(raw) as Record<string, unknown>;
    for (const [path, value] of Object.entries(p.values)) {
      try {
        setAtPath(varied, base, path, value);
      } catch (err) {
        if (err instanceof HashsimError) {
          throw new HashsimError(`${sweepFile}: design.parameters.${path}: ${err.message} (base scenario ${sweep.baseFile})`);
        }
        throw err;
      }
    }
    const { scenario, dataFiles } = scenarioOrError(
      varied,
      baseDir,
      `${sweepFile}: point ${p.point} (${describeValues(p.values)}) gives an invalid scenario`,
    );
    const strategyModules = strategyModulesOf(scenario, baseDir);
    return { ...p, scenario, dataFiles, strategyModules, dir: `${SWEEP_FILES.points}/${p.point}` };
  });
  return {
    sweep,
    base,
    baseDataFiles: baseParsed.dataFiles,
    baseStrategyModules: strategyModulesOf(base, baseDir),
    points,
    layout: expanded.layout,
  };
}

export interface SweepOptions {
  /** Output folder; default: the sweep file's `out`, else results/sweeps/<name>. */
  readonly out?: string;
  /**
   * Worker threads in all (default: all cores). Each point's batch gets min(workers, replications)
   * of them and floor(workers / that) points run at once; the output does not depend on it.
   */
  readonly workers?: number;
  /** Skip the analysis (sensitivity.parquet/json, discovery.json) after the points have run. */
  readonly analyze?: boolean;
  /** Complete an interrupted sweep (points already done are kept; partial points resume). */
  readonly resume?: boolean;
  /** Overwrite an existing output folder of a different sweep. */
  readonly force?: boolean;
  readonly quiet?: boolean;
  /** Run strategy modules the base scenario names (the CLI's --allow-code); refused otherwise. */
  readonly allowCode?: boolean;
  /** Progress lines (default: stderr unless quiet). */
  readonly log?: (line: string) => void;
}

export interface SweepPointOutcome {
  readonly point: number;
  readonly values: Readonly<Record<string, unknown>>;
  readonly dir: string;
  readonly runsOk: number;
  readonly runsFailed: number;
}

export interface SweepResult {
  readonly out: string;
  readonly points: readonly SweepPointOutcome[];
  /** Failed runs over all points; the CLI exits non-zero when this is not 0. */
  readonly runsFailed: number;
  /** The analysis written after the points ran (null with analyze: false). */
  readonly analysis: AnalysisResult | null;
}

/** The deterministic description of a sweep written to sweep.json (no times, no absolute paths). */
function sweepDocument(p: PreparedSweep): unknown {
  const s = p.sweep.spec;
  return {
    format: 'hashsim-sweep/1',
    name: p.sweep.name,
    description: s.description,
    base: s.base,
    baseScenario: p.base.name,
    seed: s.seed,
    replications: s.replications,
    runIndexes: `0..${s.replications - 1} at every point (common random numbers)`,
    design: s.design,
    parameters: Object.keys(s.design.parameters),
    layout: layoutText(p.layout),
    baseline: s.baseline ? SWEEP_FILES.base : null,
    points: p.points.map((pt) => ({ point: pt.point, dir: pt.dir, values: pt.values })),
  };
}

function layoutText(l: DesignLayout): string {
  switch (l.kind) {
    case 'grid':
      return 'Cartesian product, first parameter slowest';
    case 'lhs':
      return 'Latin hypercube, one point per stratum of every parameter';
    case 'saltelli':
      return (
        `Saltelli: base sample j = 0..${l.n - 1} occupies points ${l.rows}j .. ${l.rows}j+${l.rows - 1}: A_j, AB_1j..AB_${l.k}j` +
        `${l.secondOrder ? `, BA_1j..BA_${l.k}j` : ''}, B_j (AB_ij: A_j with parameter i from B_j${l.secondOrder ? '; BA_ij: B_j with parameter i from A_j' : ''})`
      );
    case 'morris':
      return `Morris: trajectory t = 0..${l.r - 1} occupies points ${l.k + 1}t .. ${l.k + 1}t+${l.k}, moving one parameter per step by ${Number(l.delta.toPrecision(6))} of its range on a ${l.levels}-level grid`;
  }
}

function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') ? p : rel;
}


/** The real path of `p`: its deepest existing ancestor with symbolic links resolved, plus the rest. */
function realPathOf(p: string): string {
  const rest: string[] = [];
  let cur = resolve(p);
  for (;;) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch {
      const up = dirname(cur);
      if (up === cur) return resolve(p);
      rest.push(basename(cur));
      cur = up;
    }
  }
}

const inside = (p: string, root: string): boolean => {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/**
 * A sweep file's `out:` (relative to the working folder) must lie under the working folder or the
 * sweep file's folder, after symbolic links: a received sweep file must not choose where hashsim
 * writes. `--out` on the command line is the user's own choice and is not limited.
 */
export function sweepFileOut(out: string, sweepFile: string): string {
  const abs = resolve(out);
  const real = realPathOf(abs);
  const roots = [realPathOf(process.cwd()), realPathOf(dirname(resolve(sweepFile)))];
  if (!roots.some((r) => inside(real, r))) {
    throw new HashsimError(
      `${sweepFile}: out: ${JSON.stringify(out)} lies outside the working folder and the sweep file's folder; ` +
        'a sweep file may only write below them (give --out on the command line to write elsewhere)',
    );
  }
  return abs;
}

/** Runs every point of a sweep as its own result set, then writes the combined summary table. */
export async function runSweep(sweepFile: string, options: SweepOptions = {}): Promise<SweepResult> {
  const prepared = prepareSweep(sweepFile);
  requireCodeOptIn(Object.assign({}, prepared.baseStrategyModules, ...prepared.points.map((p) => p.strategyModules)), options.allowCode === true, sweepFile);
  const { sweep, points } = prepared;
  const out = options.out !== undefined ? resolve(options.out) : sweep.spec.out !== undefined ? sweepFileOut(sweep.spec.out, sweep.file) : resolve(join('results', 'sweeps', sweep.name));
  // New, empty or a sweep folder; never a symbolic link or a folder holding one.
  await checkOutFolder(out, { force: options.force === true, kind: 'sweep folder', markers: [SWEEP_FILES.json], flag: options.out !== undefined ? '--out' : `${sweepFile}: out:` });
  const log = options.log ?? ((line: string) => (options.quiet ? undefined : process.stderr.write(`${line}\n`)));

  const docText = `${JSON.stringify(sweepDocument(prepared), null, 2)}\n`;
  const docPath = join(out, SWEEP_FILES.json);
  if (existsSync(docPath) && !options.force) {
    const same = readFileSync(docPath, 'utf8') === docText;
    if (!same) {
      throw new HashsimError(`${out} holds the output of a different sweep (${docPath} differs); use --force to overwrite it or choose another --out`);
    }
    if (!options.resume) {
      throw new HashsimError(`${out} already holds this sweep; use --resume to complete it or --force to run it again`);
    }
  }
  mkdirSync(join(out, SWEEP_FILES.points), { recursive: true });
  atomicWriteSync(docPath, docText);

  // Every point (and the base scenario) is its own batch, all on one pool of worker threads started
  // once (a pool per point cost ~1.5 s of thread start-up, module loading and cold JIT each).
  // Points run several at a time: enough to fill the threads, plus one whose runs keep them busy
  // while another point's last encoding and splicing finish. Each batch's output depends only on
  // its scenario, seed and run indexes, not on what else shares the pool.
  const totalWorkers = Math.max(1, options.workers ?? availableParallelism());
  const perPoint = Math.min(totalWorkers, sweep.spec.replications);
  const lanes = Math.floor(totalWorkers / perPoint) + 1;
  interface Job {
    readonly label: string;
    readonly scenario: Scenario;
    readonly dataFiles: readonly DataFileEntry[];
    readonly strategyModules: Readonly<Record<string, string>>;
    readonly dir: string;
    readonly point: PreparedPoint | null;
  }
  const jobs: Job[] = [];
  if (sweep.spec.baseline) {
    jobs.push({ label: 'base scenario', scenario: prepared.base, dataFiles: prepared.baseDataFiles, strategyModules: prepared.baseStrategyModules, dir: SWEEP_FILES.base, point: null });
  }
  for (const pt of points) {
    jobs.push({ label: `point ${pt.point + 1}/${points.length} (${describeValues(pt.values)})`, scenario: pt.scenario, dataFiles: pt.dataFiles, strategyModules: pt.strategyModules, dir: pt.dir, point: pt });
  }
  // no more threads than runs in the whole sweep
  const pool = new BatchPool(Math.max(1, Math.min(totalWorkers, jobs.length * sweep.spec.replications)));
  const results = new Map<string, { ok: number; failed: number }>();
  // Points whose result sets this process has just written (not kept from before by --resume).
  const written = new Set<string>();
  let nextJob = 0;
  let jobsDone = 0;
  const sweepT0 = performance.now();
  let failure: unknown = null;
  const lane = async (): Promise<void> => {
    while (failure === null && nextJob < jobs.length) {
      const job = jobs[nextJob++]!;
      log(`sweep ${sweep.name}: ${job.label}`);
      try {
        const res = await runBatch({
          scenario: job.scenario as Scenario & Record<string, unknown>,
          dataFiles: job.dataFiles,
          strategyModules: job.strategyModules,
          runs: sweep.spec.replications,
          seed: sweep.spec.seed,
          workers: perPoint,
          out: join(out, job.dir),
          resume: options.resume === true,
          force: options.force === true,
          progress: 'none',
          log,
          pool,
          sweep: { name: sweep.name, point: job.point ? job.point.point : null, values: job.point ? job.point.values : {} },
        });
        results.set(job.dir, { ok: res.manifest.counts.ok, failed: res.manifest.counts.error });
        if (res.status === 'completed') written.add(job.dir);
        jobsDone++;
        if (!options.quiet) log(sweepProgressLine(sweep.name, jobsDone, jobs.length, (performance.now() - sweepT0) / 1000));
      } catch (err) {
        failure ??= err;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(lanes, jobs.length) }, lane));
  } finally {
    await pool.destroy();
  }
  if (failure !== null) throw failure;
  const outcomes: SweepPointOutcome[] = points.map((pt) => {
    const r = results.get(pt.dir)!;
    return { point: pt.point, values: pt.values, dir: pt.dir, runsOk: r.ok, runsFailed: r.failed };
  });
  const baseFailed = sweep.spec.baseline ? (results.get(SWEEP_FILES.base)?.failed ?? 0) : 0;

  const table = await summaryTable(out, prepared, written);
  await writeParquetFile(join(out, SWEEP_FILES.parquet), table);
  atomicWriteSync(join(out, SWEEP_FILES.csv), toCsv(table));
  // Their hashes, checked by the analysis (here and in hashsim analyze) before it reads them.
  await writeSweepIndex(out, [SWEEP_FILES.parquet, SWEEP_FILES.csv]);
  const runsFailed = outcomes.reduce((n, o) => n + o.runsFailed, 0) + baseFailed;
  log(
    `sweep ${sweep.name}: ${points.length} points x ${sweep.spec.replications} runs${sweep.spec.baseline ? ' + the base scenario' : ''} -> ${displayPath(out)}` +
      `${runsFailed ? ` (${runsFailed} runs failed)` : ''}`,
  );
  let analysis: AnalysisResult | null = null;
  if (options.analyze !== false) {
    analysis = await analyzeSweepSet(out, analysisSettings(sweep.spec.analysis));
    for (const line of analysis.lines) log(line);
  }
  return { out, points: outcomes, runsFailed, analysis };
}

/** Columns of runs.parquet that are not summary metrics. */
const NON_METRIC = new Set(['run_index', 'status', 'error', 'error_stack']);

/**
 * The combined table, one row per point: `point`, `dir`, one column per parameter (named by its
 * path), `runs`, `runs_ok`, `runs_failed`, then `<metric>_n|mean|sd|p5|p50|p95` for every numeric
 * column of the points' runs.parquet, over the runs with status "ok". Points not in `written` (the
 * dirs of result sets the caller has just written) are checked against their manifests first.
 */
export async function summaryTable(out: string, prepared: PreparedSweep, written: ReadonlySet<string> = new Set()): Promise<ParquetColumn[]> {
  const paths = Object.keys(prepared.sweep.spec.design.parameters);
  const metrics: string[] = [];
  const perPoint: { runs: number; ok: number; stats: Map<string, MetricSummary> }[] = [];
  for (const pt of prepared.points) {
    // A point kept from before (--resume) is read only if it is intact: no laundering into sweep.parquet.
    // One this process has just written (`written`) needs no check (hashing it again cost ~30 ms a point).
    if (!written.has(pt.dir)) await checkResultSetIntegrity(join(out, pt.dir), await readManifest(join(out, pt.dir)), [RESULT_FILES.runs]);
    const data = await readParquetFile(join(out, pt.dir, RESULT_FILES.runs));
    const status = data.columns['status'];
    const okRows: number[] = [];
    for (let i = 0; i < data.numRows; i++) {
      if (!Array.isArray(status) || status[i] === 'ok') okRows.push(i);
    }
    const stats = new Map<string, MetricSummary>();
    for (const name of data.names) {
      const col = data.columns[name]!;
      if (NON_METRIC.has(name) || isSetColumn(name) || Array.isArray(col)) continue;
      if (!metrics.includes(name)) metrics.push(name);
      stats.set(name, summarize(okRows.map((i) => (col as Float64Array | Int32Array)[i]!)));
    }
    perPoint.push({ runs: data.numRows, ok: okRows.length, stats });
  }

  const cols: ParquetColumn[] = [
    { name: 'point', type: 'int32', values: Int32Array.from(prepared.points, (p) => p.point) },
    { name: 'dir', type: 'utf8', values: prepared.points.map((p) => p.dir) },
  ];
  for (const path of paths) {
    const vals = prepared.points.map((p) => p.values[path]);
    if (vals.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      cols.push({ name: path, type: 'float64', values: Float64Array.from(vals as number[]) });
    } else {
      cols.push({ name: path, type: 'utf8', values: vals.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) });
    }
  }
  cols.push({ name: 'runs', type: 'int32', values: Int32Array.from(perPoint, (p) => p.runs) });
  cols.push({ name: 'runs_ok', type: 'int32', values: Int32Array.from(perPoint, (p) => p.ok) });
  cols.push({ name: 'runs_failed', type: 'int32', values: Int32Array.from(perPoint, (p) => p.runs - p.ok) });
  for (const m of metrics) {
    for (const stat of SWEEP_STATS) {
      const name = `${m}_${stat}`;
      if (stat === 'n') {
        cols.push({ name, type: 'int32', values: Int32Array.from(perPoint, (p) => p.stats.get(m)?.n ?? 0) });
      } else {
        cols.push({ name, type: 'float64', values: perPoint.map((p) => p.stats.get(m)?.[stat] ?? null) });
      }
    }
  }
  return cols;
}


/** CSV of the table (RFC 4180 quoting, \n line ends); null is an empty cell, numbers round-trip. */
export function toCsv(cols: readonly ParquetColumn[]): string {
  const n = cols.length > 0 ? cols[0]!.values.length : 0;
  const lines = [cols.map((c) => csvCell(c.name)).join(',')];
  for (let i = 0; i < n; i++) lines.push(cols.map((c) => csvCell(c.values[i])).join(','));
  return `${lines.join('\n')}\n`;
}

/** "sweep x: 3/12 points done in 41 s, ETA 2m" (the base scenario counts as a point). */
export function sweepProgressLine(name: string, done: number, total: number, seconds: number): string {
  const eta = done > 0 ? (seconds * (total - done)) / done : Number.POSITIVE_INFINITY;
  const fmt = (s: number) => (!Number.isFinite(s) ? '?' : s < 90 ? `${Math.round(s)}s` : s < 5400 ? `${Math.round(s / 60)}m` : `${(s / 3600).toFixed(1)}h`);
  return `sweep ${name}: ${done}/${total} points done in ${fmt(seconds)}${done < total ? `, ETA ${fmt(eta)}` : ''}`;
}
