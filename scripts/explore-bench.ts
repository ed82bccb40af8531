// Measures the explorer's brush redraw in real headless Chromium: the time from setting a brush on
// the summary histogram to the charts on screen (and the tables, when on screen) having re-rendered for the selected runs.
//
//   npx tsx scripts/explore-bench.ts [--set DIR | --page FILE] [--brushes N (60)] [--height PX (1000)] [--runs N] [--json FILE]
//
// --set DIR: an existing result set (its explorer page is written to a temporary folder);
// without --set or --page, scenarios/baseline-2026.yaml is run with --runs runs (default 1000,
// seed 2026; a two-year daily scenario: minutes of CPU). --page FILE: an explorer page already
// written (e.g. by `hashsim explore`).
//
// Each brush is set the way a drag sets it (the histogram view's pixel extent signal brush_x, which
// Vega-Lite inverts into the data range and turns into the `brush` selection the page listens to),
// at a seeded sequence of positions and widths (narrow to nearly all runs). One brush's time is
// from setting that signal to the page reporting the charts and tables redrawn for it (its
// data-updated attribute changes and nothing is left to draw) plus one animation frame, measured
// with performance.now() inside the page. The script also reads the CPU time over all brushes of
// the renderer's main thread (Chromium's ThreadTime metric) and of all Chromium's processes (utime
// + stime from /proc, summed): on a shared machine wall times grow with the load, CPU time much
// less. It prints the page size, the load average, median, p90, min and max of the wall times, CPU
// per brush, and the page's own split of the last brush (charts / tables).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    set: { type: 'string' },
    page: { type: 'string' },
    scenario: { type: 'string', default: 'scenarios/baseline-2026.yaml' },
    runs: { type: 'string', default: '1000' },
    brushes: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '3' },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '1000' },
    json: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});

/** CPU seconds (user + system) of every descendant process of this one (Chromium and its helpers). */
function childCpuSeconds(): number {
  const tick = 100; // USER_HZ on Linux
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      cpu.set(Number(d), (Number(f[11]) + Number(f[12])) / tick);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  for (const [pid, c] of cpu) {
    let p = parent.get(pid);
    while (p && p !== process.pid && p > 1) p = parent.get(p);
    if (p === process.pid) total += c;
  }
  return total;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
};

