import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import {
  buildResultSetCharts, compareBandsChart, dayToDate, differenceBandsChart, fanChart, forestChart, histogramBins,
  markersFromBands, minersByStatusChart, outcomeHistograms, pairedDifferenceChart, renderChart, renderSvg, svgToPng,
  sweepHeatmap, tornadoChart, tornadoFromSweep, FONT_FILES, FONT_FAMILY, summaryStats, type BandRow,
  constantSeries, buildReportHtml,
} from '../src/charts/index.ts';
import { dateAxis } from '../src/charts/specs/time.ts';
import { quantileSorted } from '../src/charts/specs/common.ts';
import { measureText } from '../src/charts/fontmetrics.ts';
import { bandsOf, fakeRuns } from './charts-fixtures.ts';

const fake = fakeRuns(30, 60, 5);
const bands = bandsOf(fake);
const values = (s: TopLevelSpec): Array<Record<string, unknown>> => (s as { data: { values: Array<Record<string, unknown>> } }).data.values;

describe('time axis', () => {
  it('maps day offsets to UTC calendar dates', () => {
    expect(dayToDate('2026-03-01', 0)).toBe('2026-03-01');
    expect(dayToDate('2026-03-01', 31)).toBe('2026-04-01');
    expect(dayToDate('2026-03-01', 365)).toBe('2027-03-01'); // 2026 is not a leap year
    expect(dayToDate('2028-02-28', 1)).toBe('2028-02-29'); // 2028 is
    expect(dayToDate('2026-03-01', 0.5)).toBe('2026-03-01T12:00:00.000Z');
  });
  it('spaces date ticks so that labels (80 px each) fit the plot width', () => {
    for (const [span, width] of [[730, 640], [365, 640], [3650, 640], [60, 640], [730, 300]] as const) {
      const axis = dateAxis([0, span], width);
      const t = axis.tickCount!;
      const unitDays = t.interval === 'year' ? 365.25 : t.interval === 'month' ? 30.44 : 1;
      // ticks at most: span / step length + 1 (calendar alignment adds at most one)
      expect(span / (t.step * unitDays) + 1).toBeLessThanOrEqual(Math.floor(width / 80) + 1);
    }
  });
});

describe('quantiles and bins', () => {
  it('type-7 quantiles match numpy', () => {
    // numpy.quantile([1, 2, 3, 4], [0.05, 0.25, 0.5, 0.95]) = [1.15, 1.75, 2.5, 3.85]
    expect(quantileSorted([1, 2, 3, 4], 0.05)).toBeCloseTo(1.15, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 12);
  });
  it('every value falls in exactly one histogram bin', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (xs, n) => {
        const bins = histogramBins(xs, n);
        expect(bins.reduce((s, b) => s + b.count, 0)).toBe(xs.length);
        for (const x of xs) {
          const hits = bins.filter((b, i) => x >= b.start && (x < b.end || (i === bins.length - 1 && x <= b.end)));
          expect(hits.length).toBeGreaterThanOrEqual(1);
        }
      }),
      { seed: 7, numRuns: 100 },
    );
  });
  it('summary statistics skip runs without a value', () => {
    const [s] = summaryStats([{ metric: 'x', values: [4, null, 1, 3, 2] }]);
    expect(s).toMatchObject({ n: 4, runs: 5, mean: 2.5, p50: 2.5 });
    expect(s!.p5).toBeCloseTo(1.15, 12);
  });
});

describe('markers', () => {
  it('puts a retarget at every multiple of 2016 and a halving at 1,050,000 along the median height', () => {
    // Height grows 144 per day from 1,040,000: independent arithmetic for where the markers belong.
    const rows: BandRow[] = Array.from({ length: 101 }, (_, d) => {
      const h = 1_040_000 + 144 * d;
      return { step: d, day: d, metric: 'height', mean: h, p5: h, p25: h, p50: h, p75: h, p95: h };
    });
    const m = markersFromBands(rows);
    const halvings = m.filter((x) => x.kind === 'halving');
    expect(halvings).toHaveLength(1);
    expect(halvings[0]!.day).toBeCloseTo((1_050_000 - 1_040_000) / 144, 9);
    const expectedRetargets = Math.floor((1_040_000 + 14_400) / 2016) - Math.floor(1_040_000 / 2016) - (1_050_000 % 2016 === 0 ? 1 : 0);
    expect(m.filter((x) => x.kind === 'retarget')).toHaveLength(expectedRetargets);
  });
});

