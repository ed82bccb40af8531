/**
 * Comparison of two result sets A and B: per summary metric, the difference B - A with a 95%
 * confidence interval and distribution tests; per step and series metric, band differences.
 * Runs are paired (common random numbers) when both sets were run with the same seed: the run
 * with index i in A saw the same random draws as run i in B. See docs/COMPARE.md.
 */
import { HashsimError } from '../errors.ts';
import { quantileType7 } from '../results/bands.ts';
import { BAND_QUANTILES } from '../results/layout.ts';
import { loadResultSet, loadSeries, summaryByRun, type LoadedSet } from './load.ts';
import {
  bootstrapPaired,
  bootstrapUnpaired,
  kolmogorovSmirnov2,
  mannWhitneyU,
  studentTQuantile,
  tTestOneSample,
  tTestTwoSample,
  wilcoxonSignedRank,
  type BootstrapMethod,
} from './stats.ts';

export interface CompareOptions {
  /** Summary and series metrics to compare (default: all present in both sets). */
  readonly metrics?: readonly string[];
  /** Confidence level of every interval (default 0.95). */
  readonly level?: number;
  /** Bootstrap resamples for the summary-metric intervals (default 2000). */
  readonly resamples?: number;
  readonly bootstrapMethod?: BootstrapMethod;
  /** Seed of the bootstrap resampling (default 0): a comparison is deterministic. */
  readonly seed?: number;
  /** Compute per-step band differences (default true). */
  readonly steps?: boolean;
  /** Progress: summary metrics compared so far (then the series metrics), of the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SetInfo {
  readonly dir: string;
  readonly scenario: string;
  readonly scenarioSha256: string;
  readonly seed: string | number;
  readonly runs: number;
  readonly okRuns: number;
  readonly packageVersion: string;
  readonly gitCommit: string | null;
  /** A sweep point's (or the sweep base's) sweep name, point and parameter values, from its manifest. */
  readonly sweep?: { readonly name: string; readonly point: number | null; readonly values: Readonly<Record<string, unknown>> };
}

export interface MetricComparison {
  readonly metric: string;
  /** Values used: non-null values of ok runs (paired: pairs where both are non-null). */
  readonly nA: number;
  readonly nB: number;
  readonly nPairs: number | null;
  /** Ok runs in which the metric is null (the event never happened). */
  readonly nullA: number;
  readonly nullB: number;
  readonly meanA: number | null;
  readonly meanB: number | null;
  readonly medianA: number | null;
  readonly medianB: number | null;
  /** Sample standard deviations of the values (null with fewer than 2). */
  readonly sdA: number | null;
  readonly sdB: number | null;
  /** Difference of means B - A, in the metric's units. */
  readonly diff: number | null;
  /** diff as % of |mean A| (null when mean A is 0). */
  readonly diffPct: number | null;
  /** Bootstrap confidence interval of diff (the primary interval). */
  readonly ciLower: number | null;
  readonly ciUpper: number | null;
  readonly ciMethod: string;
  /** t interval of diff (paired t, or Welch), for reference. */
  readonly tLower: number | null;
  readonly tUpper: number | null;
  readonly tPValue: number | null;
  /** Difference of medians B - A. */
  readonly diffMedian: number | null;
  /** The primary test: Wilcoxon signed-rank (paired) or Mann-Whitney U (unpaired). */
  readonly test: string;
  readonly statistic: number | null;
  readonly pValue: number | null;
  /** Two-sample Kolmogorov-Smirnov on the marginal distributions (always computed). */
  readonly ksD: number | null;
  readonly ksPValue: number | null;
}

export interface StepComparison {
  readonly metric: string;
  readonly step: number;
  readonly day: number;
  readonly n: number;
  readonly meanA: number | null;
  readonly meanB: number | null;
  readonly diffMean: number | null;
  readonly ciLower: number | null;
  readonly ciUpper: number | null;
  readonly medianA: number | null;
  readonly medianB: number | null;
  readonly diffMedian: number | null;
  /** Quantiles of the paired differences B - A at this step (null when unpaired). */
  readonly diffP5: number | null;
  readonly diffP25: number | null;
  readonly diffP50: number | null;
  readonly diffP75: number | null;
  readonly diffP95: number | null;
}

