import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { parseShardFlag, runBatch, shardFromEnv, strategyModulesOf, type Shard } from '../../batch/index.ts';
import { loadScenarioFile, scenarioNotes, setAllowOutsideFiles } from '../../scenario/load.ts';
import { requireCodeOptIn } from '../../batch/code-trust.ts';
import { checkBatchSize } from '../../batch/estimate.ts';
import { createPhaseReporter, type PhaseTicker, type ProgressMode } from '../../batch/progress.ts';
import { defaultResultDir } from '../../results/layout.ts';
import { chartFormatsOf, chartWorkersOf } from './chart.ts';

interface RunFlags {
  runs: string;
  seed: string;
  workers?: string;
  out?: string;
  resume?: boolean;
  force?: boolean;
  shard?: string;
  shardCount?: string;
  quiet?: boolean;
  progress?: string;
  charts: boolean;
  formats?: string;
  chartWorkers?: string;
  csv?: boolean;
  allowCode?: boolean;
  allowOutsideFiles?: boolean;
  runTimeout?: string;
}

export function parsePositiveInt(value: string, flag: string): number {
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) {
    throw new HashsimError(`${flag}: expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** Integer-looking seeds become numbers; anything else is a string seed (both are valid). */
export function parseSeed(value: string): string | number {
  const v = value.trim();
  if (v === '') throw new HashsimError('--seed: expected an integer or a non-empty string');
  if (/^-?\d+$/.test(v)) {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new HashsimError(`--seed: integer ${v} is too large (max ${Number.MAX_SAFE_INTEGER}); quote it as a string seed, e.g. s${v}`);
    return n;
  }
  return v;
}

/**
 * Charts and the HTML report after a run, from src/charts (rendered by the charts module). Kept as
 * one named hook so the run command does not depend on chart internals; chart failures are
 * reported and make the exit code non-zero, but never touch the result set. The charts are built
 * once and shared by the chart files and the report.
 */
export async function renderChartsHook(
  dir: string,
  log: (line: string) => void,
  progress: ProgressMode = 'auto',
  options: { formats?: readonly ('png' | 'svg')[]; workers?: number } = {},
): Promise<boolean> {
  try {
    const charts = await import('../../charts/index.ts');
    const data = await charts.loadChartData(dir);
    const entries = charts.buildResultSetCharts(data);
    const phase: { ticker: PhaseTicker | null; report: PhaseTicker | null } = { ticker: null, report: null };
    const rendered = await charts.renderResultSetCharts(dir, {
      data,
      entries,
      ...(options.formats ? { formats: options.formats } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      onChart: (done, total) => (phase.ticker ??= createPhaseReporter(progress).start('charts', total, 'charts')).tick(done),
    });
    phase.ticker?.end();
    const report = await charts.writeReport(dir, {
      data,
      entries,
      chartFiles: Object.fromEntries(rendered.map((c) => [c.name, c.files])),
      onChart: (done, total) => (phase.report ??= createPhaseReporter(progress).start('report', total, 'charts')).tick(done),
    });
    phase.report?.end();
    log(`report: ${report}`);
    return true;
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    log(`charts failed (the result set is complete): ${e.message}`);
    return false;
  }
}

function resolveShard(flags: RunFlags): Shard | null {
  const count = flags.shardCount !== undefined ? parsePositiveInt(flags.shardCount, '--shard-count') : undefined;
  if (flags.shard !== undefined && flags.shard !== 'env') return parseShardFlag(flags.shard);
  const fromEnv = shardFromEnv(process.env, count);
  if (flags.shard === 'env' && !fromEnv) {
    throw new HashsimError('--shard env: none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set');
  }
  return fromEnv;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a seeded Monte Carlo batch of a scenario into a result set (Parquet + manifest.json)')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--runs <N>', 'number of runs of the whole batch', '100')
    .option('--seed <S>', 'master seed (integer or string)', '1')
    .option('--workers <W>', 'worker threads (default: all cores)')
    .option('--out <DIR>', 'result set folder (default: results/<scenario-name>/seed-<S>-runs-<N>/, shards: results/<scenario-name>/seed-<S>-runs-<N>-shards/shard-<i>-of-<n>/)')
    .option('--resume', 'finish an interrupted batch in --out from its spool')
    .option('--force', 'overwrite a result set or interrupted batch of a different batch; rerun a complete one')
    .option('--shard <i/n>', 'run shard i of n (0-based, contiguous run blocks); "env" reads the job-array environment')
    .option('--shard-count <N>', 'number of shards for JOB_COMPLETION_INDEX (or HASHSIM_SHARD_COUNT)')
    .option('--quiet', 'no progress output')
    .option('--progress <mode>', 'progress output: auto, bar, lines or none', 'auto')
    .option('--no-charts', 'do not render charts and the HTML report')
    .option('--formats <list>', 'chart image formats besides the Vega-Lite JSON: png, svg, png,svg or none', 'png,svg')
    .option('--chart-workers <n>', 'chart render threads (default: HASHSIM_CHART_WORKERS, else all cores)')
    .option('--csv', 'also export the tables as csv/*.csv')
    .option('--allow-code', 'run the strategy modules the scenario names (code: only for scenarios you trust)')
    .option('--run-timeout <S>', 'wall-clock limit per run in seconds (default: none; 600 with strategy modules)')
    .option('--allow-outside-files', "let the scenario read data files outside its folder and the working folder")
    .action(async (file: string, flags: RunFlags) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const runs = parsePositiveInt(flags.runs, '--runs');
      const seed = parseSeed(flags.seed);
      const workers = flags.workers !== undefined ? parsePositiveInt(flags.workers, '--workers') : undefined;
      const mode = flags.quiet ? 'none' : flags.progress ?? 'auto';
      if (!['auto', 'bar', 'lines', 'none'].includes(mode)) {
        throw new HashsimError(`--progress: expected auto, bar, lines or none, got ${JSON.stringify(mode)}`);
      }
      const chartFormats = chartFormatsOf(flags);
      const chartWorkers = chartWorkersOf(flags.chartWorkers);
      const shard = resolveShard(flags);
      if (shard && shard.source !== '--shard' && !flags.quiet) log(`shard ${shard.index}/${shard.count} from ${shard.source}`);
      if (!existsSync(file)) throw new HashsimError(`${file}: scenario file not found`, 1);
      if (flags.out !== undefined && flags.out.trim() === '') throw new HashsimError('--out: expected a folder, got an empty path');
      if (flags.allowOutsideFiles) setAllowOutsideFiles(true);
      const loaded = loadScenarioFile(file, { requireHashrate: true });
      if (!flags.quiet) for (const n of scenarioNotes(loaded.scenario)) log(n);
      const strategyModules = strategyModulesOf(loaded.scenario, loaded.baseDir);
      requireCodeOptIn(strategyModules, flags.allowCode === true, file);
      checkBatchSize(loaded.scenario, runs, flags.force === true);
      const name = loaded.scenario.name;
      const out = flags.out ?? defaultResultDir(name, seed, runs, shard);
      const result = await runBatch({
        scenario: loaded.scenario as typeof loaded.scenario & Record<string, unknown>,
        dataFiles: loaded.dataFiles.map((d) => ({ field: d.field, path: d.path, sha256: d.sha256 })),
        strategyModules,
        ...(flags.runTimeout !== undefined ? { runTimeoutSeconds: parsePositiveInt(flags.runTimeout, '--run-timeout') } : {}),
        seed,
        runs,
        out,
        workers,
        shard,
        resume: flags.resume === true,
        force: flags.force === true,
        progress: mode as 'auto' | 'bar' | 'lines' | 'none',
        log,
      });
      const m = result.manifest;
      const what = shard ? `shard ${shard.index}/${shard.count}, runs ${m.runIndexes.start}-${m.runIndexes.end - 1}` : `${m.runs} runs`;
      process.stdout.write(`${result.status === 'up-to-date' ? 'up to date' : 'wrote'} ${result.dir} (${what}, ${m.counts.ok} ok, ${m.counts.error} failed)\n`);
      if (flags.csv) {
        // Loaded on demand: the Parquet reader stack is not needed to start a batch.
        const { exportCsv } = await import('../../results/csv.ts');
        const files = await exportCsv(result.dir);
        if (!flags.quiet) log(`csv: ${files.length} files in ${join(result.dir, 'csv')}`);
      }
      let chartsOk = true;
      // Also for an up-to-date set whose report is missing (a kill during chart rendering).
      const reportMissing = !existsSync(join(result.dir, 'report.html'));
      if (flags.charts && !shard && (result.status === 'completed' || reportMissing)) chartsOk = await renderChartsHook(result.dir, log, mode as ProgressMode, { formats: chartFormats, ...(chartWorkers !== undefined ? { workers: chartWorkers } : {}) });
      if (m.failedRuns.length > 0) {
        const shown = m.failedRuns.slice(0, 10).map((f) => `  run ${f.runIndex}: ${f.error.split('\n')[0]}`);
        const more = m.failedRuns.length > 10 ? [`  ... and ${m.failedRuns.length - 10} more (runs.parquet, status = 'error')`] : [];
        log([`${m.failedRuns.length} of ${m.runIndexes.end - m.runIndexes.start} runs failed:`, ...shown, ...more].join('\n'));
        process.exitCode = 1;
      } else if (!chartsOk) {
        process.exitCode = 1;
      }
    });
}