describe('spec builders', () => {
  const start = '2026-03-01';
  it('fan chart carries the band quantiles and dates, and skips a missing metric', () => {
    const spec = fanChart(bands, { metric: 'hashrate_ehs', startDate: start })!;
    const own = bands.filter((b) => b.metric === 'hashrate_ehs');
    expect(values(spec)).toHaveLength(own.length);
    expect(values(spec)[10]).toMatchObject({ date: '2026-03-11', p5: own[10]!.p5, p50: own[10]!.p50, p95: own[10]!.p95 });
    expect(fanChart(bands, { metric: 'no_such_metric', startDate: start })).toBeNull();
    expect(JSON.stringify(spec)).toContain('Network hashrate (EH/s)');
  });

  it('status areas stack means, so the stack is the mean total of miners', () => {
    const spec = minersByStatusChart(bands, { startDate: start })!;
    const day30 = values(spec).filter((v) => v.date === dayToDate(start, 30));
    const total = day30.reduce((s, v) => s + (v.miners as number), 0);
    // Each fake run has 200 miners in some status every day.
    expect(total).toBeCloseTo(200, 9);
  });

  it('every builder gives a spec vega-lite compiles and vega renders with text', async () => {
    const cmpRows = bands.filter((b) => b.metric === 'price_usd').map((b) => ({ step: b.step, day: b.day, a_p5: b.p5, a_p25: b.p25, a_p50: b.p50, a_p75: b.p75, a_p95: b.p95, b_p5: b.p5! * 0.9, b_p25: b.p25! * 0.9, b_p50: b.p50! * 0.9, b_p75: b.p75! * 0.9, b_p95: b.p95! * 0.9 }));
    const points = [0.3, 0.5, 0.8].flatMap((x) => [1, 2].map((y) => ({ vol: x, size: y, m_mean: 10 * x + y })));
    const t = tornadoFromSweep(points, ['vol', 'size'], 'm_mean');
    const specs: Array<TopLevelSpec | null> = [
      ...buildResultSetCharts({ scenarioName: 'fake', startDate: start, bands, summaries: fake.summaries }).map((c) => c.spec),
      compareBandsChart(cmpRows, { metric: 'price_usd', startDate: start, labelA: 'baseline', labelB: 'pivot' }),
      differenceBandsChart(bands.filter((b) => b.metric === 'hhi'), { metric: 'hhi', startDate: start, labelA: 'a', labelB: 'b' }),
      pairedDifferenceChart([1, -2, 3, 0.5, null], { metric: 'final_hashrate_ehs', labelA: 'a', labelB: 'b', ci: { lo: -1, hi: 2 } }),
      forestChart([{ label: 'final hashrate', estimate: -3, lo: -5, hi: -1 }], { title: 'Effects', xTitle: 'relative difference (%)' }),
      sweepHeatmap(points, { x: 'vol', y: 'size', value: 'm_mean' }),
      tornadoChart(t.rows, { valueTitle: 'm', baseline: t.baseline }),
      outcomeHistograms(fake.summaries),
    ];
    expect(specs.every((s) => s !== null)).toBe(true);
    for (const s of specs) {
      expect(() => compile(s!)).not.toThrow();
      const svg = await renderSvg(s!);
      expect(svg).toMatch(/^<svg/);
      expect((svg.match(/<text/g) ?? []).length).toBeGreaterThan(3);
      expect(svg).toContain(FONT_FAMILY);
    }
  });

  it('a forest chart has exactly one row per effect (the zero line adds no category)', async () => {
    const labels = ['final hashrate', 'BTC sold'];
    const spec = forestChart(labels.map((label, i) => ({ label, estimate: i - 1, lo: i - 2, hi: i })), { title: 'Effects', xTitle: 'difference' });
    const svg = await renderSvg(spec!);
    for (const l of labels) expect(svg).toContain(`>${l}<`);
    expect(svg).not.toContain('undefined');
  });

  it('tornado main effects are the means at the lowest and highest grid settings', () => {
    const points = [0.3, 0.5, 0.8].flatMap((x) => [1, 2].map((y) => ({ vol: x, size: y, m: 10 * x + y })));
    const { rows, baseline } = tornadoFromSweep(points, ['vol', 'size'], 'm');
    const vol = rows.find((r) => r.parameter === 'vol')!;
    expect(vol.low).toBeCloseTo(3 + 1.5, 12); // mean of 10*0.3 + {1,2}
    expect(vol.high).toBeCloseTo(8 + 1.5, 12);
    expect(baseline).toBeCloseTo(10 * (0.3 + 0.5 + 0.8) / 3 + 1.5, 12);
  });

  it('paired differences and heatmaps with no finite value give no chart', () => {
    expect(pairedDifferenceChart([null, NaN], { metric: 'x', labelA: 'a', labelB: 'b' })).toBeNull();
    expect(sweepHeatmap([{ a: 1, b: 2, v: null }], { x: 'a', y: 'b', value: 'v' })).toBeNull();
    expect(outcomeHistograms([{ metric: 'x', values: [null, null] }])).toBeNull();
  });
});

