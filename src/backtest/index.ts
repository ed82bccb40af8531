// `hashsim backtest`: runs a scenario's world from a real retarget on a real daily price path and
// scores the simulated difficulty at every later real retarget of the window (docs/BACKTEST.md).
// Everything is checked and computed before the first byte is written; the output folder then gets
// backtest.parquet, the chart and, last, backtest.json (a folder with backtest.json is complete).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strategyModulesOf } from '../batch/index.ts';
import { requireCodeOptIn } from '../batch/code-trust.ts';
import { scenarioForRun } from '../calibrate/apply.ts';
import { difficultyFromBits } from '../consensus/index.ts';
import { HashsimError } from '../errors.ts';
import { CsvFormatError } from '../market/csv.ts';
import { parseDailyPriceCsv, type DailyPriceSeries } from '../market/daily.ts';
import { atomicWrite } from '../results/atomic.ts';
import { packageInfo, scenarioHash, sha256Hex } from '../results/manifest.ts';
import { writeParquetFile } from '../results/parquet.ts';
import { MAX_SCENARIO_BYTES, parseScenarioText, parseScenarioWithFiles, validateScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { windowMetrics } from './metrics.ts';
import { runBacktestRuns } from './pool.ts';
import {
  BACKTEST_COLUMNS,
  BACKTEST_FILES,
  BACKTEST_FORMAT,
  backtestJson,
  backtestParquetColumns,
  backtestRows,
  orderedRow,
  type BacktestDocument,
  type BacktestRow,
} from './report.ts';
import { resolveWindow, type BacktestWindow } from './window.ts';

export { BACKTEST_COLUMNS, BACKTEST_FILES, BACKTEST_FORMAT, type BacktestDocument, type BacktestRow } from './report.ts';
export { crpsSorted, ensembleCrps, normalCrps, pitHistogram, pitValue, scoreRetarget, windowMetrics, PIT_BINS } from './metrics.ts';
export { resolveWindow, type BacktestWindow } from './window.ts';

/** The shipped daily BTC/USD closes (package root, not the cwd: src/ and dist/ are one level down). */
export const SHIPPED_PRICES = fileURLToPath(new URL('../../data/btc-usd-daily.csv', import.meta.url));
export const SHIPPED_PRICES_LABEL = 'data/btc-usd-daily.csv (shipped with hashsim)';

export interface BacktestOptions {
  /** Scenario file (YAML or JSON): the world (miners, fringe, fees, calibration). */
  readonly scenarioFile: string;
  readonly fromHeight?: number;
  readonly fromDate?: string;
  readonly to?: string;
  /** Dated daily price CSV (default: the shipped series). */
  readonly pricesFile?: string;
  readonly runs: number;
  readonly seed: string | number;
  readonly workers?: number;
  /** Output folder (default results/backtest-<scenario name>-<from height>). */
  readonly out?: string;
  /** Write into a folder that holds something other than a backtest. */
  readonly force?: boolean;
  /** Run strategy modules the scenario names (the CLI's --allow-code); refused otherwise. */
  readonly allowCode?: boolean;
  /** Progress and notes (default: none). */
  readonly log?: (line: string) => void;
}

export interface BacktestResult {
  readonly dir: string;
  readonly document: BacktestDocument;
  readonly rows: readonly BacktestRow[];
  readonly window: BacktestWindow;
  /** Files written, relative to dir. */
  readonly files: readonly string[];
  /** The chart could not be rendered (the data files are complete). */
  readonly chartError: string | null;
}

function readPrices(path: string, label: string): { series: DailyPriceSeries; sha256: string } {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) throw new HashsimError(`--prices ${label}: expected a CSV file, but it is a folder or other non-file`, 1);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof HashsimError) throw err;
    throw new HashsimError(`--prices ${label}: file not found`, 1);
  }
  try {
    return { series: parseDailyPriceCsv(bytes.toString('utf8')), sha256: sha256Hex(bytes) };
  } catch (err) {
    if (err instanceof CsvFormatError) throw new HashsimError(`--prices ${label}: ${err.message}`, 1);
    throw err;
  }
}

function readScenarioObject(file: string): { raw: Record<string, unknown>; base: Scenario; baseDir: string } {
  const abs = resolve(file);
  let size: number;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new HashsimError(`${file}: expected a scenario file (YAML or JSON), but it is a folder or other non-file`, 1);
    size = st.size;
  } catch (err) {
    if (err instanceof HashsimError) throw err;
    throw new HashsimError(`${file}: scenario file not found`, 1);
  }
  if (size > MAX_SCENARIO_BYTES) throw new HashsimError(`${file}: scenario file too large (${size} bytes, at most ${MAX_SCENARIO_BYTES})`, 1);
  const raw = parseScenarioText(readFileSync(abs, 'utf8'), file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new HashsimError(`${file}: expected a mapping of scenario fields`, 1);
  // The world as written, validated without reading its data files: its own price model, start
  // and horizon are replaced below; only the defaults of the window come from here.
  const base = validateScenario(raw, [], file);
  return { raw: raw as Record<string, unknown>, base, baseDir: dirname(abs) };
}