const tmp = mkdtempSync(join(tmpdir(), 'hashsim-explore-bench-'));
try {
  let pagePath = args.page ? resolve(args.page) : '';
  let runsNote = '';
  if (!pagePath) {
    const { loadExplorePayload, writeExplorePage } = await import('../src/explore/index.ts');
    let dir = args.set;
    if (!dir) {
      const { runBatch, strategyModulesOf } = await import('../src/batch/index.ts');
      const { loadScenarioFile } = await import('../src/scenario/load.ts');
      const loaded = loadScenarioFile(args.scenario);
      dir = join(tmp, 'set');
      process.stderr.write(`running ${args.scenario}, ${args.runs} runs, seed 2026 ...\n`);
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
    const t = performance.now();
    pagePath = (await writeExplorePage(await loadExplorePayload([dir]), join(tmp, 'explore.html'))).path;
    runsNote = `page written in ${((performance.now() - t) / 1000).toFixed(1)} s`;
  }
  const mb = statSync(pagePath).size / 1e6;

  const browser = await chromium.launch({ executablePath: args.chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: Number(args.width), height: Number(args.height) } });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  const tLoad = performance.now();
  await page.goto(pathToFileURL(pagePath).href, { waitUntil: 'load', timeout: 120_000 });
  await page.waitForSelector('body[data-explorer-ready]', { timeout: 120_000 });
  const readyS = (performance.now() - tLoad) / 1000;
  const info = await page.evaluate(() => {
    const g = globalThis as unknown as { __explore: { views: Record<string, { width(): number }>; explorer: { universe: number[]; sets: Array<{ days: number[] }> } } };
    const d = (globalThis as unknown as { document: { querySelectorAll(s: string): Array<{ getBoundingClientRect(): { top: number } }>; documentElement: { clientHeight: number } } }).document;
    const inView = Array.from(d.querySelectorAll('figure.panel')).filter((f) => f.getBoundingClientRect().top < d.documentElement.clientHeight).length;
    return { width: g.__explore.views['histogram']!.width(), runs: g.__explore.explorer.universe.length, points: g.__explore.explorer.sets[0]!.days.length, charts: Object.keys(g.__explore.views).length - 1, chartsInView: inView };
  });

  // The in-page part is a string: tsx would wrap named functions in a helper the page lacks.
  // No polling while waiting (it would burn the CPU being measured): a MutationObserver on the
  // attribute the page sets when it has drawn a selection.
  const BRUSH_JS = `([a, b]) => {
    const g = globalThis;
    const root = document.querySelector('#explorer');
    const status = document.querySelector('[data-role=status]');
    const before = root.getAttribute('data-updated');
    return new Promise(function (ok) {
      const t0 = performance.now();
      function done() {
        if (root.getAttribute('data-updated') === before) return false;
        if (g.__explore.busy !== 0) { setTimeout(check, 4); return true; }
        requestAnimationFrame(function () { ok({ ms: performance.now() - t0, selected: Number(status.getAttribute('data-selected')), profile: g.__explore.profile }); });
        return true;
      }
      function check() { if (done()) obs.disconnect(); }
      const obs = new MutationObserver(check);
      obs.observe(root, { attributes: true, attributeFilter: ['data-updated'] });
      g.__explore.views['histogram'].signal('brush_x', [a, b]).runAsync();
    });
  }`;
  /** Sets one brush in the page and resolves with its time in ms (page clock) and the page's split. */
  const oneBrush = (x0: number, x1: number): Promise<{ ms: number; selected: number; profile: unknown }> =>
    page.evaluate(`(${BRUSH_JS})([${x0}, ${x1}])`) as Promise<{ ms: number; selected: number; profile: unknown }>;

  // Seeded positions: widths from 5% to 95% of the histogram.
  let s = 20261203;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const spans = (n: number): Array<[number, number]> =>
    Array.from({ length: n }, () => {
      const w = 0.05 + 0.9 * rnd();
      const a = (1 - w) * rnd();
      return [Math.round(a * info.width), Math.round((a + w) * info.width)];
    });
  for (const [a, b] of spans(Number(args.warmup))) await oneBrush(a, b);
  const n = Number(args.brushes);
  // The renderer's main thread CPU time (Chromium's own counter), where the page's script, Vega and
  // the layout run: what a brush costs, with much less of the machine's load in it than wall time.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (name: string): Promise<number> => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
    return metrics.find((m) => m.name === name)?.value ?? NaN;
  };
  const thread0 = await metric('ThreadTime');
  const cpu0 = childCpuSeconds();
  const load0 = loadavg()[0]!;
  const times: number[] = [];
  const selected: number[] = [];
  let profile: unknown = null;
  for (const [a, b] of spans(n)) {
    const r = await oneBrush(a, b);
    times.push(r.ms);
    selected.push(r.selected);
    profile = r.profile;
  }
  const cpuPerBrush = ((childCpuSeconds() - cpu0) / n) * 1000;
  const threadPerBrush = ((await metric('ThreadTime')) - thread0) / n * 1000;
  const load1 = loadavg()[0]!;
  await browser.close();

  const result = {
    page: pagePath,
    pageMB: Number(mb.toFixed(2)),
    runs: info.runs,
    timePoints: info.points,
    viewport: `${args.width}x${args.height}`,
    charts: info.charts,
    chartsInView: info.chartsInView,
    readySeconds: Number(readyS.toFixed(2)),
    brushes: n,
    selectedRuns: { min: Math.min(...selected), max: Math.max(...selected) },
    wallMs: { median: Number(pct(times, 0.5).toFixed(1)), p90: Number(pct(times, 0.9).toFixed(1)), min: Number(Math.min(...times).toFixed(1)), max: Number(Math.max(...times).toFixed(1)) },
    cpuMsPerBrush: Number(cpuPerBrush.toFixed(1)),
    rendererMainThreadCpuMsPerBrush: Number(threadPerBrush.toFixed(1)),
    loadAverage: [Number(load0.toFixed(2)), Number(load1.toFixed(2))],
    cores: (await import('node:os')).cpus().length,
    lastBrushSplit: profile,
    note: runsNote,
    errors,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