export interface Comparison {
  readonly format: 'hashsim-compare/1';
  readonly a: SetInfo;
  readonly b: SetInfo;
  readonly paired: boolean;
  /** Why the comparison is (un)paired, in words. */
  readonly pairing: string;
  readonly level: number;
  readonly warnings: readonly string[];
  readonly metrics: readonly MetricComparison[];
  readonly steps: readonly StepComparison[];
}

interface ScenarioTiming {
  horizonDays: unknown;
  stepDays: unknown;
  sampleEverySteps: unknown;
  startDate: unknown;
}

function timingOf(resolved: unknown): ScenarioTiming {
  const s = (resolved ?? {}) as Record<string, unknown>;
  const output = (s.output ?? {}) as Record<string, unknown>;
  const start = (s.start ?? {}) as Record<string, unknown>;
  return { horizonDays: s.horizonDays, stepDays: s.stepDays, sampleEverySteps: output.sampleEverySteps, startDate: start.date };
}

/** Throws when the two scenarios' steps do not line up; returns warnings for lesser differences. */
export function checkComparable(a: LoadedSet, b: LoadedSet): string[] {
  const ta = timingOf(a.manifest.scenario.resolved);
  const tb = timingOf(b.manifest.scenario.resolved);
  const clash: string[] = [];
  if (ta.horizonDays !== tb.horizonDays) clash.push(`horizonDays ${String(ta.horizonDays)} vs ${String(tb.horizonDays)}`);
  if (ta.stepDays !== tb.stepDays) clash.push(`stepDays ${String(ta.stepDays)} vs ${String(tb.stepDays)}`);
  if (ta.sampleEverySteps !== tb.sampleEverySteps) {
    clash.push(`output.sampleEverySteps ${String(ta.sampleEverySteps)} vs ${String(tb.sampleEverySteps)}`);
  }
  if (clash.length) {
    throw new HashsimError(
      `cannot compare ${a.dir} with ${b.dir}: their scenarios sample different steps (${clash.join('; ')}); ` +
        'compare result sets whose scenarios share horizonDays, stepDays and output.sampleEverySteps',
    );
  }
  const warnings: string[] = [];
  if (a.manifest.package.version !== b.manifest.package.version) {
    warnings.push(
      `package versions differ (A: ${a.manifest.package.version}, B: ${b.manifest.package.version}): ` +
        'differences may come from the model code, not only from the scenarios',
    );
  }
  if (ta.startDate !== tb.startDate) {
    warnings.push(`start dates differ (A: ${String(ta.startDate)}, B: ${String(tb.startDate)}): steps are compared by index`);
  }
  return warnings;
}

