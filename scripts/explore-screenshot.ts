// Regenerates docs/img/explore.png, the explorer screenshot in the README: runs a scenario (or
// takes an existing result set), writes its explorer page, brushes a histogram and hovers a run in
// headless Chromium, and saves the window.
//
//   npx tsx scripts/explore-screenshot.ts [--set DIR] [--scenario FILE] [--runs N] [--out PNG]
//
// Defaults: scenarios/baseline-2026.yaml, 200 runs, seed 2026, into a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { runBatch, strategyModulesOf } from '../src/batch/index.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { loadExplorePayload, writeExplorePage } from '../src/explore/index.ts';

const { values: args } = parseArgs({
  options: {
    set: { type: 'string' },
    scenario: { type: 'string', default: 'scenarios/baseline-2026.yaml' },
    runs: { type: 'string', default: '200' },
    out: { type: 'string', default: 'docs/img/explore.png' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});

const tmp = mkdtempSync(join(tmpdir(), 'hashsim-explore-shot-'));
try {
  let dir = args.set;
  if (!dir) {
    const loaded = loadScenarioFile(args.scenario);
    dir = join(tmp, 'set');
    await runBatch({
      scenario: loaded.scenario as typeof loaded.scenario & Record<string, unknown>,
      dataFiles: loaded.dataFiles.map((d) => ({ field: d.field, path: d.path, sha256: d.sha256 })),
      strategyModules: strategyModulesOf(loaded.scenario, loaded.baseDir),
      seed: 2026,
      runs: Number(args.runs),
      out: dir,
      progress: 'none',
      log: () => undefined,
    });
  }
  const { path } = await writeExplorePage(await loadExplorePayload([dir]), join(tmp, 'explore.html'));
  const browser = await chromium.launch({ executablePath: args.chromium, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1420 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(path).href);
  await page.waitForSelector('body[data-explorer-ready]', { timeout: 120_000 });
  // Brush the lower half of the final-hashrate histogram: "which runs ended with a low hashrate?"
  const box = (await page.locator('[data-role=histogram] canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.12, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5, { steps: 6 });
  await page.mouse.up();
  await page.waitForTimeout(600);
  // Hover the first drawn path half-way along the first chart, so one run is highlighted everywhere.
  const target = await page.evaluate(() => {
    // 'paths': one row per drawn run, with its series at the chart's time points.
    type V = { data(n: string): Array<{ run: number; dates: number[]; values: number[] }>; scale(n: string): (v: number) => number; origin(): [number, number]; container(): { querySelector(s: string): { getBoundingClientRect(): { left: number; top: number } } } };
    const v = (globalThis as unknown as { __explore: { views: Record<string, V> } }).__explore.views['panel-0']!;
    const r = v.data('paths')[0]!;
    const p = Math.floor(r.dates.length * 0.6);
    const c = v.container().querySelector('canvas').getBoundingClientRect();
    const [ox, oy] = v.origin();
    return { x: c.left + ox + v.scale('x')(r.dates[p]!), y: c.top + oy + v.scale('y')(r.values[p]!) };
  });
  await page.mouse.move(target.x - 2, target.y);
  await page.mouse.move(target.x, target.y);
  await page.waitForTimeout(600);
  await page.screenshot({ path: resolve(args.out) });
  await browser.close();
  process.stdout.write(`${resolve(args.out)}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
