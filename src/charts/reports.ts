/**
 * Reports of every kind of set hashsim writes: a result set (report.ts), a comparison
 * (src/compare/report.ts) and a sweep (here). `writeAnyReport` tells them apart by their files.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { HashsimError } from '../errors.ts';
import { checkSweepFile } from '../sweep/analyze.ts';
import { setKind } from './formats.ts';
import { atomicWrite } from '../results/atomic.ts';
import { readParquetFile } from '../results/parquet.ts';
import { parameterTitle } from '../sweep/labels.ts';
import { axisTitle, metricInfo } from './metrics.ts';
import { chartSectionsHtml, escapeHtml as esc, formatNumber as fmtNum, reportPage, type ReportChart } from './report.ts';

export { setKind, type SetKind } from './formats.ts';

interface IndexEntry {
  readonly name?: unknown;
  readonly section?: unknown;
  readonly title?: unknown;
  readonly files?: unknown;
}

/**
 * The charts listed in <dir>/charts/index.json, with their Vega-Lite specs read back from
 * charts/<name>.vl.json (hashsim wrote both); [] without an index.
 */
export async function chartsFromIndex(dir: string): Promise<ReportChart[]> {
  const indexPath = join(dir, 'charts', 'index.json');
  if (!existsSync(indexPath)) return [];
  let index: { charts?: unknown };
  try {
    index = JSON.parse(await readFile(indexPath, 'utf8')) as { charts?: unknown };
  } catch (err) {
    throw new HashsimError(`${indexPath}: not readable JSON (${(err as Error).message}); redraw with hashsim chart`);
  }
  const out: ReportChart[] = [];
  for (const e of (Array.isArray(index.charts) ? index.charts : []) as IndexEntry[]) {
    if (typeof e.name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(e.name)) continue;
    const files = Array.isArray(e.files) ? e.files.filter((f): f is string => typeof f === 'string') : [];
    const specPath = join(dir, 'charts', `${e.name}.vl.json`);
    if (!existsSync(specPath)) throw new HashsimError(`${specPath}: listed in charts/index.json but missing; redraw with hashsim chart`);
    const spec = JSON.parse(await readFile(specPath, 'utf8')) as TopLevelSpec;
    const file = files.find((f) => f.endsWith('.png')) ?? files.find((f) => f.endsWith('.svg')) ?? `charts/${e.name}.vl.json`;
    out.push({ name: e.name, section: typeof e.section === 'string' ? e.section : 'Charts', title: typeof e.title === 'string' ? e.title : e.name, spec, file });
  }
  return out;
}

interface SweepMeta {
  readonly name?: string;
  readonly description?: string;
  readonly base?: string;
  readonly baseScenario?: string;
  readonly seed?: unknown;
  readonly replications?: unknown;
  readonly design?: { readonly type?: string };
  readonly parameters?: readonly string[];
  readonly points?: readonly unknown[];
}

/** At most this many points are listed in a sweep report's table (all are in sweep.csv). */
const MAX_POINT_ROWS = 200;

