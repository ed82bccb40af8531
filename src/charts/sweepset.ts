import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ensureOwnDir, removeStaleListed } from '../results/safe-dir.ts';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { readParquetFile } from '../results/parquet.ts';
import { atomicWrite } from '../results/atomic.ts';
import { HashsimError } from '../errors.ts';
import {
  morrisChart,
  primBoxChart,
  primTradeoffChart,
  sobolChart,
  sweepHeatmap,
  tornadoChart,
  tornadoFromSweep,
  type MorrisPoint,
  type SobolBar,
  type SweepPoint,
} from './specs/sweep.ts';
import { HEADLINE_METRICS, checkSweepFile, readDiscovery, readSensitivity, type DiscoveryDocument, type SensitivityDocument } from '../sweep/analyze.ts';
import { parameterTitle } from '../sweep/labels.ts';
import { axisTitle, metricInfo } from './metrics.ts';
import { writeCharts, DEFAULT_CHART_FORMATS, type ChartFormat } from './pool.ts';
import type { RenderedChart } from './resultset.ts';

/** At most this many statistics get charts by default (the rest is in sweep.csv). */
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
  await checkSweepFile(dir, 'sweep.parquet');
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

export interface SweepChartMeta {
  readonly parameters: readonly string[];
  readonly design: string;
  readonly name: string;
  /** Metrics to chart (default: the analysed ones, else the headline metrics that vary, at most 6). */
  readonly metrics?: readonly string[];
  /** Heatmap axes (default: the first two numeric parameters). */
  readonly x?: string;
  readonly y?: string;
  /** Readable parameter names (default: derived from the paths, or sensitivity.json's). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly sensitivity?: SensitivityDocument | null;
  readonly discovery?: DiscoveryDocument | null;
}

export interface SweepChart {
  readonly name: string;
  readonly title: string;
  readonly section: string;
  readonly spec: TopLevelSpec;
}

/**
 * The charts of a sweep, per metric: a heatmap of the mean with its standard error per cell (grid:
 * two parameters, others averaged; other designs: 5 x 5 bins), a tornado of main effects around the
 * base scenario's value (when the sweep ran it), and with an analysis the Sobol indices (S1 and ST
 * with interval whiskers) or the Morris mu*-sigma plot; with an outcome the PRIM trade-off curve and box.
 */
export function buildSweepCharts(points: readonly SweepPoint[], meta: SweepChartMeta): SweepChart[] {
  const out: SweepChart[] = [];
  const sens = meta.sensitivity ?? null;
  const labels: Record<string, string> = {};
  for (const p of meta.parameters) labels[p] = meta.labels?.[p] ?? sens?.labels?.[p] ?? parameterTitle(p);
  const varies = (col: string): boolean => {
    const v = points.map((p) => p[col]).filter((x): x is number => typeof x === 'number');
    return v.length > 1 && v.some((x) => x !== v[0]);
  };
  const metrics = meta.metrics ?? (sens && sens.metrics.length > 0 ? sens.metrics.map((m) => m.metric) : HEADLINE_METRICS.filter((m) => varies(`${m}_mean`)).slice(0, MAX_METRICS));
  const numeric = meta.parameters.filter((p) => points.some((pt) => typeof pt[p] === 'number'));
  const px = meta.x ?? numeric[0];
  const py = meta.y ?? numeric.find((p) => p !== px);
  for (const m of metrics) {
    const info = metricInfo(m);
    const col = `${m}_mean`;
    const report = sens?.metrics.find((r) => r.metric === m);
    if (px !== undefined && py !== undefined) {
      const grid = meta.design === 'grid';
      const spec = sweepHeatmap(points, {
        x: px,
        y: py,
        value: col,
        sd: `${m}_sd`,
        n: `${m}_n`,
        ...(grid ? {} : { bins: 5 }),
        valueTitle: axisTitle(info),
        xTitle: labels[px] ?? px,
        yTitle: labels[py] ?? py,
        title: `${info.label} by ${labels[px] ?? px} and ${labels[py] ?? py}`,
        subtitle: grid
          ? `sweep ${meta.name}: mean over the replications of each point ± its standard error${meta.parameters.length > 2 ? '; other parameters averaged' : ''}`
          : `sweep ${meta.name}: mean of the points in each bin ± its standard error (other parameters vary within a bin)`,
      });
      if (spec) out.push({ name: `heatmap-${m}`, title: `${info.label} by ${labels[px] ?? px} and ${labels[py] ?? py}`, section: 'Sweep heatmaps', spec });
    }
    const { rows, baseline } = tornadoFromSweep(points, meta.parameters, col);
    const baseMean = report?.base?.mean;
    const hasBase = typeof baseMean === 'number' && Number.isFinite(baseMean);
    const tornado = tornadoChart(rows, {
      valueTitle: `${axisTitle(info)}, mean over runs`,
      baseline: hasBase ? baseMean : baseline,
      baselineLabel: hasBase ? 'the base scenario' : 'mean over all points',
      parameterTitles: labels,
      title: `Sensitivity of ${info.label.toLowerCase()}`,
    });
    if (tornado) out.push({ name: `tornado-${m}`, title: `Sensitivity of ${info.label.toLowerCase()}`, section: 'Sensitivity', spec: tornado });
    if (report?.sobol) {
      const bars: SobolBar[] = meta.parameters.flatMap((p) => {
        const f = report.sobol!.first[p];
        const t = report.sobol!.total[p];
        return [
          ...(f ? [{ parameter: p, index: 'S1' as const, estimate: num(f.estimate), low: num(f.low), high: num(f.high) }] : []),
          ...(t ? [{ parameter: p, index: 'ST' as const, estimate: num(t.estimate), low: num(t.low), high: num(t.high) }] : []),
        ];
      });
      const spec = sobolChart(bars, {
        title: `Sobol indices of ${info.label.toLowerCase()}`,
        subtitle: `N = ${report.sobol.samples} base samples x ${sens!.replications} replications; whiskers: ${Math.round(sens!.confidence * 100)}% bootstrap intervals${report.adequate ? '' : ' (wide: see sensitivity.json warnings)'}`,
        confidence: sens!.confidence,
        parameterTitles: labels,
      });
      if (spec) out.push({ name: `sobol-${m}`, title: `Sobol indices of ${info.label.toLowerCase()}`, section: 'Sensitivity', spec });
    }
    if (report?.morris) {
      const mp: MorrisPoint[] = meta.parameters.flatMap((p) => {
        const ms = report.morris!.muStar[p];
        const sg = report.morris!.sigma[p];
        return ms && sg ? [{ parameter: p, muStar: num(ms.estimate), muStarLow: num(ms.low), muStarHigh: num(ms.high), sigma: num(sg.estimate) }] : [];
      });
      const spec = morrisChart(mp, {
        title: `Morris screening of ${info.label.toLowerCase()}`,
        valueTitle: axisTitle(info),
        confidence: sens!.confidence,
        parameterTitles: labels,
      });
      if (spec) out.push({ name: `morris-${m}`, title: `Morris screening of ${info.label.toLowerCase()}`, section: 'Sensitivity', spec });
    }
  }
  const d = meta.discovery;
  if (d?.prim) {
    const trade = primTradeoffChart(
      d.prim.trajectory.map((t) => ({ step: t.step, coverage: t.coverage, density: t.density, restricted: t.restricted.length })),
      { title: `PRIM: coverage vs density for "${d.outcome}"`, chosen: d.prim.chosen, chosenCoverage: d.prim.box.coverage, chosenDensity: d.prim.box.density, threshold: d.prim.settings.threshold },
    );
    if (trade) out.push({ name: 'prim-tradeoff', title: `PRIM trade-off for "${d.outcome}"`, section: 'Scenario discovery', spec: trade });
    const box = primBoxChart(
      Object.entries(d.prim.box.limits).map(([p, l]) => ({ parameter: p, ...l })),
      {
        title: `PRIM box for "${d.outcome}"`,
        subtitle: `coverage ${(d.prim.box.coverage * 100).toFixed(0)}%, density ${(d.prim.box.density * 100).toFixed(0)}% (base rate ${(d.baseRate * 100).toFixed(0)}%); grey: swept range, colour: inside the box`,
        parameterTitles: { ...labels, ...d.labels },
      },
    );
    if (box) out.push({ name: 'prim-box', title: `PRIM box for "${d.outcome}"`, section: 'Scenario discovery', spec: box });
  }
  return out;
}

function num(x: number | null): number {
  return typeof x === 'number' ? x : NaN;
}

/**
 * Writes charts/<name>.vl.json, .svg, .png and charts/index.json for a sweep folder (with its
 * sensitivity.json and discovery.json when the analysis wrote them).
 */
export async function renderSweepCharts(dir: string, options: { png?: boolean; formats?: readonly ChartFormat[]; workers?: number; onChart?: (done: number, total: number) => void; metrics?: readonly string[]; x?: string; y?: string } = {}): Promise<RenderedChart[]> {
  if (!isSweepDir(dir)) throw new HashsimError(`${dir}: not a sweep folder (expected sweep.json and sweep.parquet, written by hashsim sweep)`);
  const meta = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8')) as SweepJson;
  const parameters = Array.isArray(meta.parameters) ? meta.parameters.filter((p): p is string => typeof p === 'string') : [];
  if (parameters.length === 0) throw new HashsimError(`${join(dir, 'sweep.json')}: "parameters" is missing or empty`);
  for (const [flag, p] of [['--x', options.x], ['--y', options.y]] as const) {
    if (p !== undefined && !parameters.includes(p)) throw new HashsimError(`${flag}: "${p}" is not a parameter of the sweep (parameters: ${parameters.join(', ')})`);
  }
  const points = await readSweepPoints(dir);
  const charts = buildSweepCharts(points, {
    parameters,
    design: meta.design?.type ?? 'grid',
    name: meta.name ?? 'sweep',
    metrics: options.metrics,
    x: options.x,
    y: options.y,
    sensitivity: readSensitivity(dir),
    discovery: readDiscovery(dir),
  });
  const chartsDir = join(dir, 'charts');
  await ensureOwnDir(chartsDir);
  const files = await writeCharts(charts, chartsDir, {
    formats: options.formats ?? (options.png === false ? ['svg'] : DEFAULT_CHART_FORMATS),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.onChart ? { onChart: options.onChart } : {}),
  });
  const out: RenderedChart[] = charts.map((c, i) => ({ name: c.name, section: c.section, title: c.title, files: files[i]!.map((f) => `charts/${f}`) }));
  const keep = new Set(out.flatMap((c) => c.files.map((f) => f.slice('charts/'.length))));
  await removeStaleListed(chartsDir, keep);
  await atomicWrite(join(chartsDir, 'index.json'), `${JSON.stringify({ charts: out }, null, 2)}\n`);
  return out;
}
