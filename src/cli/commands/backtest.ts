import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { isIsoDate } from '../../backtest/window.ts';
import { parsePositiveInt, parseSeed } from './run.ts';
import { checkOutFolder } from '../../results/safe-dir.ts';

interface BacktestFlags {
  fromHeight?: string;
  fromDate?: string;
  to?: string;
  prices?: string;
  runs: string;
  seed: string;
  workers?: string;
  out?: string;
  force?: boolean;
  quiet?: boolean;
  allowCode?: boolean;
}

function parseHeight(value: string, flag: string): number {
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new HashsimError(`${flag}: expected a block height (a non-negative integer, a multiple of 2016), got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function parseDate(value: string, flag: string): string {
  const v = value.trim();
  if (!isIsoDate(v)) throw new HashsimError(`${flag}: expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return v;
}

export function register(program: Command): void {
  program
    .command('backtest')
    .description('run a scenario from a real retarget on real daily prices and score the simulated difficulty at every later real retarget (backtest.json, backtest.parquet, chart)')
    .argument('<scenario>', 'scenario file (YAML or JSON): the world (miners, fringe, fees, calibration)')
    .option('--from-height <H>', 'start at the real retarget at height H (a multiple of 2016; default: the scenario start)')
    .option('--from-date <D>', 'start at the first real retarget on or after the date YYYY-MM-DD')
    .option('--to <YYYY-MM-DD>', "last day of the window (default: the start + the scenario's horizonDays - 1)")
    .option('--prices <CSV>', 'dated daily price CSV (date, close_usd; default: the shipped data/btc-usd-daily.csv)')
    .option('--runs <N>', 'number of seeded runs', '100')
    .option('--seed <S>', 'master seed (integer or string)', '1')
    .option('--workers <W>', 'worker threads (default: all cores)')
    .option('--out <DIR>', 'output folder (default: results/backtest-<scenario-name>-<from-height>)')
    .option('--force', 'write into a folder that holds something other than a backtest')
    .option('--quiet', 'print nothing but errors')
    .option('--allow-code', "run the strategy modules the scenario names (code: only for scenarios you trust)")
    .action(async (file: string, flags: BacktestFlags) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const runs = parsePositiveInt(flags.runs, '--runs');
      const seed = parseSeed(flags.seed);
      const workers = flags.workers !== undefined ? parsePositiveInt(flags.workers, '--workers') : undefined;
      if (flags.fromHeight !== undefined && flags.fromDate !== undefined) throw new HashsimError('--from-height, --from-date: expected one of them, not both');
      const fromHeight = flags.fromHeight !== undefined ? parseHeight(flags.fromHeight, '--from-height') : undefined;
      const fromDate = flags.fromDate !== undefined ? parseDate(flags.fromDate, '--from-date') : undefined;
      const to = flags.to !== undefined ? parseDate(flags.to, '--to') : undefined;
      // --out given: never a symbolic link or a folder holding one (runBacktest then refuses a folder
      // that is not a backtest without --force).
      if (flags.out !== undefined) await checkOutFolder(flags.out, { force: true, kind: 'backtest folder', markers: ['backtest.json'] });
      // Loaded here: the engine, pool and chart stack are not needed for `hashsim --help`.
      const { runBacktest } = await import('../../backtest/index.ts');
      const { formatBacktest } = await import('../../backtest/report.ts');
      const result = await runBacktest({
        scenarioFile: file,
        ...(fromHeight !== undefined ? { fromHeight } : {}),
        ...(fromDate !== undefined ? { fromDate } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(flags.prices !== undefined ? { pricesFile: flags.prices } : {}),
        runs,
        seed,
        ...(workers !== undefined ? { workers } : {}),
        ...(flags.out !== undefined ? { out: flags.out } : {}),
        force: flags.force === true,
        allowCode: flags.allowCode === true,
        log: flags.quiet ? () => {} : log,
      });
      if (!flags.quiet) {
        process.stdout.write(formatBacktest(result.document, result.rows));
        log(`wrote ${result.dir} (${result.files.join(', ')})`);
      }
      const failed = result.document.failed_runs;
      if (failed.length > 0) {
        const shown = failed.slice(0, 10).map((f) => `  run ${f.run_index}: ${f.error.split('\n')[0]}`);
        const more = failed.length > 10 ? [`  ... and ${failed.length - 10} more (backtest.json, failed_runs)`] : [];
        log([`${failed.length} of ${result.document.runs} runs failed (left out of every row):`, ...shown, ...more].join('\n'));
        process.exitCode = 1;
      }
      if (result.chartError !== null) {
        log(`chart failed (backtest.json and backtest.parquet are complete): ${result.chartError}`);
        process.exitCode = 1;
      }
    });
}