/**
 * The scenario the runs simulate: the world of `raw` with the start at the real retarget, the
 * window's horizon in daily steps, the real daily prices as a path (no overlays) and only the
 * difficulty recorded. Data files it names (strategy modules, a calibration set) are read here.
 */
function backtestScenario(raw: Record<string, unknown>, w: BacktestWindow, file: string, baseDir: string): Scenario {
  const obj: Record<string, unknown> = {
    ...raw,
    start: { date: w.startDate, height: w.fromHeight - 1, bits: `0x${w.startBits.toString(16).padStart(8, '0')}` },
    horizonDays: w.horizonDays,
    stepDays: 1,
    price: { model: 'path', pricesUsd: [...w.pricesUsd], onShort: 'hold-last' },
    output: { sampleEverySteps: w.horizonDays, metrics: ['difficulty'] },
  };
  return parseScenarioWithFiles(obj, { baseDir, source: file }).scenario;
}

/** What is at the output path: nothing, an empty folder, a backtest folder, a file or another folder. */
function folderKind(dir: string): 'absent' | 'empty' | 'backtest' | 'file' | 'other' {
  if (!existsSync(dir)) return 'absent';
  if (!statSync(dir).isDirectory()) return 'file';
  const json = join(dir, BACKTEST_FILES.json);
  if (existsSync(json)) {
    try {
      const doc = JSON.parse(readFileSync(json, 'utf8')) as { format?: unknown };
      if (doc.format === BACKTEST_FORMAT) return 'backtest';
    } catch {
      // not a backtest.json of ours
    }
  }
  return readdirSync(dir).length === 0 ? 'empty' : 'other';
}

/** The checked inputs of a backtest: the scenario the runs simulate, the window and the prices. */
export interface PreparedBacktest {
  readonly scenario: Scenario;
  readonly window: BacktestWindow;
  readonly prices: { readonly series: DailyPriceSeries; readonly sha256: string };
  readonly pricesLabel: string;
  /** Folder of the scenario file (its relative paths resolve against it). */
  readonly baseDir: string;
}

/** Reads and checks everything a backtest needs (no runs, no writes); throws HashsimError on a problem. */
export function prepareBacktest(o: Pick<BacktestOptions, 'scenarioFile' | 'fromHeight' | 'fromDate' | 'to' | 'pricesFile' | 'seed'>): PreparedBacktest {
  if (o.fromHeight !== undefined && o.fromDate !== undefined) throw new HashsimError('--from-height, --from-date: expected one of them, not both');
  const pricesPath = o.pricesFile !== undefined ? resolve(o.pricesFile) : SHIPPED_PRICES;
  const pricesLabel = o.pricesFile ?? SHIPPED_PRICES_LABEL;
  const prices = readPrices(pricesPath, pricesLabel);
  const { raw, base, baseDir } = readScenarioObject(o.scenarioFile);
  const window = resolveWindow({
    ...(o.fromHeight !== undefined ? { fromHeight: o.fromHeight } : {}),
    ...(o.fromDate !== undefined ? { fromDate: o.fromDate } : {}),
    ...(o.to !== undefined ? { to: o.to } : {}),
    scenario: { startDate: base.start.date, ...(base.start.height !== undefined ? { startHeight: base.start.height } : {}), horizonDays: base.horizonDays },
    prices: prices.series,
    pricesLabel,
  });
  const scenario = backtestScenario(raw, window, o.scenarioFile, baseDir);
  // A calibration set whose draws do not fit this scenario fails here, not in every run.
  scenarioForRun(scenario, o.seed, 0);
  return { scenario, window, prices, pricesLabel, baseDir };
}

