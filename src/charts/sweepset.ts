import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { readParquetFile } from '../results/parquet.ts';
import { atomicWrite } from '../results/atomic.ts';
import { HashsimError } from '../errors.ts';
import { sweepHeatmap, tornadoChart, tornadoFromSweep, type SweepPoint } from './specs/sweep.ts';
import { axisTitle, metricInfo } from './metrics.ts';
import { renderSvg, svgToPng } from './render.ts';
import type { RenderedChart } from './resultset.ts';

/** Summary metrics charted for a sweep when present and varying across points, in this order. */
const HEADLINE = [
  'final_hashrate_ehs',
  'max_hashrate_drawdown_pct',
  'miners_exited',
  'final_hashprice_usd_per_ph_day',
  'sold_total_btc',
  'final_treasury_btc',
  'liquidations_total',
  'mw_pivoted',
  'final_attack_cost_usd_per_hour',
  'final_hhi',
] as const;

/** At most this many statistics get a heatmap and a tornado each (the rest is in sweep.csv). */
const MAX_METRICS = 6;

interface SweepJson {
  readonly format?: string;
  readonly name?: string;
  readonly design?: { readonly type?: string };
  readonly parameters?: readonly string[];
}

/** True when a folder holds a sweep written by `hashsim sweep` (sweep.json + sweep.parquet). */
export function isSweepDir(dir: string): boolean {
  return existsSync(join(dir, 'sweep.json')) && existsSync(join(dir, 'sweep.parquet'));
}

/** Rows of sweep.parquet as plain records. */
async function readSweepPoints(dir: string): Promise<SweepPoint[]> {
  const t = await readParquetFile(join(dir, 'sweep.parquet'));
  const rows: SweepPoint[] = [];
  for (let i = 0; i < t.numRows; i++) {
    const row: Record<string, number | string | null> = {};
    for (const n of t.names) {
      const c = t.columns[n] as ArrayLike<unknown> | undefined;
      const v = c ? c[i] : null;
      row[n] = typeof v === 'number' ? (Number.isFinite(v) ? v : null) : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? v : null;
    }
    rows.push(row);
  }
  return rows;
}

/** Short axis name of a sweep parameter path, e.g. "miners[0].powerPriceUsdPerMWh". */
const paramTitle = (p: string): string => p;

/**
 * Heatmaps (grid designs with two or more parameters: the first two, others averaged) and tornado
 * charts of the mean over replications of the headline summary metrics that vary across points.
 */
export function buildSweepCharts(points: readonly SweepPoint[], meta: { parameters: readonly string[]; design: string; name: string }): Array<{ name: string; title: string; spec: TopLevelSpec }> {
  const out: Array<{ name: string; title: string; spec: TopLevelSpec }> = [];
  const varies = (col: string): boolean => {
    const v = points.map((p) => p[col]).filter((x): x is number => typeof x === 'number');
    return v.length > 1 && v.some((x) => x !== v[0]);
  };
  const metrics = HEADLINE.filter((m) => varies(`${m}_mean`)).slice(0, MAX_METRICS);
  const [px, py] = meta.parameters;
  for (const m of metrics) {
    const col = `${m}_mean`;
    const valueTitle = `${axisTitle(metricInfo(m))}, mean over runs`;
    if (meta.design === 'grid' && px !== undefined && py !== undefined) {
      const spec = sweepHeatmap(points, {
        x: px,
        y: py,
        value: col,
        valueTitle: axisTitle(metricInfo(m)),
        xTitle: paramTitle(px),
        yTitle: paramTitle(py),
        title: `${metricInfo(m).label} by ${px} and ${py}`,
        subtitle: `sweep ${meta.name}: mean over the replications of each point${meta.parameters.length > 2 ? '; other parameters averaged' : ''}`,
      });
      if (spec) out.push({ name: `heatmap-${m}`, title: `${metricInfo(m).label} by ${px} and ${py}`, spec });
    }
    const { rows, baseline } = tornadoFromSweep(points, meta.parameters, col);
    const spec = tornadoChart(rows, { valueTitle, baseline, title: `Sensitivity of ${metricInfo(m).label.toLowerCase()}` });
    if (spec) out.push({ name: `tornado-${m}`, title: `Sensitivity of ${metricInfo(m).label.toLowerCase()}`, spec });
  }
  return out;
}

/** Writes charts/<name>.vl.json, .svg, .png and charts/index.json for a sweep folder. */
export async function renderSweepCharts(dir: string, options: { png?: boolean } = {}): Promise<RenderedChart[]> {
  if (!isSweepDir(dir)) throw new HashsimError(`${dir}: not a sweep folder (expected sweep.json and sweep.parquet, written by hashsim sweep)`);
  const meta = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8')) as SweepJson;
  const parameters = Array.isArray(meta.parameters) ? meta.parameters.filter((p): p is string => typeof p === 'string') : [];
  if (parameters.length === 0) throw new HashsimError(`${join(dir, 'sweep.json')}: "parameters" is missing or empty`);
  const points = await readSweepPoints(dir);
  const charts = buildSweepCharts(points, { parameters, design: meta.design?.type ?? 'grid', name: meta.name ?? 'sweep' });
  const chartsDir = join(dir, 'charts');
  await mkdir(chartsDir, { recursive: true });
  const out: RenderedChart[] = [];
  for (const c of charts) {
    const svg = await renderSvg(c.spec);
    const files = [`${c.name}.vl.json`, `${c.name}.svg`];
    await atomicWrite(join(chartsDir, `${c.name}.vl.json`), `${JSON.stringify(c.spec, null, 2)}\n`);
    await atomicWrite(join(chartsDir, `${c.name}.svg`), svg);
    if (options.png !== false) {
      await atomicWrite(join(chartsDir, `${c.name}.png`), svgToPng(svg));
      files.push(`${c.name}.png`);
    }
    out.push({ name: c.name, section: c.name.startsWith('heatmap-') ? 'Sweep heatmaps' : 'Sensitivity', title: c.title, files: files.map((f) => `charts/${f}`) });
  }
  const keep = new Set(out.flatMap((c) => c.files.map((f) => f.slice('charts/'.length))));
  for (const f of await readdir(chartsDir)) if (!keep.has(f) && f !== 'index.json' && /\.(vl\.json|svg|png)$/.test(f)) await rm(join(chartsDir, f), { force: true });
  await atomicWrite(join(chartsDir, 'index.json'), `${JSON.stringify({ charts: out }, null, 2)}\n`);
  return out;
}
