// The explorer page in real headless Chromium, on real result sets, checked against DuckDB reading
// the Parquet files independently.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadExplorePayload, writeExplorePage } from '../src/explore/index.ts';
import { batch, HOSTILE_MINER, HOSTILE_MINER_2, scenarioYaml, sweep } from './explore-fixtures.ts';

// What the tests read of the page, typed here (tsconfig has no DOM lib; these run in the browser).
interface Rect { left: number; top: number }
interface El { getAttribute(n: string): string | null; querySelector(s: string): El | null; getBoundingClientRect(): Rect }
type Row = Record<string, number>;
/** The 'runs' dataset of a chart: one tuple with the selected run indexes. */
interface RunsTuple { n: number; runs: number[] }
/** A row of the 'paths' dataset of a fan chart: one drawn run. */
interface PathRow { run: number; dates: number[]; values: number[] }
interface VView { signal(n: string): unknown; data(n: string): Row[]; scale(n: string): ((v: unknown) => number) & { bandwidth(): number }; origin(): [number, number]; container(): El }
interface PageGlobals { __explore: { views: Record<string, VView>; busy: number }; __pwned?: number; document: El }

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const RUNS = 24;

let tmp: string;
let browser: Browser;
let db: DuckDBInstance;
let con: DuckDBConnection;
const dirs: Record<string, string> = {};
const pages: Record<string, string> = {};

const sq = (p: string): string => `'${p.replace(/'/g, "''")}'`;
async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

/** Opens a page from file:// and records console errors/warnings, page errors and any request off file://. */
async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-explorer-ready]', { timeout: 60_000 });
  return { page, errors, requests };
}

/**
 * Waits until the explorer has redrawn after `action` and has nothing left to draw (a drag fires
 * several redraws; the last one must be done before its data is read back).
 */
async function afterUpdate(page: Page, root: string, action: () => Promise<void>): Promise<void> {
  const before = await page.getAttribute(root, 'data-updated');
  await action();
  await page.waitForFunction(
    ([sel, b]) => {
      const g = globalThis as unknown as PageGlobals;
      return g.document.querySelector(sel!)?.getAttribute('data-updated') !== b && g.__explore.busy === 0;
    },
    [root, before] as const,
    { timeout: 30_000 },
  );
}

/**
 * The selected runs a fan chart shows, once it shows the latest selection: charts out of view are
 * redrawn only when scrolled to, so this scrolls chart `i` into view and waits for it.
 */
async function chartRuns(page: Page, i: number, view = `panel-${i}`): Promise<number[]> {
  await page.locator('figure.panel').nth(i).scrollIntoViewIfNeeded();
  await page.waitForFunction(
    (k) => {
      const g = globalThis as unknown as PageGlobals & { document: { querySelectorAll(s: string): El[] } };
      const fig = g.document.querySelectorAll('figure.panel')[k]!;
      return fig.getAttribute('data-updated') === g.document.querySelector('#explorer')!.getAttribute('data-updated') && g.__explore.busy === 0;
    },
    i,
    { timeout: 30_000 },
  );
  return page.evaluate((v) => ((globalThis as unknown as PageGlobals).__explore.views[v]!.data('runs') as unknown as RunsTuple[])[0]!.runs, view);
}

