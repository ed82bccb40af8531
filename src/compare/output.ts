import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../results/manifest.ts';
import { writeParquetFile, type ParquetColumn } from '../results/parquet.ts';
import type { Comparison, MetricComparison, SetInfo, StepComparison } from './compare.ts';

export const COMPARE_FILES = {
  json: 'compare.json',
  metrics: 'compare.parquet',
  steps: 'compare_steps.parquet',
  charts: 'charts',
} as const;

function paramValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Last part of a parameter path: `strategies.aiCapable.aiPivot.revenueUsdPerMwYear` -> `aiPivot.revenueUsdPerMwYear`. */
function shortPath(path: string): string {
  const parts = path.split('.');
  return parts.length > 2 ? parts.slice(-2).join('.') : path;
}

/**
 * What names a set in tables and charts: the scenario, or for a sweep's point the sweep, the point
 * and its parameter values ("grid point 2: price.driftAnnual=0.2"), so two points of one sweep never
 * both read "scenario minimal".
 */
export function setName(s: SetInfo): string {
  const sw = s.sweep;
  if (!sw) return s.scenario;
  if (sw.point === null) return `${sw.name} base (${s.scenario})`;
  const values = Object.entries(sw.values).map(([k, v]) => `${shortPath(k)}=${paramValue(v)}`);
  return `${sw.name} point ${sw.point}${values.length ? `: ${values.join(', ')}` : ''}`;
}

/** "A: <name>" and "B: <name>", with the seed (or folder) added when both names are the same. */
export function sideLabels(c: Pick<Comparison, 'a' | 'b'>): { labelA: string; labelB: string } {
  let a = setName(c.a);
  let b = setName(c.b);
  if (a === b) {
    if (String(c.a.seed) !== String(c.b.seed)) {
      a += ` (seed ${String(c.a.seed)})`;
      b += ` (seed ${String(c.b.seed)})`;
    } else {
      const tail = (d: string) => d.split(/[\\/]/).filter(Boolean).slice(-1)[0] ?? d;
      a += ` (${tail(c.a.dir)})`;
      b += ` (${tail(c.b.dir)})`;
    }
  }
  return { labelA: `A: ${a}`, labelB: `B: ${b}` };
}

/** Compact number for the terminal: 4 significant digits, exponent outside [1e-3, 1e7). */
export function fmt(v: number | null): string {
  if (v === null) return '-';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e7 || a < 1e-3) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

/**
 * Means of A and B with enough significant digits that their printed values differ when their
 * difference is not 0 (4 digits at least): 1045000 vs 1045119, not 1045000 and 1045000.
 */
export function fmtMeans(a: number | null, b: number | null): [string, string] {
  if (a === null || b === null || a === b || a === 0 || b === 0) return [fmt(a), fmt(b)];
  const scale = Math.max(Math.abs(a), Math.abs(b));
  const digits = Math.min(15, Math.max(4, Math.ceil(Math.log10(scale / Math.abs(b - a))) + 3));
  const f = (v: number) => {
    const x = Math.abs(v);
    if (x >= 1e7 || x < 1e-3) return v.toExponential(digits - 1);
    return Number(v.toPrecision(digits)).toString();
  };
  return [f(a), f(b)];
}

export function fmtP(p: number | null): string {
  if (p === null) return '-';
  if (p < 1e-4) return '<1e-4';
  return p.toFixed(4);
}

function stars(p: number | null): string {
  if (p === null) return '';
  return p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : '';
}

