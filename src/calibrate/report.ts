// Charts and the short HTML page of a calibration set: the training windows' fit (real realized
// hashrate per epoch over the posterior predictive band) and the marginal posteriors against their
// priors. Offline: PNGs are embedded in the page as data URLs; all text is escaped.
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { renderChart } from '../charts/render.ts';
import { THEME } from '../charts/theme.ts';
import { atomicWrite } from '../results/atomic.ts';
import type { Diagnostics } from './run.ts';
import type { CalibrationSpec } from './target.ts';

interface FitRowQ {
  readonly window: number;
  readonly date: string;
  readonly real: number;
  readonly q: readonly number[];
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function fitSpec(name: string, rows: readonly FitRowQ[]): TopLevelSpec {
  const values = rows.map((r) => ({ window: `window ${r.window + 1}`, date: r.date, real: r.real, p05: r.q[0], p25: r.q[1], p50: r.q[2], p75: r.q[3], p95: r.q[4] }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: THEME,
    title: { text: `${name}: realized hashrate per epoch, real vs posterior predictive`, subtitle: 'band: 5-95% and 25-75% of the posterior predictive; points: real (from the retarget data)' },
    width: 640,
    height: 300,
    data: { values },
    encoding: { x: { field: 'date', type: 'temporal', title: 'epoch start' } },
    layer: [
      { mark: { type: 'area', opacity: 0.25 }, encoding: { y: { field: 'p05', type: 'quantitative', title: 'EH/s', scale: { type: 'log' } }, y2: { field: 'p95' }, detail: { field: 'window' } } },
      { mark: { type: 'area', opacity: 0.35 }, encoding: { y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' }, detail: { field: 'window' } } },
      { mark: { type: 'line' }, encoding: { y: { field: 'p50', type: 'quantitative' }, detail: { field: 'window' } } },
      { mark: { type: 'point', filled: true, color: 'black', size: 14 }, encoding: { y: { field: 'real', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}

export function posteriorSpec(spec: CalibrationSpec, rows: readonly { x: readonly number[] }[]): TopLevelSpec {
  const values = rows.flatMap((r) => spec.parameters.map((p, j) => ({ parameter: p.path, value: r.x[j] })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: THEME,
    title: { text: `${spec.name}: marginal posteriors`, subtitle: 'histograms of the posterior draws (priors: flat on each parameter\'s scale, bounds in calibration.html)' },
    data: { values },
    facet: { field: 'parameter', type: 'nominal', title: null },
    columns: 2,
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 300,
      height: 140,
      mark: 'bar',
      encoding: {
        x: { field: 'value', type: 'quantitative', bin: { maxbins: 30 }, title: null },
        y: { aggregate: 'count', type: 'quantitative', title: 'draws' },
      },
    },
  } as TopLevelSpec;
}

export async function renderCalibrationCharts(dir: string, spec: CalibrationSpec, rows: readonly { x: readonly number[] }[], fit: readonly FitRowQ[]): Promise<void> {
  for (const [name, s] of [
    ['fit', fitSpec(spec.name, fit)],
    ['posterior', posteriorSpec(spec, rows)],
  ] as const) {
    const { svg, png } = await renderChart(s);
    await atomicWrite(join(dir, `${name}.vl.json`), `${JSON.stringify(s, null, 1)}\n`);
    await atomicWrite(join(dir, `${name}.svg`), svg);
    await atomicWrite(join(dir, `${name}.png`), png);
  }
}

const fmt = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 1000 || (Math.abs(x) < 0.01 && x !== 0) ? x.toPrecision(3) : x.toFixed(3)) : String(x));

export async function writeCalibrationHtml(dir: string, d: Diagnostics, manifest: { windows: readonly { from: string; to: string; feeBtcPerBlock: number }[]; seed: unknown; sampler: unknown }): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const img = (f: string) => `<img alt="${esc(f)}" src="data:image/png;base64,${readFileSync(join(dir, f)).toString('base64')}" style="max-width:100%">`;
  const rows = d.parameters
    .map((p) => `<tr><td>${esc(p.path)}</td><td>${esc(`${p.prior.dist} [${p.prior.min}, ${p.prior.max}]`)}</td><td>${fmt(p.post_mean)}</td><td>${fmt(p.p05)} .. ${fmt(p.p95)}</td><td>${fmt(p.sd_ratio)}</td><td>${fmt(p.ess)}</td><td>${fmt(p.rhat)}</td></tr>`)
    .join('\n');
  const corr = d.correlations.map((r, i) => `<tr><td>${esc(d.parameters[i]!.path)}</td>${r.map((v) => `<td>${fmt(v)}</td>`).join('')}</tr>`).join('\n');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(d.name)}: calibration</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}</style></head><body>
<h1>${esc(d.name)}: calibration</h1>
<p>${d.draws} posterior draws from ${d.chains} chains (acceptance ${d.acceptance.map((a) => fmt(a)).join(', ')}); seed ${esc(manifest.seed)}; windows ${manifest.windows.map((w) => esc(`${w.from} .. ${w.to} (fees ${w.feeBtcPerBlock} BTC/block)`)).join('; ')}.</p>
<h2>Parameters</h2>
<p>sd ratio = posterior sd / prior sd: near 1 means the data do not identify the parameter. ESS = effective sample size; R-hat near 1 = chains agree.</p>
<table><tr><th>parameter</th><th>prior</th><th>mean</th><th>90% interval</th><th>sd ratio</th><th>ESS</th><th>R-hat</th></tr>
${rows}</table>
<h2>Fit of the training windows</h2>
<p>${d.fit.epochs} epochs; real realized hashrate inside the posterior predictive 50% band: ${fmt(d.fit.coverage_50)}, 90% band: ${fmt(d.fit.coverage_90)}; mean |error| of the median ${fmt(d.fit.mae_median)}, bias ${fmt(d.fit.bias_median)}.</p>
${img('fit.png')}
<h2>Posterior</h2>
${img('posterior.png')}
<h2>Correlations</h2>
<table><tr><th></th>${d.parameters.map((p) => `<th>${esc(p.path.split('.').pop())}</th>`).join('')}</tr>
${corr}</table>
</body></html>
`;
  await atomicWrite(join(dir, 'calibration.html'), html);
}