/** Drags across a canvas from fraction a to fraction b of its width (a real pointer brush). */
async function brush(page: Page, selector: string, a: number, b: number): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  const y = box.y + box.height * 0.55;
  await page.mouse.move(box.x + box.width * a, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((a + b) / 2), y, { steps: 3 });
  await page.mouse.move(box.x + box.width * b, y, { steps: 3 });
  await page.mouse.up();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run scripts/install-system-deps.sh`);
  tmp = mkdtempSync(join(tmpdir(), 'hashsim-explore-'));
  dirs.a = await batch(tmp, 'a', scenarioYaml('explore-a'), 7, RUNS);
  // B: the same scenario with a strong price drift, same seed: paired runs.
  dirs.b = await batch(tmp, 'b', scenarioYaml('explore-b', 1.5), 7, RUNS);
  dirs.sweep = await sweep(tmp);
  pages.set = (await writeExplorePage(await loadExplorePayload([dirs.a]), join(tmp, 'set.html'))).path;
  pages.compare = (await writeExplorePage(await loadExplorePayload([dirs.a, dirs.b]), join(tmp, 'compare.html'))).path;
  pages.sweep = (await writeExplorePage(await loadExplorePayload([dirs.sweep]), join(tmp, 'sweep.html'))).path;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
});

afterAll(async () => {
  await browser?.close();
  con?.closeSync();
  db?.closeSync();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('explorer of one result set', () => {
  it('is one self-contained file: no external script, style, link or font', () => {
    const html = readFileSync(pages.set!, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/url\(\s*['"]?https?:/i);
    // The hostile miner names are in the data only as escaped JSON text, never as markup.
    expect(html).not.toContain(HOSTILE_MINER);
    expect(html).not.toContain('</script><script>window.__pwned');
  });

  it('loads offline, brushing a histogram selects exactly the runs in the range (DuckDB), paths show their run', async () => {
    const { page, errors, requests } = await open(pages.set!);
    const root = '#explorer';
    expect(await page.getAttribute('[data-role=status]', 'data-selected')).toBe(String(RUNS));

    // Hostile names are shown as text and nothing of them ran.
    const minerText = await page.textContent('[data-role=miners]');
    expect(minerText).toContain(HOSTILE_MINER);
    expect(minerText).toContain(HOSTILE_MINER_2);
    // Sets carry the named miners' per-step series (agents.parquet): the pickers offer them.
    expect(minerText).toContain('Per-step series of each miner (agents.parquet)');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned)).toBeUndefined();
    expect(await page.$$eval('img', (els) => els.length)).toBe(0);

    // Pick the summary metric, then brush the middle of its histogram with the mouse.
    await afterUpdate(page, root, () => page.selectOption('[data-role=filter-metric]', 'a:final_price_usd').then(() => undefined));
    await afterUpdate(page, root, () => brush(page, '[data-role=histogram] canvas', 0.3, 0.62));
    const got = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const v = g.__explore.views;
      return {
        brush: v['histogram']!.signal('brush') as Record<string, number[]>,
        runs: (v['panel-0']!.data('runs') as unknown as RunsTuple[])[0]!.runs,
        bands: v['panel-0']!.data('bands'),
        paths: [...new Set(v['panel-0']!.data('paths').map((r) => r.run!))],
        selected: Number(g.document.querySelector('[data-role=status]')!.getAttribute('data-selected')),
      };
    });
    const [lo, hi] = Object.values(got.brush)[0]!.slice().sort((x, y) => x - y) as [number, number];
    const runsPath = sq(join(dirs.a!, 'runs.parquet'));
    const expected = (await rows(`SELECT run_index FROM ${runsPath} WHERE status = 'ok' AND final_price_usd BETWEEN ${lo} AND ${hi} ORDER BY run_index`)).map((r) => Number(r.run_index));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(RUNS);
    expect(got.runs).toEqual(expected);
    // A chart out of view is redrawn when scrolled to, for the same selection: the last chart.
    const offscreen = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { querySelectorAll(s: string): El[]; documentElement: { clientHeight: number } } };
      const figs = g.document.querySelectorAll('figure.panel');
      const root = (g as unknown as PageGlobals).document.querySelector('#explorer')!;
      const fig = figs[3]!;
      return { below: fig.getBoundingClientRect().top > g.document.documentElement.clientHeight, stale: fig.getAttribute('data-updated') !== root.getAttribute('data-updated') };
    });
    if (offscreen.below) expect(offscreen.stale).toBe(true);
    expect(await chartRuns(page, 3)).toEqual(expected);
    // So is the summary table (drawn when in view): n of final_price_usd = the runs selected.
    await page.locator('[data-role=summary-table]').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const d = (globalThis as unknown as PageGlobals).document;
      return d.querySelector('[data-role=summary-table]')!.getAttribute('data-updated') === d.querySelector('#explorer')!.getAttribute('data-updated');
    }, undefined, { timeout: 30_000 });
    const summaryN = await page.locator('[data-role=summary-table] tr', { has: page.locator('code', { hasText: /^final_price_usd$/ }) }).locator('td').nth(1).textContent();
    expect(Number(summaryN)).toBe(expected.length);
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    expect(got.selected).toBe(expected.length);
    expect(await page.textContent('[data-role=status]')).toContain(`${expected.length} of ${RUNS} runs selected`);
    // Paths drawn are selected runs only.
    for (const r of got.paths) expect(expected).toContain(r);

    // The fan chart's median at the last step is the median of exactly those runs (16-bit
    // quantisation of the embedded series: error below 1e-4 of the metric's range).
    const seriesPath = sq(join(dirs.a!, 'series.parquet'));
    const last = got.bands[got.bands.length - 1]!;
    const [truth] = await rows(
      `SELECT quantile_cont(hashrate_ehs, 0.5) AS p50, quantile_cont(hashrate_ehs, 0.05) AS p5, count(*) AS n FROM ${seriesPath} WHERE day = ${last.day} AND run_index IN (${expected.join(',')})`,
    );
    const [range] = await rows(`SELECT max(hashrate_ehs) - min(hashrate_ehs) AS r FROM ${seriesPath} s JOIN ${runsPath} USING (run_index) WHERE status = 'ok'`);
    const tol = Number(range!.r) * 1e-4;
    expect(last.n).toBe(Number(truth!.n));
    expect(Math.abs(last.p50! - Number(truth!.p50))).toBeLessThanOrEqual(tol);
    expect(Math.abs(last.p5! - Number(truth!.p5))).toBeLessThanOrEqual(tol);
    // And every band at every shown step (the page computes them from a per-step order of the runs).
    const perDay = await rows(
      `SELECT day, count(hashrate_ehs) AS n, ${[5, 25, 50, 75, 95].map((q) => `quantile_cont(hashrate_ehs, ${q / 100}) AS p${q}`).join(', ')} FROM ${seriesPath} WHERE run_index IN (${expected.join(',')}) AND hashrate_ehs IS NOT NULL AND isfinite(hashrate_ehs) GROUP BY day`,
    );
    const byDay = new Map(perDay.map((r) => [Number(r.day), r]));
    expect(got.bands.length).toBeGreaterThan(10);
    for (const b of got.bands) {
      const t = byDay.get(b.day!)!;
      expect(b.n).toBe(Number(t.n));
      for (const q of ['p5', 'p25', 'p50', 'p75', 'p95']) expect(Math.abs(b[q]! - Number(t[q]))).toBeLessThanOrEqual(tol);
    }

    // Hover a drawn path where it is far from the median: the run panel shows that run and the
    // command that re-runs it, and every fan chart highlights it.
    await page.locator('[data-role=run-info]').scrollIntoViewIfNeeded();
    const target = await page.evaluate(() => {
      const v = (globalThis as unknown as PageGlobals).__explore.views['panel-0']!;
      const bands = v.data('bands');
      const mid = bands[Math.floor(bands.length / 2)]!;
      // One row per drawn run: its run index and its series at the chart's time points.
      const paths = (v.data('paths') as unknown as PathRow[]).map((r) => ({ run: r.run, date: mid.date!, value: r.values[r.dates.indexOf(mid.date!)]! }));
      const far = paths.sort((a, b) => Math.abs(b.value - mid.p50!) - Math.abs(a.value - mid.p50!))[0]!;
      const canvas = v.container().querySelector('canvas')!.getBoundingClientRect();
      const [ox, oy] = v.origin();
      return { run: far.run, x: canvas.left + ox + v.scale('x')(far.date), y: canvas.top + oy + v.scale('y')(far.value) };
    });
    await page.mouse.move(target.x - 3, target.y);
    await page.mouse.move(target.x, target.y);
    await page.waitForSelector('[data-role=run-info][data-run]', { timeout: 10_000 });
    const hovered = Number(await page.getAttribute('[data-role=run-info]', 'data-run'));
    expect(got.paths).toContain(hovered);
    const cmd = await page.textContent('[data-role=rerun]');
    expect(cmd).toContain(`--seed 7 --runs ${RUNS} --shard ${hovered}/${RUNS}`);
    expect(await page.textContent('[data-role=run-info]')).toContain(`Run ${hovered}`);
    const highlighted = await page.evaluate(() => {
      const v = (globalThis as unknown as PageGlobals).__explore.views;
      return ['panel-0', 'panel-1', 'panel-2', 'panel-3'].map((k) => v[k]!.signal('hoverRun'));
    });
    expect(highlighted).toEqual([hovered, hovered, hovered, hovered]);

    // Clearing returns to all runs; a named miner's outcome selects exactly its runs (DuckDB).
    await afterUpdate(page, root, () => page.click('[data-role=clear]'));
    expect(await page.getAttribute('[data-role=status]', 'data-selected')).toBe(String(RUNS));
    await afterUpdate(page, root, () => page.click('button[data-miner="0"][data-outcome="liquidated"]'));
    const liquidated = (await rows(`SELECT m.run_index FROM ${sq(join(dirs.a!, 'miners.parquet'))} m JOIN ${runsPath} r USING (run_index) WHERE r.status = 'ok' AND m.miner_index = 0 AND m.liquidations > 0 ORDER BY 1`)).map((r) => Number(r.run_index));
    expect(liquidated.length).toBeGreaterThan(0);
    expect(liquidated.length).toBeLessThan(RUNS);
    expect(await chartRuns(page, 0)).toEqual(liquidated);
    expect(await chartRuns(page, 3)).toEqual(liquidated);
    expect(await page.textContent('[data-role=status]')).toContain(`${HOSTILE_MINER} liquidated`);

    // Every chart exports itself as PNG and SVG (vega's renderer, as a download).
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('.export button', { hasText: 'PNG' }).first().click()]);
    expect(png.suggestedFilename()).toMatch(/^explore-a-histogram\.png$/);
    const pngBytes = readFileSync((await png.path())!);
    expect(pngBytes.subarray(1, 4).toString()).toBe('PNG');
    const [svg] = await Promise.all([page.waitForEvent('download'), page.locator('.export button', { hasText: 'SVG' }).nth(1).click()]);
    expect(svg.suggestedFilename()).toMatch(/^explore-a-panel-0\.svg$/);
    expect(readFileSync((await svg.path())!, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);

    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});

describe('compare and sweep views', () => {
  it('compare: A and B bands and the paired differences of the selected runs (DuckDB)', async () => {
    const { page, errors, requests } = await open(pages.compare!);
    const got = await page.evaluate(() => {
      const v = (globalThis as unknown as PageGlobals).__explore.views;
      return { a: v['panel-0-ab']!.data('bandsA'), b: v['panel-0-ab']!.data('bandsB'), d: v['panel-0-diff']!.data('bands'), runs: (v['panel-0-diff']!.data('runs') as unknown as RunsTuple[])[0]!.runs.length };
    });
    expect(got.runs).toBe(RUNS);
    expect(got.a.length).toBeGreaterThan(10);
    const last = got.d[got.d.length - 1]!;
    const [truth] = await rows(
      `SELECT quantile_cont(b.hashrate_ehs - a.hashrate_ehs, 0.5) AS p50, quantile_cont(b.hashrate_ehs, 0.5) AS pb FROM ${sq(join(dirs.a!, 'series.parquet'))} a JOIN ${sq(join(dirs.b!, 'series.parquet'))} b USING (run_index, step) WHERE a.day = ${last.day}`,
    );
    const [range] = await rows(`SELECT greatest(max(hashrate_ehs) - min(hashrate_ehs), 1) AS r FROM read_parquet([${sq(join(dirs.a!, 'series.parquet'))}, ${sq(join(dirs.b!, 'series.parquet'))}])`);
    const tol = Number(range!.r) * 2e-4;
    expect(Math.abs(last.p50! - Number(truth!.p50))).toBeLessThanOrEqual(tol);
    expect(Math.abs(got.b[got.b.length - 1]!.p50! - Number(truth!.pb))).toBeLessThanOrEqual(tol);
    // The B - A filter exists (paired sets) and brushing it narrows every view.
    await afterUpdate(page, '#explorer', () => page.selectOption('[data-role=filter-metric]', 'd:final_price_usd').then(() => undefined));
    await afterUpdate(page, '#explorer', () => brush(page, '[data-role=histogram] canvas', 0.25, 0.6));
    const selected = Number(await page.getAttribute('[data-role=status]', 'data-selected'));
    expect(selected).toBeGreaterThan(0);
    expect(selected).toBeLessThan(RUNS);
    const diffRuns = await chartRuns(page, 0, 'panel-0-diff');
    expect(diffRuns.length).toBe(selected);
    // The paired differences of exactly those runs at the last step (DuckDB).
    const dLast = await page.evaluate(() => {
      const b = (globalThis as unknown as PageGlobals).__explore.views['panel-0-diff']!.data('bands');
      return b[b.length - 1]!;
    });
    const [dTruth] = await rows(
      `SELECT quantile_cont(b.hashrate_ehs - a.hashrate_ehs, 0.5) AS p50, quantile_cont(b.hashrate_ehs - a.hashrate_ehs, 0.95) AS p95, count(*) AS n FROM ${sq(join(dirs.a!, 'series.parquet'))} a JOIN ${sq(join(dirs.b!, 'series.parquet'))} b USING (run_index, step) WHERE a.day = ${dLast.day} AND run_index IN (${diffRuns.join(',')})`,
    );
    expect(dLast.n).toBe(Number(dTruth!.n));
    expect(Math.abs(dLast.p50! - Number(dTruth!.p50))).toBeLessThanOrEqual(tol);
    expect(Math.abs(dLast.p95! - Number(dTruth!.p95))).toBeLessThanOrEqual(tol);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('sweep: clicking a point of the heatmap shows that point\'s runs', async () => {
    const { page, errors, requests } = await open(pages.sweep!);
    // Click the cell of point 3 (driftAnnual 0.5, fringe 1000), located through the view's scales.
    const cell = await page.evaluate(() => {
      const v = (globalThis as unknown as PageGlobals).__explore.views['sweep-map']!;
      const c = v.container().querySelector('canvas')!.getBoundingClientRect();
      const [ox, oy] = v.origin();
      const x = v.scale('x'), y = v.scale('y');
      return { x: c.left + ox + x(0.5) + x.bandwidth() / 2, y: c.top + oy + y(1000) + y.bandwidth() / 2 };
    });
    await page.mouse.click(cell.x, cell.y);
    await page.waitForSelector('[data-role=sweep-point][data-point]', { timeout: 10_000 });
    const point = Number(await page.getAttribute('[data-role=sweep-point]', 'data-point'));
    expect(point).toBe(3);
    await page.waitForSelector('.point [data-role=status][data-selected]');
    const runsPath = sq(join(dirs.sweep!, 'points', String(point), 'runs.parquet'));
    const okRuns = (await rows(`SELECT run_index FROM ${runsPath} WHERE status = 'ok' ORDER BY 1`)).map((r) => Number(r.run_index));
    const shown = await page.evaluate(() => ((globalThis as unknown as PageGlobals).__explore.views['point-panel-0']!.data('runs') as unknown as RunsTuple[])[0]!.runs);
    expect(shown).toEqual(okRuns);
    expect(await page.textContent('[data-role=sweep-point]')).toContain('price.driftAnnual = 0.5');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
