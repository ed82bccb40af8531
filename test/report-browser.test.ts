import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { writeReport } from '../src/charts/index.ts';
import { writeFakeResultSet } from './charts-fixtures.ts';
import { runCli } from './cli-helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

describe('report.html in a real headless browser', () => {
  let dir: string;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run scripts/install-system-deps.sh`);
    dir = mkdtempSync(join(tmpdir(), 'hashsim-report-'));
    await writeFakeResultSet(dir, 12, 120, 5);
    await writeReport(dir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is self-contained: no external script, style or link reference', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|fastly)/i);
    // The scenario description is escaped, not injected as markup.
    expect(html).toContain('Synthetic runs &lt;for&gt; &quot;chart&quot; tests &amp; the report');
  });

  it('loads from file:// with no console error and no network request, and every chart renders', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    const url = pathToFileURL(join(dir, 'report.html')).href;
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 60_000 });

    const charts = await page.$$eval('.chart-view', (els) =>
      els.map((el) => ({
        id: el.id,
        rendered: el.getAttribute('data-rendered'),
        svg: el.querySelectorAll('svg').length,
        marks: el.querySelectorAll('svg path, svg rect, svg line').length,
        text: el.querySelectorAll('svg text').length,
      })),
    );
    // fake runs carry 19 series metrics and 3 varying summary metrics: at least the 15 core charts.
    expect(charts.length).toBeGreaterThanOrEqual(15);
    for (const c of charts) {
      expect(c, c.id).toMatchObject({ rendered: 'true', svg: 1 });
      expect(c.marks, c.id).toBeGreaterThan(5);
      expect(c.text, c.id).toBeGreaterThan(3);
    }
    expect(await page.getAttribute('body', 'data-charts-rendered')).toBe(String(charts.length));

    // The failed run is reported, the summary table has the metrics.
    expect(await page.textContent('.warn')).toContain('1 run(s) failed');
    const summaryRows = await page.$$eval('#summary + p + table tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(summaryRows.some((r) => r.includes('first_liquidation_day'))).toBe(true);

    // Hovering a fan chart shows a tooltip with the date and quantiles.
    const box = await page.locator('#chart-1 svg').boundingBox();
    expect(box).not.toBeNull();
    await page.locator('#chart-1').scrollIntoViewIfNeeded();
    const b2 = (await page.locator('#chart-1 svg').boundingBox())!;
    await page.mouse.move(b2.x + b2.width * 0.5, b2.y + b2.height * 0.45);
    await page.mouse.move(b2.x + b2.width * 0.52, b2.y + b2.height * 0.45);
    await page.waitForFunction("getComputedStyle(document.getElementById('tooltip')).display === 'block'", null, { timeout: 10_000 });
    const tip = await page.textContent('#tooltip');
    expect(tip).toMatch(/median/);
    expect(tip).toMatch(/20\d\d/);

    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});

describe('a comparison report.html in a real headless browser', () => {
  let dir: string;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run scripts/install-system-deps.sh`);
    dir = mkdtempSync(join(tmpdir(), 'hashsim-cmp-report-'));
    const base = 'name: br-a\nminers:\n  - { name: m1, hashrateEHs: 50, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40 }\nfringe: { hashrateEHs: 900 }\nhorizonDays: 20\n';
    writeFileSync(join(dir, 'a.yaml'), base);
    writeFileSync(join(dir, 'b.yaml'), `${base.replace('name: br-a', 'name: br-b')}price: { model: gbm, driftAnnual: 2.0 }\n`);
    for (const s of ['a', 'b']) {
      const r = await runCli(['run', `${s}.yaml`, '--runs', '4', '--seed', '3', '--out', s, '--no-charts', '--quiet', '--workers', '1'], dir);
      if (r.code !== 0) throw new Error(r.stderr);
    }
    // Vega-Lite JSON only: the report needs no image.
    const c = await runCli(['compare', 'a', 'b', '--out', 'cmp', '--resamples', '100', '--formats', 'none', '--quiet'], dir);
    if (c.code !== 0) throw new Error(c.stderr);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads offline with no console error, and every chart (forest, stacked series, histograms) renders', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(join(dir, 'cmp', 'report.html')).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 60_000 });
    const charts = await page.$$eval('.chart-view', (els) => els.map((el) => ({ id: el.id, label: el.parentElement?.querySelector('figcaption')?.textContent?.split(' · ')[0] ?? null, rendered: el.getAttribute('data-rendered'), svg: el.querySelectorAll('svg').length, text: el.querySelectorAll('svg text').length })));
    expect(charts.length).toBeGreaterThan(3);
    expect(charts.map((c) => c.label)).toContain('Effects on the summary metrics (standardised)');
    expect(charts.some((c) => / − A$/.test(c.label ?? ''))).toBe(true);
    for (const c of charts) {
      expect(c, c.id).toMatchObject({ rendered: 'true', svg: 1 });
      expect(c.text, c.id).toBeGreaterThan(3);
    }
    expect(await page.textContent('h1')).toContain('B: br-b vs A: br-a');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