function setInfo(s: LoadedSet): SetInfo {
  const m = s.manifest;
  return {
    dir: s.dir,
    scenario: m.scenario.name,
    scenarioSha256: m.scenario.sha256,
    seed: m.seed,
    runs: s.runs.numRows,
    okRuns: s.okRuns.size,
    packageVersion: m.package.version,
    gitCommit: m.gitCommit,
    ...(m.sweep ? { sweep: m.sweep } : {}),
  };
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function medianOf(xs: readonly number[]): number {
  const s = Float64Array.from(xs).sort();
  return quantileType7(s, 0.5);
}

/** null for NaN/Infinity-free JSON and Parquet nulls. */
function nz(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v;
}

/** Stable small integer from a string, so each metric gets its own bootstrap stream. */
function metricSeed(base: number, metric: string): string {
  return `${base}/${metric}`;
}

function compareMetric(
  metric: string,
  a: Map<number, number>,
  b: Map<number, number>,
  pairs: readonly number[] | null,
  o: Required<Pick<CompareOptions, 'level' | 'resamples' | 'bootstrapMethod' | 'seed'>>,
): MetricComparison {
  const valsA = [...a.values()].filter(Number.isFinite);
  const valsB = [...b.values()].filter(Number.isFinite);
  const nullA = a.size - valsA.length;
  const nullB = b.size - valsB.length;
  let xa = valsA;
  let xb = valsB;
  let nPairs: number | null = null;
  if (pairs) {
    xa = [];
    xb = [];
    for (const r of pairs) {
      const va = a.get(r);
      const vb = b.get(r);
      if (va !== undefined && vb !== undefined && Number.isFinite(va) && Number.isFinite(vb)) {
        xa.push(va);
        xb.push(vb);
      }
    }
    nPairs = xa.length;
  }
  const meanA = valsA.length ? mean(valsA) : NaN;
  const meanB = valsB.length ? mean(valsB) : NaN;
  const medianA = valsA.length ? medianOf(valsA) : NaN;
  const medianB = valsB.length ? medianOf(valsB) : NaN;
  // The difference is estimated on the values the interval uses (the pairs when paired).
  const diff = xa.length && xb.length ? mean(xb) - mean(xa) : NaN;
  const bootOpts = { level: o.level, resamples: o.resamples, method: o.bootstrapMethod, seed: metricSeed(o.seed, metric) };
  let ci;
  let t;
  let test;
  if (pairs) {
    ci = bootstrapPaired(xa, xb, undefined, bootOpts);
    t = tTestOneSample(xb.map((v, i) => v - xa[i]!), o.level);
    test = wilcoxonSignedRank(xb, xa);
  } else {
    ci = bootstrapUnpaired(xa, xb, undefined, bootOpts);
    const w = tTestTwoSample(xb, xa, { level: o.level });
    t = w;
    test = mannWhitneyU(xb, xa);
  }
  const ks = kolmogorovSmirnov2(xa, xb);
  const base = pairs ? (xa.length ? mean(xa) : NaN) : meanA;
  return {
    metric,
    nA: pairs ? xa.length : valsA.length,
    nB: pairs ? xb.length : valsB.length,
    nPairs,
    nullA,
    nullB,
    meanA: nz(meanA),
    meanB: nz(meanB),
    medianA: nz(medianA),
    medianB: nz(medianB),
    sdA: valsA.length > 1 ? nz(sampleSd(valsA)) : null,
    sdB: valsB.length > 1 ? nz(sampleSd(valsB)) : null,
    diff: nz(diff),
    diffPct: base !== 0 && Number.isFinite(base) ? nz((100 * diff) / Math.abs(base)) : null,
    ciLower: nz(ci.lower),
    ciUpper: nz(ci.upper),
    ciMethod: ci.method,
    tLower: nz(t.lower),
    tUpper: nz(t.upper),
    tPValue: nz(t.pValue),
    diffMedian: xa.length && xb.length ? nz(medianOf(xb) - medianOf(xa)) : null,
    test: test.method + (test.exact ? ' (exact)' : ' (normal approx.)'),
    // No values at all (e.g. an event that never happened in either set): no test.
    statistic: xa.length && xb.length ? nz(test.statistic) : null,
    pValue: xa.length && xb.length ? nz(test.pValue) : null,
    ksD: nz(ks.statistic),
    ksPValue: nz(ks.pValue),
  };
}

const BAND_PS = BAND_QUANTILES.map(([, p]) => p);

function sampleSd(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

/**
 * Metrics that are codes or indexes, not quantities: a difference of their means means nothing
 * (compact `bits` encodes a target in a floating-point-like format; `calibration_draw` is the index
 * of a posterior draw). They are left out of the comparison, with a note.
 */
export const NOT_DIFFERENCED = new Set(['bits', 'calibration_draw']);

interface StepTable {
  /** step -> (run index -> row) */
  readonly rows: Map<number, Map<number, number>>;
  readonly day: Map<number, number>;
}

function indexSeries(data: { numRows: number; columns: Readonly<Record<string, unknown>> }, ok: ReadonlySet<number>): StepTable {
  const run = data.columns.run_index as Int32Array;
  const step = data.columns.step as Int32Array;
  const day = data.columns.day as Float64Array;
  const rows = new Map<number, Map<number, number>>();
  const days = new Map<number, number>();
  for (let i = 0; i < data.numRows; i++) {
    if (!ok.has(run[i]!)) continue;
    const s = step[i]!;
    let m = rows.get(s);
    if (!m) {
      m = new Map();
      rows.set(s, m);
      days.set(s, day[i]!);
    }
    m.set(run[i]!, i);
  }
  return { rows, day: days };
}

async function compareSteps(
  a: LoadedSet,
  b: LoadedSet,
  pairs: readonly number[] | null,
  metricsFilter: ReadonlySet<string> | null,
  level: number,
): Promise<StepComparison[]> {
  const sa = await loadSeries(a);
  const sb = await loadSeries(b);
  const ta = indexSeries(sa.data, a.okRuns);
  const tb = indexSeries(sb.data, b.okRuns);
  const stepsA = [...ta.rows.keys()].sort((x, y) => x - y);
  const stepsB = [...tb.rows.keys()].sort((x, y) => x - y);
  const common = stepsA.filter((s) => tb.rows.has(s));
  for (const s of common) {
    if (ta.day.get(s) !== tb.day.get(s)) {
      throw new HashsimError(`cannot compare ${a.dir} with ${b.dir}: step ${s} is day ${ta.day.get(s)} in A but day ${tb.day.get(s)} in B`);
    }
  }
  if (stepsA.length !== stepsB.length || common.length !== stepsA.length) {
    throw new HashsimError(
      `cannot compare ${a.dir} with ${b.dir}: series steps differ (A has ${stepsA.length} sampled steps, B has ${stepsB.length})`,
    );
  }
  const metrics = sa.metrics.filter((m) => sb.metrics.includes(m) && (!metricsFilter || metricsFilter.has(m)) && !NOT_DIFFERENCED.has(m));
  const out: StepComparison[] = [];
  const zq = (df: number): number => studentTQuantile(1 - (1 - level) / 2, df);
  for (const metric of metrics) {
    const ca = sa.data.columns[metric] as Float64Array;
    const cb = sb.data.columns[metric] as Float64Array;
    for (const s of common) {
      const ra = ta.rows.get(s)!;
      const rb = tb.rows.get(s)!;
      const va: number[] = [];
      const vb: number[] = [];
      let dq: (number | null)[] = [null, null, null, null, null];
      let ciLower = NaN;
      let ciUpper = NaN;
      if (pairs) {
        // Paired t interval of the mean difference at each step (a bootstrap per step and metric
        // would cost steps x metrics x B resamples; the mean of many runs is close to normal).
        const d: number[] = [];
        for (const r of pairs) {
          const ia = ra.get(r);
          const ib = rb.get(r);
          if (ia === undefined || ib === undefined) continue;
          const x = ca[ia]!;
          const y = cb[ib]!;
          if (Number.isNaN(x) || Number.isNaN(y)) continue;
          va.push(x);
          vb.push(y);
          d.push(y - x);
        }
        if (d.length >= 2) {
          const md = mean(d);
          let ss = 0;
          for (const v of d) ss += (v - md) ** 2;
          const se = Math.sqrt(ss / (d.length - 1) / d.length);
          const q = zq(d.length - 1);
          ciLower = md - q * se;
          ciUpper = md + q * se;
        }
        if (d.length > 0) {
          const sorted = Float64Array.from(d).sort();
          dq = BAND_PS.map((p) => nz(quantileType7(sorted, p)));
        }
      } else {
        for (const i of ra.values()) if (!Number.isNaN(ca[i]!)) va.push(ca[i]!);
        for (const i of rb.values()) if (!Number.isNaN(cb[i]!)) vb.push(cb[i]!);
        const w = tTestTwoSample(vb, va, { level });
        ciLower = w.lower;
        ciUpper = w.upper;
      }
      const meanA = va.length ? mean(va) : NaN;
      const meanB = vb.length ? mean(vb) : NaN;
      const medianA = va.length ? medianOf(va) : NaN;
      const medianB = vb.length ? medianOf(vb) : NaN;
      out.push({
        metric,
        step: s,
        day: ta.day.get(s)!,
        n: pairs ? va.length : Math.min(va.length, vb.length),
        meanA: nz(meanA),
        meanB: nz(meanB),
        diffMean: nz(meanB - meanA),
        ciLower: nz(ciLower),
        ciUpper: nz(ciUpper),
        medianA: nz(medianA),
        medianB: nz(medianB),
        diffMedian: nz(medianB - medianA),
        diffP5: dq[0]!,
        diffP25: dq[1]!,
        diffP50: dq[2]!,
        diffP75: dq[3]!,
        diffP95: dq[4]!,
      });
    }
  }
  return out;
}

/** Pairing rule: same master seed, matched by run index; error runs drop out pairwise. */
function pairing(a: LoadedSet, b: LoadedSet): { pairs: number[] | null; text: string; warnings: string[] } {
  const warnings: string[] = [];
  if (String(a.manifest.seed) !== String(b.manifest.seed)) {
    return {
      pairs: null,
      text: `unpaired: the sets were run with different seeds (${String(a.manifest.seed)} vs ${String(b.manifest.seed)}), so runs share no random numbers`,
      warnings,
    };
  }
  const idxA = new Set(Array.from(a.runs.columns.run_index as Int32Array));
  const idxB = new Set(Array.from(b.runs.columns.run_index as Int32Array));
  const shared = [...idxA].filter((r) => idxB.has(r)).sort((x, y) => x - y);
  if (shared.length === 0) {
    return { pairs: null, text: 'unpaired: same seed but no run index in common', warnings };
  }
  if (shared.length !== idxA.size || shared.length !== idxB.size) {
    warnings.push(`only ${shared.length} run indexes are in both sets (A has ${idxA.size}, B has ${idxB.size}); the others are left out of the paired comparison`);
  }
  const pairs = shared.filter((r) => a.okRuns.has(r) && b.okRuns.has(r));
  const dropped = shared.length - pairs.length;
  if (dropped > 0) warnings.push(`${dropped} run pair(s) left out because the run failed in A or B`);
  if (pairs.length < 2) return { pairs: null, text: 'unpaired: fewer than 2 ok run pairs', warnings };
  return {
    pairs,
    text: `paired: same seed ${String(a.manifest.seed)}, ${pairs.length} runs matched by run index (common random numbers)`,
    warnings,
  };
}

/** Compares result set B against A (differences are B - A). */
export async function compareResultSets(dirA: string, dirB: string, options: CompareOptions = {}): Promise<Comparison> {
  const a = await loadResultSet(dirA);
  const b = await loadResultSet(dirB);
  const warnings = checkComparable(a, b);
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new HashsimError(`level must be in (0, 1), got ${level}`);
  const p = pairing(a, b);
  warnings.push(...p.warnings);
  const filter = options.metrics && options.metrics.length ? new Set(options.metrics) : null;
  const summaryMetrics = a.summaryMetrics.filter((m) => b.summaryMetrics.includes(m) && (!filter || filter.has(m)) && !NOT_DIFFERENCED.has(m));
  const onlyOne = [...a.summaryMetrics.filter((m) => !b.summaryMetrics.includes(m)), ...b.summaryMetrics.filter((m) => !a.summaryMetrics.includes(m))];
  if (onlyOne.length) warnings.push(`summary metrics in only one set (not compared): ${onlyOne.join(', ')}`);
  const o = {
    level,
    resamples: options.resamples ?? 2000,
    bootstrapMethod: options.bootstrapMethod ?? ('bca' as const),
    seed: options.seed ?? 0,
  };
  const total = summaryMetrics.length + (options.steps === false ? 0 : 1);
  const metrics = summaryMetrics.map((m, i) => {
    const r = compareMetric(m, summaryByRun(a, m), summaryByRun(b, m), p.pairs, o);
    options.onProgress?.(i + 1, total);
    return r;
  });
  const steps = options.steps === false ? [] : await compareSteps(a, b, p.pairs, filter, level);
  if (options.steps !== false) options.onProgress?.(total, total);
  if (filter) {
    const known = new Set([...summaryMetrics, ...steps.map((s) => s.metric), ...NOT_DIFFERENCED]);
    const unknown = [...filter].filter((m) => !known.has(m));
    if (unknown.length) {
      throw new HashsimError(`--metrics: unknown metric(s) ${unknown.join(', ')}; summary metrics are ${a.summaryMetrics.join(', ')}`);
    }
  }
  return {
    format: 'hashsim-compare/1',
    a: setInfo(a),
    b: setInfo(b),
    paired: p.pairs !== null,
    pairing: p.text,
    level,
    warnings,
    metrics,
    steps,
  };
}