/** report.html of a sweep: its design, a table of points (parameters and headline means) and its charts. */
export async function buildSweepReportHtml(dir: string, charts: readonly ReportChart[], onChart?: (done: number, total: number) => void): Promise<string> {
  const meta = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8')) as SweepMeta;
  const params = (meta.parameters ?? []).filter((p): p is string => typeof p === 'string');
  await checkSweepFile(dir, 'sweep.parquet');
  const t = await readParquetFile(join(dir, 'sweep.parquet'));
  // The means of the metrics the charts show, else the first few means.
  const charted = new Set(charts.map((c) => c.name.replace(/^(heatmap|tornado|sobol|morris)-/, '')));
  const means = t.names.filter((n) => n.endsWith('_mean'));
  const shown = (means.filter((n) => charted.has(n.slice(0, -5))).length ? means.filter((n) => charted.has(n.slice(0, -5))) : means.slice(0, 6)).slice(0, 8);
  const cols = ['point', ...params.filter((p) => t.names.includes(p)), ...shown];
  const cell = (n: string, i: number): string => {
    const c = t.columns[n] as ArrayLike<unknown> | undefined;
    const v = c ? c[i] : null;
    if (typeof v === 'number') return `<td class="num">${Number.isInteger(v) && n === 'point' ? v : fmtNum(v)}</td>`;
    if (typeof v === 'bigint') return `<td class="num">${v}</td>`;
    return `<td>${v === null || v === undefined ? '—' : esc(v)}</td>`;
  };
  const head = cols.map((n) => {
    if (n === 'point') return '<th class="num">point</th>';
    if (params.includes(n)) return `<th>${esc(parameterTitle(n))}<br><code>${esc(n)}</code></th>`;
    return `<th class="num">${esc(axisTitle(metricInfo(n.slice(0, -5))))}, mean</th>`;
  });
  const rows: string[] = [];
  for (let i = 0; i < Math.min(t.numRows, MAX_POINT_ROWS); i++) rows.push(`<tr>${cols.map((n) => cell(n, i)).join('')}</tr>`);
  const name = meta.name ?? 'sweep';
  return reportPage(
    `hashsim sweep report: ${name}`,
    `<p class="lead">hashsim sweep report</p>
<h1>${esc(name)}</h1>
${meta.description ? `<p>${esc(meta.description)}</p>` : ''}
<nav><a href="#design">Design</a><a href="#points">Points</a><a href="#charts">Charts</a></nav>
<h2 id="design">Design</h2>
<table class="params"><tbody>
<tr><th>base scenario</th><td>${esc(meta.baseScenario ?? '')} <code>${esc(meta.base ?? '')}</code></td></tr>
<tr><th>design</th><td>${esc(meta.design?.type ?? '?')}, ${esc(meta.points?.length ?? t.numRows)} points × ${esc(meta.replications ?? '?')} replications, seed <code>${esc(meta.seed ?? '?')}</code> (common random numbers)</td></tr>
${params.map((p) => `<tr><th>${esc(parameterTitle(p))}</th><td><code>${esc(p)}</code></td></tr>`).join('\n')}
</tbody></table>
<h2 id="points">Points</h2>
<p class="lead">Each point is a result set in <code>points/&lt;k&gt;/</code> (its own report: <code>hashsim report points/&lt;k&gt;</code>); the table shows the parameter values and the means over replications${t.numRows > MAX_POINT_ROWS ? ` for the first ${MAX_POINT_ROWS} of ${t.numRows} points (all in sweep.csv)` : ''}.</p>
<table><thead><tr>${head.join('')}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
<h2 id="charts">Charts</h2>
${charts.length ? `<p class="lead">Hover a chart for values. The same charts are in <code>charts/</code>.</p>\n${chartSectionsHtml(charts, onChart)}` : '<p class="lead">No charts yet: draw them with <code>hashsim chart</code> on this folder.</p>'}`,
  );
}

export interface AnyReportOptions {
  /** Progress of the report's phases (compiling charts). */
  readonly onChart?: (done: number, total: number) => void;
  readonly onPlanned?: (total: number) => void;
}

/** Writes <dir>/report.html for a result set, a comparison or a sweep folder; returns its path. */
export async function writeAnyReport(dir: string, options: AnyReportOptions = {}): Promise<string> {
  const kind = setKind(dir);
  if (kind === 'compare') {
    const { writeCompareReport } = await import('../compare/report.ts');
    return writeCompareReport(dir, options);
  }
  if (kind === 'sweep') {
    const charts = await chartsFromIndex(dir);
    options.onPlanned?.(charts.length);
    const path = join(dir, 'report.html');
    await atomicWrite(path, await buildSweepReportHtml(dir, charts, options.onChart));
    return path;
  }
  const { writeReport } = await import('./report.ts');
  return writeReport(dir, options);
}
