import { describe, expect, it } from 'vitest';
import { compile, type TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../src/charts/render.ts';
import { morrisChart, primBoxChart, primTradeoffChart, sobolChart, sweepHeatmap, tornadoChart, tornadoFromSweep } from '../src/charts/specs/sweep.ts';
import { buildSweepCharts } from '../src/charts/sweepset.ts';

// Sweep and sensitivity chart specs: they compile, render text, label settings and write large
// numbers readably.

const REV = 'strategies.aiCapable.aiPivot.revenueUsdPerMwYear';
const grid = [1200000, 1650000, 2200000].flatMap((rev) =>
  [-0.3, 0, 0.3].map((drift) => ({ [REV]: rev, 'price.driftAnnual': drift, m_mean: 5e6 + rev * 2 + drift * 1e6, m_sd: 2e5, m_n: 20 })),
);

async function svgOf(spec: TopLevelSpec | null): Promise<string> {
  expect(spec).not.toBeNull();
  expect(() => compile(spec!)).not.toThrow();
  const svg = await renderSvg(spec!);
  expect(svg).toMatch(/^<svg/);
  expect(svg).not.toContain('undefined');
  expect(svg).not.toContain('NaN');
  return svg;
}

describe('sweep charts', () => {
  it('heatmaps show the standard error per cell and readable numbers', async () => {
    const svg = await svgOf(sweepHeatmap(grid, { x: REV, y: 'price.driftAnnual', value: 'm_mean', sd: 'm_sd', n: 'm_n' }));
    // se = 2e5 / sqrt(20) = 44.7k
    expect(svg).toContain('± 44.72k');
    expect(svg).toContain('1.2M');
    expect(svg).not.toMatch(/1200000|1,200,000/);
    // Binned: designs whose points do not share values.
    const scattered = Array.from({ length: 40 }, (_, i) => ({ a: (i * 37) % 40, b: (i * 11) % 40, v: i, v_sd: 1, v_n: 4 }));
    const binned = await svgOf(sweepHeatmap(scattered, { x: 'a', y: 'b', value: 'v', sd: 'v_sd', n: 'v_n', bins: 5 }));
    expect(binned).toContain('0 to 7.8');
    expect(binned).toContain('±');
  });

  it('tornado bars start at the base value and are labelled with their settings', async () => {
    const { rows } = tornadoFromSweep(grid, [REV, 'price.driftAnnual'], 'm_mean');
    expect(rows.find((r) => r.parameter === REV)).toMatchObject({ lowLabel: '1.2M', highLabel: '2.2M' });
    const svg = await svgOf(tornadoChart(rows, { valueTitle: 'm', baseline: 8.3e6, baselineLabel: 'the base scenario', parameterTitles: { [REV]: 'AI revenue (USD per MW-year)' } }));
    for (const s of ['1.2M', '2.2M', '-0.3', '0.3', 'AI revenue (USD per MW-year)', 'the base scenario 8.3M']) expect(svg).toContain(s);
  });

  it('Sobol bars, Morris scatter and PRIM charts render', async () => {
    const sobol = await svgOf(
      sobolChart(
        [
          { parameter: 'a', index: 'S1', estimate: 0.31, low: 0.28, high: 0.35 },
          { parameter: 'a', index: 'ST', estimate: 0.56, low: 0.51, high: 0.6 },
          { parameter: 'b', index: 'S1', estimate: -0.01, low: -0.03, high: 0.02 },
          { parameter: 'b', index: 'ST', estimate: 0.24, low: 0.22, high: 0.26 },
        ],
        { title: 'Sobol indices', parameterTitles: { a: 'Alpha' } },
      ),
    );
    expect(sobol).toContain('Alpha');
    expect(sobol).toContain('first order S1');
    const morris = await svgOf(morrisChart([{ parameter: 'a', muStar: 2e6, muStarLow: 1.5e6, muStarHigh: 2.5e6, sigma: 1e6 }, { parameter: 'b', muStar: 1e5, muStarLow: 0, muStarHigh: 2e5, sigma: 5e4 }], { title: 'Morris', valueTitle: 'x (USD)' }));
    expect(morris).toContain('2M');
    const trade = await svgOf(primTradeoffChart([{ step: 0, coverage: 1, density: 0.1, restricted: 0 }, { step: 1, coverage: 0.9, density: 0.5, restricted: 1 }, { step: 2, coverage: 0.8, density: 0.9, restricted: 2 }], { title: 'PRIM', chosen: 2, threshold: 0.8 }));
    expect(trade).toContain('coverage');
    const box = await svgOf(primBoxChart([{ parameter: REV, min: 1.2e6, max: 1.5e6, dataMin: 1e6, dataMax: 2.2e6, restricted: true, quasiP: 1e-5 }, { parameter: 'x', min: 0, max: 1, dataMin: 0, dataMax: 1, restricted: false }], { title: 'box' }));
    expect(box).toContain('1.2M – 1.5M');
    expect(box).toContain('not restricted');
  });

  it('buildSweepCharts uses the analysis: base value, Sobol bars, PRIM', () => {
    const charts = buildSweepCharts(grid, {
      parameters: [REV, 'price.driftAnnual'],
      design: 'grid',
      name: 't',
      metrics: ['m'],
      sensitivity: {
        format: 'hashsim-sensitivity/1',
        sweep: 't',
        design: 'sobol',
        parameters: [REV, 'price.driftAnnual'],
        labels: {},
        replications: 20,
        confidence: 0.95,
        bootstrap: 1000,
        settings: {} as never,
        base: null,
        metrics: [
          {
            metric: 'm',
            label: 'M',
            unit: '',
            points: 9,
            mean: 1,
            variance: 1,
            noiseVariance: 0,
            noiseRuns: 20,
            noiseShare: 0,
            adequate: true,
            ranking: null,
            warnings: [],
            sobol: { samples: 64, used: 64, first: { [REV]: { estimate: 0.9, low: 0.8, high: 1, se: 0.05 } }, total: { [REV]: { estimate: 0.95, low: 0.9, high: 1, se: 0.03 } }, second: null, samplesFor01: 64 },
            mainEffects: [],
            base: { mean: 8e6, sd: 1, n: 20 },
          },
        ],
      },
    });
    const names = charts.map((c) => c.name);
    expect(names).toEqual(['heatmap-m', 'tornado-m', 'sobol-m']);
    expect(JSON.stringify(charts[1]!.spec)).toContain('the base scenario 8M');
  });
});