/** A readable aligned table of the summary-metric comparison (plus header lines and warnings). */
export function formatComparison(c: Comparison): string {
  const lines: string[] = [];
  const what = (s: SetInfo) => (s.sweep ? setName(s) : `scenario ${s.scenario}`);
  lines.push(`A: ${c.a.dir} (${what(c.a)}, seed ${String(c.a.seed)}, ${c.a.okRuns}/${c.a.runs} ok runs)`);
  lines.push(`B: ${c.b.dir} (${what(c.b)}, seed ${String(c.b.seed)}, ${c.b.okRuns}/${c.b.runs} ok runs)`);
  lines.push(c.pairing);
  const pct = Math.round(c.level * 100);
  const testName = c.paired ? 'Wilcoxon signed-rank' : 'Mann-Whitney U';
  lines.push(
    `diff = mean(B) - mean(A); ${pct}% CI: ${c.paired ? 'paired' : 'unpaired'} BCa bootstrap of the mean difference; ` +
      `p mean: ${c.paired ? 'paired t' : 'Welch t'} test of the same mean difference (matches the CI); ` +
      `p median: ${testName}, a test of a median / location shift (it can be small while the mean's CI spans 0); KS p: two-sample Kolmogorov-Smirnov`,
  );
  lines.push('');
  const header = ['metric', 'n', 'mean A', 'mean B', 'median A', 'median B', 'diff B-A', `${pct}% CI`, 'diff %', 'p mean', '', 'p median', 'KS p'];
  const rows = c.metrics.map((m: MetricComparison) => {
    const [ma, mb] = fmtMeans(m.meanA, m.meanB);
    const [da, db] = fmtMeans(m.medianA, m.medianB);
    return [
      m.metric,
      m.nPairs !== null ? String(m.nPairs) : `${m.nA}/${m.nB}`,
      ma,
      mb,
      da,
      db,
      fmt(m.diff),
      m.ciLower === null ? '-' : `[${fmt(m.ciLower)}, ${fmt(m.ciUpper)}]`,
      m.diffPct === null ? '-' : `${m.diffPct >= 0 ? '+' : ''}${m.diffPct.toFixed(1)}%`,
      fmtP(m.tPValue),
      stars(m.tPValue),
      fmtP(m.pValue),
      fmtP(m.ksPValue),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 || i === 10 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  lines.push(line(header));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) lines.push(line(r));
  if (c.metrics.length === 0) lines.push('(no summary metrics in common)');
  lines.push('');
  lines.push('* p mean < 0.05, ** < 0.01, *** < 0.001 (per metric, not adjusted for multiple comparisons)');
  if (c.steps.length) {
    const metrics = [...new Set(c.steps.map((s) => s.metric))];
    lines.push(`per-step band differences: ${metrics.length} series metrics x ${c.steps.length / Math.max(1, metrics.length)} steps (see ${COMPARE_FILES.steps})`);
    // The last step of each series metric, the one a reader most often asks about.
    const last = new Map<string, StepComparison>();
    for (const s of c.steps) last.set(s.metric, s);
    const sh = ['series metric (last step)', 'day', 'mean A', 'mean B', 'diff', `${pct}% CI`, 'median diff'];
    const srows = [...last.values()].map((s) => [
      s.metric,
      String(s.day),
      fmt(s.meanA),
      fmt(s.meanB),
      fmt(s.diffMean),
      s.ciLower === null ? '-' : `[${fmt(s.ciLower)}, ${fmt(s.ciUpper)}]`,
      fmt(s.diffMedian),
    ]);
    const sw = sh.map((h, i) => Math.max(h.length, ...srows.map((r) => r[i]!.length)));
    const sl = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(sw[i]!) : cell.padStart(sw[i]!))).join('  ');
    lines.push('');
    lines.push(sl(sh));
    lines.push(sw.map((w) => '-'.repeat(w)).join('  '));
    for (const r of srows) lines.push(sl(r));
  }
  for (const w of c.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

function floatCol(name: string, values: (number | null)[]): ParquetColumn {
  return { name, type: 'float64', values };
}

/** Writes compare.json, compare.parquet (one row per summary metric) and compare_steps.parquet. */
export async function writeComparison(c: Comparison, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const jsonPath = join(outDir, COMPARE_FILES.json);
  await atomicWrite(jsonPath, `${JSON.stringify(c, null, 2)}\n`);
  written.push(jsonPath);
  const m = c.metrics;
  const metricsPath = join(outDir, COMPARE_FILES.metrics);
  await writeParquetFile(metricsPath, [
    { name: 'metric', type: 'utf8', values: m.map((r) => r.metric) },
    { name: 'paired', type: 'int32', values: m.map(() => (c.paired ? 1 : 0)) },
    { name: 'n_a', type: 'int32', values: m.map((r) => r.nA) },
    { name: 'n_b', type: 'int32', values: m.map((r) => r.nB) },
    { name: 'n_pairs', type: 'int32', values: m.map((r) => r.nPairs) },
    { name: 'null_a', type: 'int32', values: m.map((r) => r.nullA) },
    { name: 'null_b', type: 'int32', values: m.map((r) => r.nullB) },
    floatCol('mean_a', m.map((r) => r.meanA)),
    floatCol('mean_b', m.map((r) => r.meanB)),
    floatCol('median_a', m.map((r) => r.medianA)),
    floatCol('median_b', m.map((r) => r.medianB)),
    floatCol('diff', m.map((r) => r.diff)),
    floatCol('diff_pct', m.map((r) => r.diffPct)),
    floatCol('ci_lower', m.map((r) => r.ciLower)),
    floatCol('ci_upper', m.map((r) => r.ciUpper)),
    { name: 'ci_method', type: 'utf8', values: m.map((r) => r.ciMethod) },
    floatCol('t_ci_lower', m.map((r) => r.tLower)),
    floatCol('t_ci_upper', m.map((r) => r.tUpper)),
    floatCol('t_p_value', m.map((r) => r.tPValue)),
    floatCol('diff_median', m.map((r) => r.diffMedian)),
    { name: 'test', type: 'utf8', values: m.map((r) => r.test) },
    floatCol('statistic', m.map((r) => r.statistic)),
    floatCol('p_value', m.map((r) => r.pValue)),
    floatCol('ks_d', m.map((r) => r.ksD)),
    floatCol('ks_p_value', m.map((r) => r.ksPValue)),
  ]);
  written.push(metricsPath);
  const s = c.steps;
  const stepsPath = join(outDir, COMPARE_FILES.steps);
  await writeParquetFile(stepsPath, [
    { name: 'metric', type: 'utf8', values: s.map((r) => r.metric) },
    { name: 'step', type: 'int32', values: Int32Array.from(s.map((r) => r.step)) },
    floatCol('day', s.map((r) => r.day)),
    { name: 'n', type: 'int32', values: Int32Array.from(s.map((r) => r.n)) },
    floatCol('mean_a', s.map((r) => r.meanA)),
    floatCol('mean_b', s.map((r) => r.meanB)),
    floatCol('diff_mean', s.map((r) => r.diffMean)),
    floatCol('ci_lower', s.map((r) => r.ciLower)),
    floatCol('ci_upper', s.map((r) => r.ciUpper)),
    floatCol('median_a', s.map((r) => r.medianA)),
    floatCol('median_b', s.map((r) => r.medianB)),
    floatCol('diff_median', s.map((r) => r.diffMedian)),
    floatCol('diff_p5', s.map((r) => r.diffP5)),
    floatCol('diff_p25', s.map((r) => r.diffP25)),
    floatCol('diff_p50', s.map((r) => r.diffP50)),
    floatCol('diff_p75', s.map((r) => r.diffP75)),
    floatCol('diff_p95', s.map((r) => r.diffP95)),
  ]);
  written.push(stepsPath);
  return written;
}
