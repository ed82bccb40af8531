import { existsSync, readFileSync, rmSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { HashsimError } from '../errors.ts';
import { deriveStream } from '../random/index.ts';
import { RESULT_FILES } from '../results/layout.ts';
import { atomicWriteSync } from '../results/atomic.ts';
import { checkResultSetIntegrity } from '../results/integrity.ts';
import { fileSha256, readManifest } from '../results/manifest.ts';
import { readParquetFile, writeParquetFile, type ParquetColumn, type ParquetData } from '../results/parquet.ts';
import { tornadoFromSweep, type SweepPoint } from '../charts/specs/sweep.ts';
import { metricInfo } from '../charts/metrics.ts';
import { expandDesignFull, type DesignLayout } from './design.ts';
import { formatNumber, parameterTitle } from './labels.ts';
import { OutcomeError, parseOutcome, type Outcome, type OutcomeRef } from './outcome.ts';
import { getAtPath } from './path.ts';
import { boxOf, cart, prim, type PrimBox } from './prim.ts';
import { AnalysisSchema, DesignSchema, type AnalysisInput, type AnalysisSpec, type Design } from './schema.ts';
import { morrisIndices, samplesNeeded, sobolIndices, widestHalfWidth, type Estimate } from './sensitivity.ts';
import { summarize } from './stats.ts';

// The analysis of a finished sweep: Sobol or Morris indices with bootstrap intervals per metric
// (on the per-point means of sweep.parquet), main effects around the base scenario, and scenario
// discovery (PRIM, CART) for an outcome of interest. Writes sensitivity.parquet, sensitivity.json
// and discovery.json into the sweep folder; a pure function of the folder's tables and settings.

export const ANALYSIS_FILES = {
  sensitivity: 'sensitivity.parquet',
  sensitivityJson: 'sensitivity.json',
  discovery: 'discovery.json',
} as const;

/** Restrictions of a PRIM box with a larger quasi-p-value are reported as not significant. */
export const PRIM_QUASI_P = 0.05;

/** Summary metrics analysed by default (when present and varying across points), in this order. */
export const HEADLINE_METRICS = [
  'final_hashrate_ehs',
  'final_attack_cost_usd_per_hour',
  'max_hashrate_drawdown_pct',
  'miners_exited',
  'final_hashprice_usd_per_ph_day',
  'sold_total_btc',
  'final_treasury_btc',
  'liquidations_total',
  'mw_pivoted',
  'final_hhi',
] as const;

/** At most this many metrics are analysed by default. */
export const DEFAULT_METRICS_MAX = 6;

/** Widest useful half-width of a Sobol index interval: wider intervals cannot rank indices of the size that matter. */
export const SOBOL_CI_HALF_WIDTH_OK = 0.1;
/** Replication noise above this share of the variance of the per-point means gets a warning. */
export const NOISE_SHARE_WARN = 0.05;
/** Fewer Morris trajectories than this get a warning (Campolongo et al. 2007 use 10-20). */
export const MORRIS_MIN_TRAJECTORIES = 10;

/** What sweep.json says about the sweep (format hashsim-sweep/1). */
export interface SweepDocument {
  readonly format: string;
  readonly name: string;
  readonly seed: string | number;
  readonly replications: number;
  readonly design: Design;
  readonly parameters: readonly string[];
  readonly baseline?: string | null;
  readonly points: readonly { readonly point: number; readonly dir: string; readonly values: Record<string, unknown> }[];
}

/**
 * The sweep folder's own index of file hashes (sweep.parquet, sweep.csv), written by hashsim sweep
 * after the tables: the analysis checks sweep.parquet against it before using it, and each point's
 * (and the base scenario's) tables against that result set's manifest.
 */
export const SWEEP_INDEX = 'sweep-files.json';
export const SWEEP_INDEX_FORMAT = 'hashsim-sweep-files/1';

/** Writes `<dir>/sweep-files.json` with the hash and size of each of `files` (names in `dir`). */
export async function writeSweepIndex(dir: string, files: readonly string[]): Promise<void> {
  const entries: Record<string, { sha256: string; bytes: number }> = {};
  for (const f of [...files].sort()) entries[f] = await fileSha256(join(dir, f));
  atomicWriteSync(join(dir, SWEEP_INDEX), `${JSON.stringify({ format: SWEEP_INDEX_FORMAT, files: entries }, null, 2)}\n`);
}

/** Throws (exit 1, naming the file) unless `file` of the sweep folder matches sweep-files.json. */
export async function checkSweepFile(dir: string, file: string): Promise<void> {
  const indexPath = join(dir, SWEEP_INDEX);
  type Index = { format?: unknown; files?: Record<string, { sha256?: unknown; bytes?: unknown } | undefined> } | null;
  let index: Index;
  try {
    index = JSON.parse(readFileSync(indexPath, 'utf8')) as Index;
  } catch {
    index = null;
  }
  const fail = (why: string) => new HashsimError(`${join(dir, file)}: ${why}; not used (hashsim sweep <sweep-file> --out ${dir} --resume rewrites the tables and their hashes)`, 1);
  if (index === null || typeof index !== 'object' || index.format !== SWEEP_INDEX_FORMAT) throw fail(`no hash recorded (${SWEEP_INDEX} missing or unreadable)`);
  const entry = index.files?.[file];
  if (!entry || typeof entry.sha256 !== 'string' || typeof entry.bytes !== 'number') throw fail(`not listed in ${SWEEP_INDEX}`);
  const st = await lstat(join(dir, file)).catch(() => null);
  if (st === null) throw fail('missing');
  if (!st.isFile()) throw fail('not a regular file (a symbolic link or special file)');
  if (st.size !== entry.bytes) throw fail(`size ${st.size} bytes, ${SWEEP_INDEX} says ${entry.bytes}`);
  if ((await fileSha256(join(dir, file))).sha256 !== entry.sha256) throw fail(`content hash differs from ${SWEEP_INDEX} (damaged or tampered)`);
}

/** Checks a point's (or the base scenario's) result set before its tables are read (once per folder). */
async function checkPointSet(pdir: string, tables: readonly string[], checked: Set<string>): Promise<void> {
  const key = `${pdir}\0${tables.join(',')}`;
  if (checked.has(key)) return;
  await checkResultSetIntegrity(pdir, await readManifest(pdir), tables);
  checked.add(key);
}

export function readSweepDocument(dir: string): SweepDocument {
  const file = join(dir, 'sweep.json');
  if (!existsSync(file) || !existsSync(join(dir, 'sweep.parquet'))) {
    throw new HashsimError(`${dir}: not a sweep folder (expected sweep.json and sweep.parquet, written by hashsim sweep)`);
  }
  const doc = JSON.parse(readFileSync(file, 'utf8')) as SweepDocument;
  if (doc.format !== 'hashsim-sweep/1') throw new HashsimError(`${file}: format "${String(doc.format)}" is not hashsim-sweep/1`);
  const d = DesignSchema.safeParse(doc.design);
  if (!d.success) throw new HashsimError(`${file}: design: not a design this version reads (${d.error.issues[0]?.message ?? 'invalid'})`);
  // Point folders are named by hashsim (points/<k>, base): an edited sweep.json must not send the
  // analysis to read (or the charts to write) anywhere else.
  const points = Array.isArray(doc.points) ? doc.points : [];
  for (const [i, p] of points.entries()) {
    if (typeof p?.dir !== 'string' || !/^points\/[0-9]+$/.test(p.dir)) throw new HashsimError(`${file}: points[${i}].dir: expected points/<k>, a folder of the sweep`, 1);
  }
  if (doc.baseline !== undefined && doc.baseline !== null && doc.baseline !== 'base') throw new HashsimError(`${file}: baseline: expected "base" or null`, 1);
  return { ...doc, design: d.data };
}

interface MetricReport {
  readonly metric: string;
  readonly label: string;
  readonly unit: string;
  /** Points with a finite mean. */
  readonly points: number;
  /** Mean and variance of the per-point means. */
  readonly mean: number | null;
  readonly variance: number | null;
  /**
   * Variance of a point's mean that its replications leave, net of the part common random numbers
   * share across points: the residual mean square of a two-way (point x run) analysis of variance
   * divided by the replications used (runs with a value at every point).
   */
  readonly noiseVariance: number | null;
  /** Replications that entered noiseVariance. */
  readonly noiseRuns: number;
  /** noiseVariance / variance of the per-point means: the share of the output variance that is replication noise. */
  readonly noiseShare: number | null;
  /** False when the intervals are too wide to rank the parameters (see warnings). */
  readonly adequate: boolean;
  /**
   * The parameters ordered by total index (Sobol) or mu* (Morris), ">" where the intervals of
   * neighbours are disjoint and "≈" where they overlap, e.g. "drift > revenue ≈ capex".
   */
  readonly ranking: string | null;
  readonly warnings: readonly string[];
  readonly sobol?: {
    readonly samples: number;
    readonly used: number;
    readonly first: Record<string, Estimate>;
    readonly total: Record<string, Estimate>;
    readonly second: { readonly parameters: readonly [string, string]; readonly value: Estimate }[] | null;
    readonly samplesFor01: number;
  };
  readonly morris?: {
    readonly trajectories: number;
    readonly effects: Record<string, number>;
    readonly mu: Record<string, Estimate>;
    readonly muStar: Record<string, Estimate>;
    readonly sigma: Record<string, Estimate>;
  };
  /** Mean of the metric over points at a parameter's lowest / highest setting (or third). */
  readonly mainEffects: readonly { readonly parameter: string; readonly low: number; readonly high: number; readonly lowLabel: string; readonly highLabel: string }[];
  /** The base scenario's mean over its replications (null without a base run). */
  readonly base: { readonly mean: number | null; readonly sd: number | null; readonly n: number } | null;
}

export interface SensitivityDocument {
  readonly format: 'hashsim-sensitivity/1';
  readonly sweep: string;
  readonly design: string;
  readonly parameters: readonly string[];
  readonly labels: Record<string, string>;
  readonly replications: number;
  readonly confidence: number;
  readonly bootstrap: number;
  /** The analysis settings used (hashsim analyze starts from them). */
  readonly settings: AnalysisSpec;
  readonly base: { readonly dir: string; readonly values: Record<string, unknown> } | null;
  readonly metrics: readonly MetricReport[];
}

export interface DiscoveryDocument {
  readonly format: 'hashsim-discovery/1';
  readonly sweep: string;
  readonly outcome: string;
  readonly scope: 'run' | 'point';
  readonly parameters: readonly string[];
  readonly labels: Record<string, string>;
  readonly rows: number;
  readonly positives: number;
  readonly baseRate: number;
  readonly note: string | null;
  readonly prim: {
    readonly settings: AnalysisSpec['prim'];
    readonly trajectory: readonly { readonly step: number; readonly coverage: number; readonly density: number; readonly mass: number; readonly n: number; readonly restricted: readonly string[] }[];
    readonly chosen: number;
    readonly thresholdMet: boolean;
    readonly box: {
      readonly coverage: number;
      readonly density: number;
      readonly mass: number;
      readonly n: number;
      readonly positives: number;
      readonly limits: Record<string, { readonly min: number; readonly max: number; readonly restricted: boolean; readonly dataMin: number; readonly dataMax: number; readonly quasiP: number | null }>;
    };
    /**
     * The box with only the restrictions whose quasi-p-value is at most 0.05 (PRIM tends to add
     * restrictions that fit noise): its parameters and statistics; null when every restriction is significant.
     */
    readonly significant: { readonly restricted: readonly string[]; readonly coverage: number; readonly density: number; readonly mass: number } | null;
  } | null;
  readonly cart: {
    readonly settings: AnalysisSpec['cart'];
    readonly accuracy: number;
    readonly leaves: readonly { readonly conditions: readonly string[]; readonly n: number; readonly positives: number; readonly density: number; readonly coverage: number; readonly predicted: boolean }[];
  } | null;
}

export interface AnalysisResult {
  readonly sensitivity: SensitivityDocument;
  readonly discovery: DiscoveryDocument | null;
  /** A short human-readable summary (tables of indices, warnings, the PRIM box). */
  readonly lines: readonly string[];
}

function numericColumn(t: ParquetData, name: string): Float64Array | null {
  const c = t.columns[name];
  if (!c || Array.isArray(c)) return null;
  return Float64Array.from(c as Float64Array | Int32Array);
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function estimateJson(e: Estimate): Estimate {
  return { estimate: round(e.estimate), low: round(e.low), high: round(e.high), se: round(e.se) };
}

/** 12 significant digits in JSON: identical on every platform, far below the bootstrap's resolution. */
function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : NaN;
}

function fmtIdx(e: Estimate | undefined): string {
  if (!e || !Number.isFinite(e.estimate)) return 'n/a';
  return `${e.estimate.toFixed(2)} [${e.low.toFixed(2)}, ${e.high.toFixed(2)}]`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Mean of `metric` over a result set's ok runs (null without the set or the column). */
async function baseSummary(dir: string, metrics: readonly string[]): Promise<Map<string, { mean: number | null; sd: number | null; n: number }>> {
  const out = new Map<string, { mean: number | null; sd: number | null; n: number }>();
  const file = join(dir, RESULT_FILES.runs);
  if (!existsSync(file)) return out;
  await checkPointSet(dir, [RESULT_FILES.runs], new Set());
  const t = await readParquetFile(file);
  const status = t.columns['status'];
  for (const m of metrics) {
    const col = numericColumn(t, m);
    if (!col) continue;
    const xs: (number | null)[] = [];
    for (let i = 0; i < t.numRows; i++) if (!Array.isArray(status) || status[i] === 'ok') xs.push(col[i]!);
    const s = summarize(xs);
    out.set(m, { mean: s.mean, sd: s.sd, n: s.n });
  }
  return out;
}

/** Resolves the analysis settings: sweep-file `analysis` (or a previous run's), then overrides. */
export function analysisSettings(input: AnalysisInput | undefined, overrides: Partial<AnalysisInput> = {}): AnalysisSpec {
  const merged: Record<string, unknown> = { ...(input ?? {}) };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  const r = AnalysisSchema.safeParse(merged);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new HashsimError(`analysis.${i.path.map(String).join('.')}: ${i.message}`);
  }
  return r.data;
}

/**
 * Analyses a sweep folder: reads sweep.json, sweep.parquet (and for a per-run outcome every point's
 * runs.parquet / miners.parquet), writes sensitivity.parquet, sensitivity.json and (with an
 * outcome) discovery.json. Deterministic: bootstrap draws come from the sweep's seed.
 */
export async function analyzeSweepSet(dir: string, settings: AnalysisSpec): Promise<AnalysisResult> {
  const doc = readSweepDocument(dir);
  await checkSweepFile(dir, 'sweep.parquet');
  const checked = new Set<string>();
  const table = await readParquetFile(join(dir, 'sweep.parquet'));
  const params = [...doc.parameters];
  const labels: Record<string, string> = {};
  for (const p of params) labels[p] = parameterTitle(p, settings.labels);

  // The design's structure, re-expanded from its seed: it must give the points sweep.json lists.
  const expanded = expandDesignFull(doc.design, doc.seed);
  const same =
    expanded.points.length === doc.points.length &&
    expanded.points.every((p, i) => JSON.stringify(p.values) === JSON.stringify(doc.points[i]!.values));
  if (!same) throw new HashsimError(`${join(dir, 'sweep.json')}: its points differ from the design re-expanded from its seed (written by another version of hashsim?)`);
  if (table.numRows !== doc.points.length) throw new HashsimError(`${join(dir, 'sweep.parquet')}: ${table.numRows} rows for ${doc.points.length} design points`);
  const layout: DesignLayout = expanded.layout;

  // Metrics.
  const available = table.names.filter((n) => n.endsWith('_mean')).map((n) => n.slice(0, -'_mean'.length));
  const varies = (m: string): boolean => {
    const c = numericColumn(table, `${m}_mean`);
    if (!c) return false;
    const f = [...c].filter((x) => Number.isFinite(x));
    return f.length > 1 && f.some((x) => x !== f[0]);
  };
  let metrics: string[];
  if (settings.metrics) {
    for (const m of settings.metrics) {
      if (!available.includes(m)) throw new HashsimError(`metric "${m}" is not in ${join(dir, 'sweep.parquet')} (it has: ${available.join(', ')})`);
    }
    metrics = [...settings.metrics];
  } else {
    metrics = HEADLINE_METRICS.filter((m) => available.includes(m) && varies(m)).slice(0, DEFAULT_METRICS_MAX);
  }

  const baseDir = doc.baseline ? join(dir, doc.baseline) : null;
  const baseStats = baseDir ? await baseSummary(baseDir, metrics) : new Map();
  let baseValues: Record<string, unknown> | null = null;
  if (baseDir && existsSync(join(baseDir, RESULT_FILES.manifest))) {
    await checkPointSet(baseDir, [RESULT_FILES.runs], checked);
    const m = JSON.parse(readFileSync(join(baseDir, RESULT_FILES.manifest), 'utf8')) as { scenario?: { resolved?: unknown } };
    baseValues = {};
    for (const p of params) {
      try {
        baseValues[p] = getAtPath(m.scenario?.resolved, p);
      } catch {
        baseValues[p] = null;
      }
    }
  }

  const rows: SweepPoint[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, number | string | null> = {};
    for (const n of table.names) {
      const v = (table.columns[n] as ArrayLike<unknown>)[i];
      row[n] = typeof v === 'number' ? (Number.isFinite(v) ? v : null) : typeof v === 'string' ? v : null;
    }
    rows.push(row);
  }

  const lines: string[] = [];
  const reports: MetricReport[] = [];
  const pq = {
    metric: [] as string[],
    method: [] as string[],
    parameter: [] as string[],
    parameter2: [] as (string | null)[],
    index: [] as string[],
    estimate: [] as (number | null)[],
    low: [] as (number | null)[],
    high: [] as (number | null)[],
    se: [] as (number | null)[],
    n: [] as number[],
    variance: [] as (number | null)[],
    noiseShare: [] as (number | null)[],
  };
  const addRow = (r: { metric: string; method: string; parameter: string; parameter2?: string | null; index: string; e: Estimate | number; n: number; variance: number | null; noiseShare: number | null }): void => {
    const e = typeof r.e === 'number' ? { estimate: r.e, low: NaN, high: NaN, se: NaN } : r.e;
    pq.metric.push(r.metric);
    pq.method.push(r.method);
    pq.parameter.push(r.parameter);
    pq.parameter2.push(r.parameter2 ?? null);
    pq.index.push(r.index);
    pq.estimate.push(finiteOrNull(e.estimate));
    pq.low.push(finiteOrNull(e.low));
    pq.high.push(finiteOrNull(e.high));
    pq.se.push(finiteOrNull(e.se));
    pq.n.push(r.n);
    pq.variance.push(r.variance);
    pq.noiseShare.push(r.noiseShare);
  };

  // Per-run values of every analysed metric at every point (run index -> value), for the noise.
  const perRun = new Map<string, Map<number, number>[]>();
  if (doc.replications >= 2) {
    for (const m of metrics) perRun.set(m, []);
    const dirCol = table.columns['dir'] as (string | null)[];
    for (let i = 0; i < table.numRows; i++) {
      const file = join(dir, dirCol[i] ?? doc.points[i]!.dir, RESULT_FILES.runs);
      if (!existsSync(file)) {
        perRun.clear();
        break;
      }
      await checkPointSet(join(file, '..'), [RESULT_FILES.runs], checked);
      const t = await readParquetFile(file, { columns: ['run_index', 'status', ...metrics] });
      const status = t.columns['status'] as (string | null)[] | undefined;
      const ri = t.columns['run_index'] as Int32Array;
      for (const m of metrics) {
        const col = t.columns[m] as Float64Array | undefined;
        const byRun = new Map<number, number>();
        if (col) for (let r = 0; r < t.numRows; r++) if ((!status || status[r] === 'ok') && Number.isFinite(col[r]!)) byRun.set(ri[r]!, col[r]!);
        perRun.get(m)!.push(byRun);
      }
    }
  }

  const pct = Math.round(settings.confidence * 100);
  for (const metric of metrics) {
    const info = metricInfo(metric);
    const y = numericColumn(table, `${metric}_mean`) ?? new Float64Array(table.numRows).fill(NaN);
    const finite = [...y].filter((v) => Number.isFinite(v));
    const mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
    const variance = finite.length > 1 && mean !== null ? finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1) : null;
    const noise = replicationNoise(perRun.get(metric) ?? null);
    const noiseVariance = noise?.variance ?? null;
    const noiseShare = noiseVariance !== null && variance !== null && variance > 0 ? noiseVariance / variance : null;
    const warnings: string[] = [];
    let adequate = true;
    if (finite.length < y.length) warnings.push(`${y.length - finite.length} of ${y.length} points have no value (all their runs failed or the metric is null there)`);
    const constant = variance === null || variance === 0;
    if (constant) {
      warnings.push('the metric does not vary across points: no sensitivity to report');
      adequate = false;
    }
    if (noiseShare !== null && noiseShare > NOISE_SHARE_WARN) {
      warnings.push(
        `replication noise is ${(noiseShare * 100).toFixed(0)}% of the variance of the per-point means (R = ${noise?.runs ?? doc.replications}): ` +
          `the indices describe the mean over R runs, so noise lowers first-order indices (by about that share) and raises total indices; ` +
          `more replications shrink it like 1/R`,
      );
    }
    const stream = deriveStream({ seed: doc.seed, scenario: 'hashsim-sweep', runIndex: 0, component: `bootstrap/${metric}` });
    const boot = { resamples: settings.bootstrap, confidence: settings.confidence, stream };
    let sobol: MetricReport['sobol'];
    let morris: MetricReport['morris'];
    const baseMetric = baseStats.get(metric) ?? null;
    if (layout.kind === 'saltelli' && !constant) {
      const r = sobolIndices(y, layout.k, layout.n, layout.secondOrder, boot);
      const hw = widestHalfWidth([...r.first, ...r.total]);
      const needed = Number.isFinite(hw) ? samplesNeeded(layout.n, hw, SOBOL_CI_HALF_WIDTH_OK) : layout.n;
      if (r.used < layout.n) warnings.push(`${layout.n - r.used} of ${layout.n} base samples left out (a point of theirs has no value)`);
      if (!(hw <= SOBOL_CI_HALF_WIDTH_OK)) {
        adequate = false;
        warnings.push(
          `N = ${layout.n} is too small for useful intervals: the ${pct}% intervals reach ±${Number.isFinite(hw) ? hw.toFixed(2) : '?'} ` +
            `(useful: ±${SOBOL_CI_HALF_WIDTH_OK}); intervals shrink like 1/sqrt(N), so about N = ${needed} would do`,
        );
      }
      sobol = {
        samples: layout.n,
        used: r.used,
        first: Object.fromEntries(params.map((p, i) => [p, estimateJson(r.first[i]!)])),
        total: Object.fromEntries(params.map((p, i) => [p, estimateJson(r.total[i]!)])),
        second: r.second ? r.second.map((s) => ({ parameters: [params[s.i]!, params[s.j]!] as [string, string], value: estimateJson(s.value) })) : null,
        samplesFor01: needed,
      };
      params.forEach((p, i) => {
        addRow({ metric, method: 'sobol', parameter: p, index: 'S1', e: r.first[i]!, n: r.used, variance, noiseShare });
        addRow({ metric, method: 'sobol', parameter: p, index: 'ST', e: r.total[i]!, n: r.used, variance, noiseShare });
      });
      for (const s of r.second ?? []) addRow({ metric, method: 'sobol', parameter: params[s.i]!, parameter2: params[s.j]!, index: 'S2', e: s.value, n: r.used, variance, noiseShare });
    } else if (layout.kind === 'morris' && !constant) {
      const r = morrisIndices(y, layout, boot);
      if (layout.r < MORRIS_MIN_TRAJECTORIES) {
        warnings.push(`r = ${layout.r} trajectories: rankings are unstable below about ${MORRIS_MIN_TRAJECTORIES} (10-20 is usual)`);
        adequate = false;
      }
      morris = {
        trajectories: layout.r,
        effects: Object.fromEntries(params.map((p, i) => [p, r.effects[i]!])),
        mu: Object.fromEntries(params.map((p, i) => [p, estimateJson(r.mu[i]!)])),
        muStar: Object.fromEntries(params.map((p, i) => [p, estimateJson(r.muStar[i]!)])),
        sigma: Object.fromEntries(params.map((p, i) => [p, estimateJson(r.sigma[i]!)])),
      };
      params.forEach((p, i) => {
        addRow({ metric, method: 'morris', parameter: p, index: 'mu', e: r.mu[i]!, n: r.effects[i]!, variance, noiseShare });
        addRow({ metric, method: 'morris', parameter: p, index: 'mu_star', e: r.muStar[i]!, n: r.effects[i]!, variance, noiseShare });
        addRow({ metric, method: 'morris', parameter: p, index: 'sigma', e: r.sigma[i]!, n: r.effects[i]!, variance, noiseShare });
      });
    }
    let ranking: string | null = null;
    if (sobol) ranking = rankingText(params.map((p) => ({ label: labels[p]!, e: sobol!.total[p]! })));
    if (morris) ranking = rankingText(params.map((p) => ({ label: labels[p]!, e: morris!.muStar[p]! })));
    const effects = tornadoFromSweep(rows, params, `${metric}_mean`).rows.map((t) => ({
      parameter: t.parameter,
      low: round(t.low),
      high: round(t.high),
      lowLabel: t.lowLabel ?? 'low',
      highLabel: t.highLabel ?? 'high',
    }));
    for (const e of effects) {
      addRow({ metric, method: 'main-effect', parameter: e.parameter, index: 'low', e: e.low, n: table.numRows, variance, noiseShare });
      addRow({ metric, method: 'main-effect', parameter: e.parameter, index: 'high', e: e.high, n: table.numRows, variance, noiseShare });
    }
    reports.push({
      metric,
      label: info.label,
      unit: info.unit,
      points: finite.length,
      mean: mean === null ? null : round(mean),
      variance: variance === null ? null : round(variance),
      noiseVariance: noiseVariance === null ? null : round(noiseVariance),
      noiseRuns: noise?.runs ?? 0,
      noiseShare: noiseShare === null ? null : round(noiseShare),
      adequate,
      ranking,
      warnings,
      ...(sobol ? { sobol } : {}),
      ...(morris ? { morris } : {}),
      mainEffects: effects,
      base: baseMetric ? { mean: baseMetric.mean === null ? null : round(baseMetric.mean), sd: baseMetric.sd === null ? null : round(baseMetric.sd), n: baseMetric.n } : null,
    });

    // Summary lines.
    const unit = info.unit ? ` (${info.unit})` : '';
    lines.push(`${metric}${unit}: mean over points ${mean === null ? 'n/a' : formatNumber(mean)}${baseMetric?.mean != null ? `, base scenario ${formatNumber(baseMetric.mean)}` : ''}`);
    const w = Math.max(12, ...params.map((p) => labels[p]!.length)) + 2;
    if (sobol) {
      lines.push(`  Sobol indices, N = ${layout.kind === 'saltelli' ? layout.n : ''}, ${pct}% bootstrap intervals:`);
      lines.push(`    ${pad('parameter', w)}${pad('S1', 24)}ST`);
      for (const p of params) lines.push(`    ${pad(labels[p]!, w)}${pad(fmtIdx(sobol.first[p]), 24)}${fmtIdx(sobol.total[p])}`);
      for (const s of sobol.second ?? []) lines.push(`    S2 ${labels[s.parameters[0]]} x ${labels[s.parameters[1]]}: ${fmtIdx(s.value)}`);
    }
    if (morris) {
      lines.push(`  Morris elementary effects, r = ${morris.trajectories} (per whole range of the parameter), ${pct}% bootstrap intervals:`);
      lines.push(`    ${pad('parameter', w)}${pad('mu*', 30)}${pad('mu', 14)}sigma`);
      const order = [...params].sort((a, b) => (morris!.muStar[b]!.estimate || 0) - (morris!.muStar[a]!.estimate || 0));
      for (const p of order) {
        const ms = morris.muStar[p]!;
        lines.push(`    ${pad(labels[p]!, w)}${pad(`${formatNumber(ms.estimate)} [${formatNumber(ms.low)}, ${formatNumber(ms.high)}]`, 30)}${pad(formatNumber(morris.mu[p]!.estimate), 14)}${formatNumber(morris.sigma[p]!.estimate)}`);
      }
    }
    if (ranking) lines.push(`  ranking by ${sobol ? 'total index' : 'mu*'} (">": intervals apart, "≈": they overlap): ${ranking}`);
    if (!sobol && !morris && effects.length) {
      lines.push('  main effects (mean at the lowest / highest setting):');
      for (const e of effects) lines.push(`    ${pad(labels[e.parameter]!, w)}${e.lowLabel}: ${formatNumber(e.low)}   ${e.highLabel}: ${formatNumber(e.high)}`);
    }
    if (noiseShare !== null) lines.push(`  replication noise: ${(noiseShare * 100).toFixed(1)}% of the variance of the per-point means`);
    for (const wmsg of warnings) lines.push(`  warning: ${wmsg}`);
  }

  const sensitivity: SensitivityDocument = {
    format: 'hashsim-sensitivity/1',
    sweep: doc.name,
    design: doc.design.type,
    parameters: params,
    labels,
    replications: doc.replications,
    confidence: settings.confidence,
    bootstrap: settings.bootstrap,
    settings,
    base: baseDir && baseValues ? { dir: doc.baseline!, values: baseValues } : null,
    metrics: reports,
  };
  const cols: ParquetColumn[] = [
    { name: 'metric', type: 'utf8', values: pq.metric },
    { name: 'method', type: 'utf8', values: pq.method },
    { name: 'parameter', type: 'utf8', values: pq.parameter },
    { name: 'parameter2', type: 'utf8', values: pq.parameter2 },
    { name: 'index', type: 'utf8', values: pq.index },
    { name: 'estimate', type: 'float64', values: pq.estimate },
    { name: 'ci_low', type: 'float64', values: pq.low },
    { name: 'ci_high', type: 'float64', values: pq.high },
    { name: 'se', type: 'float64', values: pq.se },
    { name: 'n', type: 'int32', values: Int32Array.from(pq.n) },
    { name: 'confidence', type: 'float64', values: pq.metric.map(() => settings.confidence) },
    { name: 'output_variance', type: 'float64', values: pq.variance },
    { name: 'noise_share', type: 'float64', values: pq.noiseShare },
  ];
  await writeParquetFile(join(dir, ANALYSIS_FILES.sensitivity), cols);
  atomicWriteSync(join(dir, ANALYSIS_FILES.sensitivityJson), `${JSON.stringify(sensitivity, jsonNumbers, 2)}\n`);

  let discovery: DiscoveryDocument | null = null;
  if (settings.outcome) {
    discovery = await discover(dir, doc, table, settings, labels);
    atomicWriteSync(join(dir, ANALYSIS_FILES.discovery), `${JSON.stringify(discovery, jsonNumbers, 2)}\n`);
    lines.push(...discoveryLines(discovery));
  } else {
    rmSync(join(dir, ANALYSIS_FILES.discovery), { force: true });
  }
  return { sensitivity, discovery, lines };
}

