/**
 * report.html of a comparison folder: the two sets, the pairing, the table of summary metrics
 * (means with enough digits, difference, CI, the t test that matches it, the median test labelled
 * as such) and the comparison charts, offline like a result set's report.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HashsimError } from '../errors.ts';
import { atomicWrite } from '../results/atomic.ts';
import { axisTitle, metricInfo } from '../charts/metrics.ts';
import { chartSectionsHtml, escapeHtml as esc, reportPage, type ReportChart } from '../charts/report.ts';
import { chartsFromIndex } from '../charts/reports.ts';
import type { Comparison, SetInfo } from './compare.ts';
import { COMPARE_FILES, fmt, fmtMeans, fmtP, setName, sideLabels } from './output.ts';

const REPORT = 'report.html';

function setRows(label: string, s: SetInfo): string {
  return `<tr><th>${esc(label)}</th><td>${esc(setName(s))}</td><td><code>${esc(s.dir)}</code></td><td class="mono">${esc(s.scenarioSha256.slice(0, 16))}…</td><td class="mono">${esc(String(s.seed))}</td><td class="num">${s.okRuns} / ${s.runs}</td><td>${esc(s.packageVersion)}${s.gitCommit ? ` <span class="mono">${esc(s.gitCommit.slice(0, 10))}</span>` : ''}</td></tr>`;
}

/** The comparison report as one self-contained HTML string. */
export function buildCompareReportHtml(c: Comparison, charts: readonly ReportChart[], onChart?: (done: number, total: number) => void): string {
  const { labelA, labelB } = sideLabels(c);
  const pct = Math.round(c.level * 100);
  const medianTest = c.paired ? 'Wilcoxon signed-rank' : 'Mann-Whitney U';
  const rows = c.metrics
    .map((m) => {
      const [ma, mb] = fmtMeans(m.meanA, m.meanB);
      const sig = m.tPValue !== null && m.tPValue < 0.05;
      return `<tr${sig ? ' class="sig"' : ''}><td><code>${esc(m.metric)}</code></td><td>${esc(axisTitle(metricInfo(m.metric)))}</td><td class="num">${m.nPairs !== null ? m.nPairs : `${m.nA} / ${m.nB}`}</td><td class="num">${esc(ma)}</td><td class="num">${esc(mb)}</td><td class="num">${esc(fmt(m.diff))}</td><td class="num">${m.ciLower === null ? '—' : `[${esc(fmt(m.ciLower))}, ${esc(fmt(m.ciUpper))}]`}</td><td class="num">${m.diffPct === null ? '—' : `${m.diffPct >= 0 ? '+' : ''}${m.diffPct.toFixed(1)}%`}</td><td class="num">${esc(fmtP(m.tPValue))}</td><td class="num">${esc(fmtP(m.pValue))}</td><td class="num">${esc(fmtP(m.ksPValue))}</td></tr>`;
    })
    .join('\n');
  const last = new Map<string, (typeof c.steps)[number]>();
  for (const s of c.steps) last.set(s.metric, s);
  const stepRows = [...last.values()]
    .map((s) => {
      const [ma, mb] = fmtMeans(s.meanA, s.meanB);
      return `<tr><td><code>${esc(s.metric)}</code></td><td class="num">${esc(s.day)}</td><td class="num">${esc(ma)}</td><td class="num">${esc(mb)}</td><td class="num">${esc(fmt(s.diffMean))}</td><td class="num">${s.ciLower === null ? '—' : `[${esc(fmt(s.ciLower))}, ${esc(fmt(s.ciUpper))}]`}</td></tr>`;
    })
    .join('\n');
  return reportPage(
    `hashsim comparison: ${labelB} vs ${labelA}`,
    `<p class="lead">hashsim comparison report</p>
<h1>${esc(labelB)} vs ${esc(labelA)}</h1>
<p>Differences are B − A. ${esc(c.pairing)}.</p>
<nav><a href="#sets">Sets</a><a href="#summary">Summary metrics</a>${stepRows ? '<a href="#series">Series</a>' : ''}<a href="#charts">Charts</a></nav>
${c.warnings.map((w) => `<p class="warn">${esc(w)}</p>`).join('\n')}
<h2 id="sets">Sets</h2>
<table><thead><tr><th></th><th>name</th><th>folder</th><th>scenario sha256</th><th>seed</th><th class="num">ok runs</th><th>hashsim</th></tr></thead><tbody>
${setRows('A', c.a)}
${setRows('B', c.b)}
</tbody></table>
<h2 id="summary">Summary metrics</h2>
<p class="lead">Per-run summary metrics (runs.parquet). Means are printed with enough digits to differ when they differ. ${pct}% CI: ${c.paired ? 'paired' : 'unpaired'} ${esc(c.metrics[0]?.ciMethod ?? 'bootstrap')} interval of the mean difference. <b>p mean</b>: ${c.paired ? 'paired t' : 'Welch t'} test of the same mean difference (it agrees with the CI). <b>p median</b>: ${medianTest}, a test of a median / location shift, which can be small while the CI of the mean spans 0. KS p: two-sample Kolmogorov-Smirnov on the distributions. Rows with p mean &lt; 0.05 are highlighted (not adjusted for multiple comparisons). Codes and indexes (compact <code>bits</code>, <code>calibration_draw</code>) are not differenced.</p>
<table><thead><tr><th>metric</th><th>meaning</th><th class="num">n</th><th class="num">mean A</th><th class="num">mean B</th><th class="num">B − A</th><th class="num">${pct}% CI</th><th class="num">diff %</th><th class="num">p mean</th><th class="num">p median</th><th class="num">KS p</th></tr></thead><tbody>
${rows}
</tbody></table>
${stepRows ? `<h2 id="series">Series metrics at the last step</h2>
<p class="lead">Every step is in <code>${COMPARE_FILES.steps}</code>; CI: ${c.paired ? 'paired' : 'Welch'} t interval of the mean difference.</p>
<table><thead><tr><th>metric</th><th class="num">day</th><th class="num">mean A</th><th class="num">mean B</th><th class="num">B − A</th><th class="num">${pct}% CI</th></tr></thead><tbody>
${stepRows}
</tbody></table>` : ''}
<h2 id="charts">Charts</h2>
${charts.length ? `<p class="lead">Hover a chart for values. The same charts are in <code>charts/</code>.</p>\n${chartSectionsHtml(charts, onChart)}` : '<p class="lead">No charts (compare ran with --no-charts; draw them with <code>hashsim chart</code> on this folder).</p>'}`,
  ).replace('</style>', 'tr.sig td { background: #f3f8fd; }\n</style>');
}

/** Reads compare.json of a comparison folder. */
export async function readComparison(dir: string): Promise<Comparison> {
  const path = join(dir, COMPARE_FILES.json);
  let c: Comparison;
  try {
    c = JSON.parse(await readFile(path, 'utf8')) as Comparison;
  } catch (err) {
    throw new HashsimError(`${path}: not readable (${(err as Error).message})`);
  }
  if (c?.format !== 'hashsim-compare/1' || !Array.isArray(c.metrics) || !c.a || !c.b) throw new HashsimError(`${path}: not a hashsim comparison (format hashsim-compare/1)`);
  return c;
}

/** Writes <dir>/report.html of a comparison folder from compare.json and charts/; returns its path. */
export async function writeCompareReport(dir: string, options: { onChart?: (done: number, total: number) => void; onPlanned?: (total: number) => void } = {}): Promise<string> {
  const c = await readComparison(dir);
  const charts = await chartsFromIndex(dir);
  options.onPlanned?.(charts.length);
  const path = join(dir, REPORT);
  await atomicWrite(path, buildCompareReportHtml(c, charts, options.onChart));
  return path;
}