describe('metrics that never change', () => {
  const row = (metric: string, day: number, v: number): BandRow => ({ step: day, day, metric, mean: v, p5: v, p25: v, p50: v, p75: v, p95: v });
  const days = Array.from({ length: 20 }, (_, d) => d);
  const rows: BandRow[] = [
    ...days.map((d) => row('ai_mw', d, 0)),
    ...days.map((d) => row('subsidy_btc', d, 3.125)),
    ...days.map((d) => row('margin_calls', d, 0)),
    ...days.map((d) => row('liquidations', d, 0)),
    ...days.map((d) => ({ ...row('hashrate_ehs', d, 900), p5: 900 - d, p95: 900 + d })),
  ];
  it('get no chart and are listed with their value in the report', () => {
    expect(constantSeries(rows).map((c) => [c.metric, c.value])).toEqual([['ai_mw', 0], ['liquidations', 0], ['margin_calls', 0], ['subsidy_btc', 3.125]]);
    const charts = buildResultSetCharts({ scenarioName: 's', startDate: '2026-03-01', bands: rows, summaries: [] });
    const names = charts.map((c) => c.name);
    expect(names).toContain('hashrate');
    for (const n of ['ai-mw', 'metric-subsidy_btc', 'margin-calls-liquidations']) expect(names).not.toContain(n);
    const manifest = { scenario: { name: 's', resolved: {}, sha256: 'x' }, files: {} } as unknown as Parameters<typeof buildReportHtml>[0]['manifest'];
    const html = buildReportHtml({ manifest, charts: [], summaries: [], constantSeries: constantSeries(rows) });
    expect(html).toMatch(/Not charted[^<]*<code>ai_mw<\/code>\) = 0/);
    expect(html).toContain('<code>subsidy_btc</code>) = 3.125');
  });
});

describe('rendering', () => {
  it('measures text like resvg lays it out with the shipped fonts', () => {
    for (const [text, bold] of [['Network hashrate (EH/s)', false], ['Mar 2026', false], ['Difficulty', true]] as const) {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="200"><text x="0" y="150" font-family="${FONT_FAMILY}" font-size="100"${bold ? ' font-weight="bold"' : ''}>${text}</text></svg>`;
      const r = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: FONT_FAMILY } });
      const box = r.getBBox()!;
      // Ink box vs advance widths: equal up to side bearings and kerning (a few %); vega's own
      // estimate without a canvas (0.8 em per character) is 30-60% off for these strings.
      expect(Math.abs(box.width - measureText(text, 100, bold))).toBeLessThan(0.03 * box.width + 10);
    }
  });

  it('PNG text is drawn (fonts load) and the bytes are reproducible', async () => {
    const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: { font: FONT_FAMILY }, title: 'Hashrate', data: { values: [{}] }, mark: { type: 'text', text: 'MMMM', fontSize: 40 } } as unknown as TopLevelSpec;
    const a = await renderChart(spec, 1);
    const b = await renderChart(spec, 1);
    expect(Buffer.compare(a.png, b.png)).toBe(0);
    expect(a.png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const img = new Resvg(a.svg, { font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: FONT_FAMILY } }).render();
    let dark = 0;
    for (let i = 0; i < img.pixels.length; i += 4) if (img.pixels[i + 3]! > 0 && img.pixels[i]! < 128) dark++;
    expect(dark).toBeGreaterThan(200); // a chart of only text: nothing dark without glyphs
    expect(svgToPng(a.svg, 2).length).toBeGreaterThan(a.png.length);
  });
});