/**
 * Replication noise of the per-point means under common random numbers. With y[x][r] the value at
 * point x in run r, the model y = m + f(x) + c(r) + e(x, r) has a run effect c shared by every point
 * (the common random numbers: it shifts all per-point means alike and leaves the indices unchanged)
 * and a residual e; the per-point mean carries e's average, of variance sigma_e^2 / R. sigma_e^2 is
 * estimated by the residual mean square of the two-way analysis of variance without replication,
 * over the runs that have a value at every point with one.
 */
export function replicationNoise(perPoint: readonly Map<number, number>[] | null): { variance: number; runs: number } | null {
  if (!perPoint) return null;
  const pts = perPoint.filter((m) => m.size > 0);
  if (pts.length < 2) return null;
  const runs = [...pts[0]!.keys()].filter((r) => pts.every((m) => m.has(r))).sort((a, b) => a - b);
  const R = runs.length;
  const P = pts.length;
  if (R < 2) return null;
  const y = pts.map((m) => runs.map((r) => m.get(r)!));
  const rowMean = y.map((row) => row.reduce((a, b) => a + b, 0) / R);
  const colMean = runs.map((_, c) => y.reduce((a, row) => a + row[c]!, 0) / P);
  const grand = rowMean.reduce((a, b) => a + b, 0) / P;
  let ss = 0;
  for (let i = 0; i < P; i++) for (let c = 0; c < R; c++) ss += (y[i]![c]! - rowMean[i]! - colMean[c]! + grand) ** 2;
  return { variance: ss / ((R - 1) * (P - 1)) / R, runs: R };
}

