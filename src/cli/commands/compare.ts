import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { compareResultSets } from '../../compare/compare.ts';
import { formatComparison, writeComparison, COMPARE_FILES } from '../../compare/output.ts';
import { chartFormatsOf, chartWorkersOf, phaseProgress } from './chart.ts';

interface CompareFlags {
  out?: string;
  metrics?: string[];
  level: string;
  resamples: string;
  bootstrap: string;
  seed: string;
  steps: boolean;
  charts: boolean;
  report: boolean;
  formats?: string;
  chartWorkers?: string;
  json: boolean;
  quiet?: boolean;
}

/**
 * A result set's name in a default compare folder: its folder name, prefixed by the scenario folder
 * for batch folders (`results/<scenario>/seed-<S>-runs-<N>`) and by the sweep for sweep points
 * (`results/sweeps/<sweep>/points/<k>`), so two batches of different scenarios never both read "seed-1-runs-100".
 */
export function setLabel(dir: string): string {
  const abs = resolve(dir);
  const base = basename(abs);
  const parent = basename(dirname(abs));
  if (parent === 'points') return `${basename(dirname(dirname(abs)))}-point-${base}`;
  if (/^seed-.*-runs-\d+$/.test(base)) return `${parent}-${base}`;
  return base;
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new HashsimError(`${flag}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare result set B against A: paired differences (same seed) or unpaired, with CIs and tests; writes tables, charts and report.html')
    .argument('<A>', 'baseline result set folder')
    .argument('<B>', 'result set folder to compare against A (differences are B - A)')
    .option('-o, --out <dir>', 'output folder (default results/compare-<A>-vs-<B>; A and B named <scenario>-seed-<S>-runs-<N> or <sweep>-point-<k>)')
    .option('-m, --metrics <names...>', 'compare only these summary/series metrics')
    .option('--level <p>', 'confidence level of the intervals', '0.95')
    .option('--resamples <n>', 'bootstrap resamples per summary metric', '2000')
    .option('--bootstrap <method>', 'bootstrap interval: bca or percentile', 'bca')
    .option('--seed <n>', 'seed of the bootstrap resampling', '0')
    .option('--no-steps', 'skip the per-step band differences')
    .option('--no-charts', 'do not render comparison charts')
    .option('--formats <list>', 'chart image formats besides the Vega-Lite JSON: png, svg, png,svg or none', 'png,svg')
    .option('--chart-workers <n>', 'chart render threads (default: HASHSIM_CHART_WORKERS, else all cores)')
    .option('--no-report', 'do not write report.html')
    .option('--json', 'print compare.json to stdout instead of the table')
    .option('--quiet', 'no progress output')
    .action(async (a: string, b: string, flags: CompareFlags) => {
      const level = Number(flags.level);
      if (!(level > 0 && level < 1)) throw new HashsimError(`--level: expected a number in (0, 1), got ${JSON.stringify(flags.level)}`);
      if (flags.bootstrap !== 'bca' && flags.bootstrap !== 'percentile') {
        throw new HashsimError(`--bootstrap: expected "bca" or "percentile", got ${JSON.stringify(flags.bootstrap)}`);
      }
      const seed = Number(flags.seed);
      if (!Number.isInteger(seed)) throw new HashsimError(`--seed: expected an integer, got ${JSON.stringify(flags.seed)}`);
      const formats = chartFormatsOf(flags);
      const workers = chartWorkersOf(flags.chartWorkers);
      const metrics = flags.metrics?.flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean);
      const cmp = phaseProgress(flags.quiet, 'compare', 'metrics');
      const comparison = await compareResultSets(a, b, {
        ...(metrics && metrics.length ? { metrics } : {}),
        level,
        resamples: positiveInt(flags.resamples, '--resamples'),
        bootstrapMethod: flags.bootstrap,
        seed,
        steps: flags.steps,
        onProgress: cmp.onChart,
      });
      cmp.end();
      const out = resolve(flags.out ?? join('results', `compare-${setLabel(a)}-vs-${setLabel(b)}`));
      const written = await writeComparison(comparison, out);
      let chartsOk = true;
      if (flags.charts) {
        try {
          const { writeComparisonCharts } = await import('../../compare/charts.ts');
          const progress = phaseProgress(flags.quiet, 'charts', 'charts');
          written.push(...(await writeComparisonCharts(comparison, join(out, COMPARE_FILES.charts), { formats, ...(workers !== undefined ? { workers } : {}), onChart: progress.onChart })));
          progress.end();
        } catch (err) {
          chartsOk = false;
          process.stderr.write(`hashsim: warning: comparison charts not written (${(err as Error).message})\n`);
        }
      }
      if (flags.report) {
        try {
          const { writeCompareReport } = await import('../../compare/report.ts');
          const progress = phaseProgress(flags.quiet, 'report', 'charts');
          written.push(await writeCompareReport(out, { onChart: progress.onChart }));
          progress.end();
        } catch (err) {
          chartsOk = false;
          process.stderr.write(`hashsim: warning: report.html not written (${(err as Error).message})\n`);
        }
      }
      for (const w of comparison.warnings) process.stderr.write(`hashsim: warning: ${w}\n`);
      if (flags.json) process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
      else {
        process.stdout.write(formatComparison({ ...comparison, warnings: [] }));
        const parts = [COMPARE_FILES.json, COMPARE_FILES.metrics, COMPARE_FILES.steps, ...(flags.charts && chartsOk ? [`${COMPARE_FILES.charts}/`] : []), ...(flags.report && chartsOk ? ['report.html'] : [])];
        process.stdout.write(`wrote ${out}/ (${parts.join(', ')})\n`);
      }
    });
}
