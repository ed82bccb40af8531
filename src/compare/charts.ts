/**
 * Comparison charts through the charts module's spec builders: A vs B quantile bands per series
 * metric, paired-difference bands over time, paired-difference histograms of summary metrics and
 * a forest plot of relative differences. Written as Vega-Lite JSON and SVG.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../charts/render.ts';
import { bandRowsFromParquet, startDateOf } from '../charts/resultset.ts';
import { compareBandsChart, differenceBandsChart, forestChart, pairedDifferenceChart, type CompareBandRow } from '../charts/specs/compare.ts';
import { RESULT_FILES } from '../results/layout.ts';
import { readManifest } from '../results/manifest.ts';
import { readParquetFile } from '../results/parquet.ts';
import type { Comparison } from './compare.ts';
import { loadResultSet, summaryByRun } from './load.ts';

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Builds the comparison chart specs (no rendering). */
export async function buildComparisonCharts(c: Comparison): Promise<{ name: string; spec: TopLevelSpec }[]> {
  const out: { name: string; spec: TopLevelSpec }[] = [];
  const labelA = `A: ${c.a.scenario}`;
  const labelB = `B: ${c.b.scenario}`;
  const manifest = await readManifest(c.a.dir);
  const startDate = startDateOf(manifest);
  const bandsA = bandRowsFromParquet(await readParquetFile(join(c.a.dir, RESULT_FILES.bands)));
  const bandsB = bandRowsFromParquet(await readParquetFile(join(c.b.dir, RESULT_FILES.bands)));
  const stepMetrics = [...new Set(c.steps.map((s) => s.metric))];
  for (const metric of stepMetrics) {
    const bByStep = new Map(bandsB.filter((r) => r.metric === metric).map((r) => [r.step, r]));
    const rows: CompareBandRow[] = [];
    for (const ra of bandsA.filter((r) => r.metric === metric)) {
      const rb = bByStep.get(ra.step);
      if (!rb) continue;
      rows.push({
        step: ra.step,
        day: ra.day,
        a_p5: ra.p5,
        a_p25: ra.p25,
        a_p50: ra.p50,
        a_p75: ra.p75,
        a_p95: ra.p95,
        b_p5: rb.p5,
        b_p25: rb.p25,
        b_p50: rb.p50,
        b_p75: rb.p75,
        b_p95: rb.p95,
      });
    }
    const spec = compareBandsChart(rows, { metric, labelA, labelB, startDate });
    if (spec) out.push({ name: `bands-${safeName(metric)}`, spec });
    if (c.paired) {
      const diffRows = c.steps
        .filter((s) => s.metric === metric)
        .map((s) => ({ step: s.step, day: s.day, mean: s.diffMean, p5: s.diffP5, p25: s.diffP25, p50: s.diffP50, p75: s.diffP75, p95: s.diffP95 }));
      const dspec = differenceBandsChart(diffRows, { metric, labelA, labelB, startDate });
      if (dspec) out.push({ name: `diff-bands-${safeName(metric)}`, spec: dspec });
    }
  }
  if (c.paired) {
    const a = await loadResultSet(c.a.dir);
    const b = await loadResultSet(c.b.dir);
    for (const m of c.metrics) {
      const va = summaryByRun(a, m.metric);
      const vb = summaryByRun(b, m.metric);
      const diffs: number[] = [];
      for (const [r, x] of va) {
        const y = vb.get(r);
        if (y !== undefined && Number.isFinite(x) && Number.isFinite(y)) diffs.push(y - x);
      }
      const ci = m.ciLower !== null && m.ciUpper !== null ? { lo: m.ciLower, hi: m.ciUpper, level: c.level } : undefined;
      const spec = pairedDifferenceChart(diffs, { metric: m.metric, labelA, labelB, ...(ci ? { ci } : {}) });
      if (spec) out.push({ name: `paired-${safeName(m.metric)}`, spec });
    }
  }
  // Standardised: every metric on one readable scale, including those whose mean in A is 0 (e.g.
  // MW pivoted to AI without a pivot in A): the difference in pooled standard deviations of A and B.
  const forestRows = c.metrics
    .map((m) => ({ m, sd: pooledSd(m.sdA, m.sdB) }))
    .filter(({ m, sd }) => sd !== null && sd > 0 && m.diff !== null && m.ciLower !== null && m.ciUpper !== null)
    .map(({ m, sd }) => ({ label: m.metric, estimate: m.diff! / sd!, lo: m.ciLower! / sd!, hi: m.ciUpper! / sd! }));
  const forest = forestChart(forestRows, {
    title: `${labelB} vs ${labelA}`,
    xTitle: `Difference of means in pooled SDs of A and B (${Math.round(c.level * 100)}% CI)`,
    subtitle: c.pairing,
  });
  if (forest) out.push({ name: 'forest', spec: forest });
  return out;
}

/** Writes every comparison chart as <name>.vl.json and <name>.svg under `dir`. */
export async function writeComparisonCharts(c: Comparison, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const { name, spec } of await buildComparisonCharts(c)) {
    const json = join(dir, `${name}.vl.json`);
    await writeFile(json, `${JSON.stringify(spec, null, 2)}\n`);
    const svg = join(dir, `${name}.svg`);
    await writeFile(svg, await renderSvg(spec));
    written.push(json, svg);
  }
  return written;
}

/** sqrt((sdA^2 + sdB^2) / 2); the one defined when only one is. */
export function pooledSd(a: number | null, b: number | null): number | null {
  if (a === null && b === null) return null;
  if (a === null) return b;
  if (b === null) return a;
  return Math.sqrt((a * a + b * b) / 2);
}