/** "a > b ≈ c": sorted by estimate, ">" between neighbours whose intervals are disjoint. */
export function rankingText(items: readonly { label: string; e: Estimate }[]): string | null {
  const ok = items.filter((i) => Number.isFinite(i.e.estimate)).sort((a, b) => b.e.estimate - a.e.estimate);
  if (ok.length < 2) return null;
  let s = ok[0]!.label;
  for (let i = 1; i < ok.length; i++) {
    const apart = Number.isFinite(ok[i - 1]!.e.low) && Number.isFinite(ok[i]!.e.high) && ok[i - 1]!.e.low > ok[i]!.e.high;
    s += ` ${apart ? '>' : '≈'} ${ok[i]!.label}`;
  }
  return s;
}

/** NaN (no estimate) is written as null. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

function discoveryLines(d: DiscoveryDocument): string[] {
  const out: string[] = [];
  out.push(`outcome "${d.outcome}" (per ${d.scope}): ${d.positives} of ${d.rows} ${d.scope}s (${(d.baseRate * 100).toFixed(1)}%)`);
  if (d.note) out.push(`  ${d.note}`);
  if (d.prim) {
    const b = d.prim.box;
    out.push(
      `  PRIM box: coverage ${(b.coverage * 100).toFixed(0)}%, density ${(b.density * 100).toFixed(0)}%, mass ${(b.mass * 100).toFixed(0)}%` +
        (d.prim.thresholdMet ? '' : ` (density threshold ${d.prim.settings.threshold} not reached: the densest box)`),
    );
    for (const [p, l] of Object.entries(b.limits)) {
      if (!l.restricted) continue;
      const sig = l.quasiP !== null && l.quasiP > PRIM_QUASI_P ? ' (not significant)' : '';
      out.push(`    ${d.labels[p] ?? p}: ${formatNumber(l.min)} .. ${formatNumber(l.max)} (of ${formatNumber(l.dataMin)} .. ${formatNumber(l.dataMax)})${l.quasiP !== null ? `, quasi-p ${l.quasiP.toExponential(1)}${sig}` : ''}`);
    }
    const s = d.prim.significant;
    if (s) {
      out.push(
        `  with only the significant restrictions (${s.restricted.map((p) => d.labels[p] ?? p).join(', ') || 'none'}): coverage ${(s.coverage * 100).toFixed(0)}%, density ${(s.density * 100).toFixed(0)}%, mass ${(s.mass * 100).toFixed(0)}%`,
      );
    }
  }
  if (d.cart) {
    const pos = d.cart.leaves.filter((l) => l.predicted);
    out.push(`  CART (accuracy ${(d.cart.accuracy * 100).toFixed(0)}%): ${pos.length} ${pos.length === 1 ? 'leaf' : 'leaves'} of interest`);
    for (const l of pos) out.push(`    ${l.conditions.join(' and ') || '(everything)'}: density ${(l.density * 100).toFixed(0)}%, coverage ${(l.coverage * 100).toFixed(0)}%`);
  }
  return out;
}

async function discover(dir: string, doc: SweepDocument, table: ParquetData, settings: AnalysisSpec, labels: Record<string, string>): Promise<DiscoveryDocument> {
  const checked = new Set<string>();
  let outcome: Outcome;
  try {
    outcome = parseOutcome(settings.outcome!);
  } catch (err) {
    if (err instanceof OutcomeError) throw new HashsimError(`analysis.outcome: ${err.message}`);
    throw err;
  }
  // Numeric parameters only (PRIM and CART need an order).
  const params = doc.parameters.filter((p) => {
    const c = table.columns[p];
    return c !== undefined && !Array.isArray(c);
  });
  const pcols = params.map((p) => table.columns[p] as Float64Array);
  const x: number[][] = params.map(() => []);
  const y: number[] = [];
  const pointCol = table.columns['point'] as Int32Array;
  const dirCol = table.columns['dir'] as (string | null)[];
  if (outcome.scope === 'point') {
    for (let i = 0; i < table.numRows; i++) {
      const value = (ref: OutcomeRef): number | null => {
        if (ref.kind !== 'point') return null;
        const c = table.columns[ref.column];
        if (!c || Array.isArray(c)) throw new HashsimError(`analysis.outcome: column "${ref.column}" is not in sweep.parquet`);
        const v = (c as Float64Array | Int32Array)[i]!;
        return Number.isFinite(v) ? v : null;
      };
      params.forEach((_, d) => x[d]!.push(pcols[d]![i]!));
      y.push(outcome.evaluate(value) ? 1 : 0);
    }
  } else {
    const runMetrics = [...new Set(outcome.refs.flatMap((r) => (r.kind === 'run' ? [r.metric] : [])))];
    for (let i = 0; i < table.numRows; i++) {
      const pdir = join(dir, dirCol[i] ?? `points/${pointCol[i]}`);
      await checkPointSet(pdir, outcome.miners.length > 0 ? [RESULT_FILES.runs, RESULT_FILES.miners] : [RESULT_FILES.runs], checked);
      const runs = await readParquetFile(join(pdir, RESULT_FILES.runs), { columns: ['run_index', 'status', ...runMetrics] });
      const status = runs.columns['status'] as (string | null)[];
      const runIdx = runs.columns['run_index'] as Int32Array;
      for (const m of runMetrics) {
        if (!runs.columns[m]) throw new HashsimError(`analysis.outcome: metric "${m}" is not in ${join(pdir, RESULT_FILES.runs)}`);
      }
      let minerVals: Map<string, number | null> | null = null;
      if (outcome.miners.length > 0) {
        const fields = [...new Set(outcome.refs.flatMap((r) => (r.kind === 'miner' ? [r.field] : [])))];
        const mt = await readParquetFile(join(pdir, RESULT_FILES.miners), { columns: ['run_index', 'miner', ...fields] });
        const names = mt.columns['miner'] as (string | null)[];
        const known = new Set(names.filter((n): n is string => n !== null));
        for (const name of outcome.miners) {
          if (!known.has(name)) {
            throw new HashsimError(`analysis.outcome: miner "${name}" is not a named miner of the sweep's scenarios (miners: ${[...known].join(', ') || 'none'})`);
          }
        }
        minerVals = new Map();
        const ri = mt.columns['run_index'] as Int32Array;
        for (let r = 0; r < mt.numRows; r++) {
          for (const f of fields) {
            const v = (mt.columns[f] as Float64Array)[r]!;
            minerVals.set(`${ri[r]}\u0000${names[r]}\u0000${f}`, Number.isFinite(v) ? v : null);
          }
        }
      }
      for (let r = 0; r < runs.numRows; r++) {
        if (status[r] !== 'ok') continue;
        const value = (ref: OutcomeRef): number | null => {
          if (ref.kind === 'run') {
            const v = (runs.columns[ref.metric] as Float64Array)[r]!;
            return Number.isFinite(v) ? v : null;
          }
          if (ref.kind === 'miner') return minerVals?.get(`${runIdx[r]}\u0000${ref.miner}\u0000${ref.field}`) ?? null;
          return null;
        };
        params.forEach((_, d) => x[d]!.push(pcols[d]![i]!));
        y.push(outcome.evaluate(value) ? 1 : 0);
      }
    }
  }
  const rows = y.length;
  const positives = y.reduce((a, b) => a + b, 0);
  let note: string | null = null;
  if (params.length === 0) note = 'no numeric parameter to search boxes over';
  else if (rows === 0) note = 'no rows (no successful runs)';
  else if (positives === 0) note = 'the outcome holds nowhere: nothing to discover';
  else if (positives === rows) note = 'the outcome holds everywhere: nothing to discover';
  let primOut: DiscoveryDocument['prim'] = null;
  let cartOut: DiscoveryDocument['cart'] = null;
  if (note === null) {
    const xs = x.map((c) => Float64Array.from(c));
    const r = prim(xs, y, settings.prim);
    const names = (b: PrimBox): string[] => b.restricted.map((d) => params[d]!);
    const limits: Record<string, { min: number; max: number; restricted: boolean; dataMin: number; dataMax: number; quasiP: number | null }> = {};
    const first = r.trajectory[0]!;
    params.forEach((p, d) => {
      const q = r.quasiP.find((e) => e.dim === d);
      limits[p] = { min: r.box.lo[d]!, max: r.box.hi[d]!, restricted: r.box.restricted.includes(d), dataMin: first.lo[d]!, dataMax: first.hi[d]!, quasiP: q ? Number(q.p.toPrecision(6)) : null };
    });
    const insignificant = r.quasiP.filter((q) => q.p > PRIM_QUASI_P).map((q) => q.dim);
    let significant: NonNullable<DiscoveryDocument['prim']>['significant'] = null;
    if (insignificant.length > 0) {
      const lo = r.box.lo.map((v, d) => (insignificant.includes(d) ? first.lo[d]! : v));
      const hi = r.box.hi.map((v, d) => (insignificant.includes(d) ? first.hi[d]! : v));
      const b = boxOf(xs, y, lo, hi);
      significant = { restricted: b.restricted.map((d) => params[d]!), coverage: round(b.coverage), density: round(b.density), mass: round(b.mass) };
    }
    primOut = {
      settings: settings.prim,
      significant,
      trajectory: r.trajectory.map((b, step) => ({ step, coverage: round(b.coverage), density: round(b.density), mass: round(b.mass), n: b.n, restricted: names(b) })),
      chosen: r.chosen,
      thresholdMet: r.thresholdMet,
      box: { coverage: round(r.box.coverage), density: round(r.box.density), mass: round(r.box.mass), n: r.box.n, positives: r.box.positives, limits },
    };
    const c = cart(xs, y, settings.cart);
    cartOut = {
      settings: settings.cart,
      accuracy: round(c.accuracy),
      leaves: c.leaves.map((l) => ({
        conditions: params.flatMap((p, d) => [
          ...(l.lo[d] !== null ? [`${p} > ${formatNumber(l.lo[d]!, 4)}`] : []),
          ...(l.hi[d] !== null ? [`${p} <= ${formatNumber(l.hi[d]!, 4)}`] : []),
        ]),
        n: l.n,
        positives: l.positives,
        density: round(l.density),
        coverage: round(l.coverage),
        predicted: l.predicted,
      })),
    };
  }
  return {
    format: 'hashsim-discovery/1',
    sweep: doc.name,
    outcome: outcome.text,
    scope: outcome.scope,
    parameters: params,
    labels,
    rows,
    positives,
    baseRate: rows ? round(positives / rows) : 0,
    note,
    prim: primOut,
    cart: cartOut,
  };
}

/** The sensitivity.json of a sweep folder, or null. */
export function readSensitivity(dir: string): SensitivityDocument | null {
  const f = join(dir, ANALYSIS_FILES.sensitivityJson);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as SensitivityDocument) : null;
}

/** The discovery.json of a sweep folder, or null. */
export function readDiscovery(dir: string): DiscoveryDocument | null {
  const f = join(dir, ANALYSIS_FILES.discovery);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as DiscoveryDocument) : null;
}