/** Runs a backtest and writes its folder. Input problems throw HashsimError before anything is written. */
export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const log = o.log ?? (() => {});
  if (!Number.isSafeInteger(o.runs) || o.runs < 1) throw new HashsimError(`--runs: expected a positive integer, got ${o.runs}`);
  if (o.workers !== undefined && (!Number.isSafeInteger(o.workers) || o.workers < 1)) throw new HashsimError(`--workers: expected a positive integer, got ${o.workers}`);
  const { scenario, window, prices, pricesLabel, baseDir } = prepareBacktest(o);

  const dir = resolve(o.out ?? join('results', `backtest-${scenario.name}-${window.fromHeight}`));
  const kind = folderKind(dir);
  if (kind === 'file') throw new HashsimError(`--out ${dir}: is a file, expected a folder`);
  if (kind === 'other' && !o.force) {
    throw new HashsimError(`--out ${dir}: holds files that are not a backtest (no ${BACKTEST_FILES.json} of one); use --force to write into it, or choose another --out`);
  }

  // ---- runs
  const heights = window.retargets.map((r) => r.height);
  log(`backtest ${scenario.name}: ${o.runs} runs from the retarget at height ${window.fromHeight} (${window.startDate}) to ${window.to}, ${heights.length} real retargets`);
  const t0 = performance.now();
  let lastNote = t0;
  requireCodeOptIn(strategyModulesOf(scenario, baseDir), o.allowCode === true, o.scenarioFile);
  const result = await runBacktestRuns({
    onProgress: (done, total) => {
      // A note every 5 s on long backtests; short ones print only the start and end lines.
      const now = performance.now();
      if (done < total && now - lastNote >= 5000) {
        lastNote = now;
        log(`backtest: ${done}/${total} runs done (${((now - t0) / 1000).toFixed(0)} s)`);
      }
    },
    scenario,
    seed: o.seed,
    runs: o.runs,
    heights,
    strategyModules: strategyModulesOf(scenario, baseDir),
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
  });
  log(`backtest: ${o.runs} runs on ${result.workers} worker${result.workers === 1 ? '' : 's'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (result.failed.length === o.runs) {
    const first = result.failed[0]!.error;
    const same = result.failed.every((f) => f.error === first);
    throw new HashsimError(`every run failed${same ? '' : ` (run 0 shown; ${new Set(result.failed.map((f) => f.error)).size} different errors)`}: ${first}`, 1);
  }

  // ---- rows, metrics, document, chart
  const okRuns = o.runs - result.failed.length;
  const rows = backtestRows(window.retargets, result.values, o.runs, okRuns);
  const document: BacktestDocument = {
    format: BACKTEST_FORMAT,
    hashsim_version: packageInfo().version,
    scenario: { name: scenario.name, file: o.scenarioFile, sha256: scenarioHash(scenario) },
    window: {
      from_height: window.fromHeight,
      start_date: window.startDate,
      start_bits: `0x${window.startBits.toString(16).padStart(8, '0')}`,
      start_difficulty: difficultyFromBits(window.startBits),
      to: window.to,
      horizon_days: window.horizonDays,
    },
    prices: { file: pricesLabel, sha256: prices.sha256, first_date: prices.series.firstDate, last_date: prices.series.lastDate },
    seed: o.seed,
    runs: o.runs,
    ok_runs: okRuns,
    failed_runs: result.failed.map((f) => ({ run_index: f.runIndex, error: f.error })),
    columns: BACKTEST_COLUMNS.map(([name]) => name),
    rows: rows.map(orderedRow),
    metrics: windowMetrics(rows),
  };
  let chart: { spec: string; svg: string; png: Buffer } | null = null;
  let chartError: string | null = null;
  try {
    const { backtestChartSpec } = await import('./chart.ts');
    const { renderChart } = await import('../charts/render.ts');
    const spec = backtestChartSpec({
      scenarioName: scenario.name,
      runs: o.runs,
      fromHeight: window.fromHeight,
      startDate: window.startDate,
      startDifficulty: document.window.start_difficulty,
      to: window.to,
      rows,
    });
    const { svg, png } = await renderChart(spec);
    chart = { spec: `${JSON.stringify(spec, null, 2)}\n`, svg, png };
  } catch (err) {
    chartError = err instanceof Error ? err.message : String(err);
  }

  // ---- write: a new folder appears whole (staged, then renamed); in an existing one the old
  // backtest.json goes first and the new one comes last.
  const files: string[] = [BACKTEST_FILES.parquet];
  if (chart) files.push(BACKTEST_FILES.spec, BACKTEST_FILES.svg, BACKTEST_FILES.png);
  files.push(BACKTEST_FILES.json);
  const writeAll = async (into: string, write: (path: string, data: string | Uint8Array) => Promise<void>): Promise<void> => {
    await writeParquetFile(join(into, BACKTEST_FILES.parquet), backtestParquetColumns(rows));
    if (chart) {
      await write(join(into, BACKTEST_FILES.spec), chart.spec);
      await write(join(into, BACKTEST_FILES.svg), chart.svg);
      await write(join(into, BACKTEST_FILES.png), chart.png);
    } else {
      for (const f of [BACKTEST_FILES.spec, BACKTEST_FILES.svg, BACKTEST_FILES.png]) await rm(join(into, f), { force: true });
    }
    await write(join(into, BACKTEST_FILES.json), backtestJson(document));
  };
  if (kind === 'absent' || kind === 'empty') {
    await mkdir(dirname(dir), { recursive: true });
    const stage = `${dir}.tmp-${process.pid}`;
    await rm(stage, { recursive: true, force: true });
    await mkdir(stage);
    try {
      await writeAll(stage, (p, d) => writeFile(p, d));
      if (kind === 'empty') await rmdir(dir);
      await rename(stage, dir);
    } catch (err) {
      await rm(stage, { recursive: true, force: true });
      throw err;
    }
  } else {
    await rm(join(dir, BACKTEST_FILES.json), { force: true });
    await writeAll(dir, atomicWrite);
  }
  return { dir, document, rows, window, files, chartError };
}
