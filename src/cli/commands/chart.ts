import type { Command } from 'commander';
import { join } from 'node:path';
import { createPhaseReporter, type PhaseTicker } from '../../batch/progress.ts';
import { HashsimError } from '../../errors.ts';
import { parseChartFormats, setKind, type ChartFormat } from '../../charts/formats.ts';

export interface ChartFlags {
  png: boolean;
  formats?: string;
  chartWorkers?: string;
  quiet?: boolean;
}

/** --formats (or the older --no-png) as a list; PNG and SVG by default. */
export function chartFormatsOf(flags: { png?: boolean; formats?: string }): ChartFormat[] {
  if (flags.formats !== undefined) return parseChartFormats(flags.formats);
  return flags.png === false ? ['svg'] : ['png', 'svg'];
}

/** --chart-workers N (default: HASHSIM_CHART_WORKERS, else the cores). */
export function chartWorkersOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) throw new HashsimError(`--chart-workers: expected a positive integer, got ${JSON.stringify(value)}`, 2);
  return Number(value);
}

/** A progress callback for a phase with ETA, started on its first report (quiet: nothing). */
export function phaseProgress(quiet: boolean | undefined, label: string, unit: string): { onChart: (done: number, total: number) => void; end: () => void } {
  let ticker: PhaseTicker | undefined;
  return {
    onChart: (done, total) => (ticker ??= createPhaseReporter(quiet ? 'none' : 'auto').start(label, total, unit)).tick(done),
    end: () => ticker?.end(),
  };
}

/**
 * Draws the charts of a result set, a sweep or a comparison folder; returns the charts (name and
 * files relative to the folder).
 */
export async function drawCharts(dir: string, options: { formats: ChartFormat[]; workers?: number; onChart?: (done: number, total: number) => void }): Promise<{ name: string; files: readonly string[] }[]> {
  const kind = setKind(dir);
  const common = { formats: options.formats, ...(options.workers !== undefined ? { workers: options.workers } : {}), ...(options.onChart ? { onChart: options.onChart } : {}) };
  if (kind === 'sweep') {
    const { renderSweepCharts } = await import('../../charts/sweepset.ts');
    return renderSweepCharts(dir, common);
  }
  if (kind === 'compare') {
    const { readComparison } = await import('../../compare/report.ts');
    const { writeComparisonCharts } = await import('../../compare/charts.ts');
    const c = await readComparison(dir);
    await writeComparisonCharts(c, join(dir, 'charts'), common);
    const { chartsFromIndex } = await import('../../charts/reports.ts');
    return (await chartsFromIndex(dir)).map((x) => ({ name: x.name, files: [x.file ?? `charts/${x.name}.vl.json`] }));
  }
  const { renderResultSetCharts } = await import('../../charts/resultset.ts');
  return renderResultSetCharts(dir, common);
}

/** `hashsim chart <DIR>`: (re)draws charts/*.vl.json, .svg, .png of a result set, sweep or comparison. */
export function register(program: Command): void {
  program
    .command('chart')
    .description('draw the charts of a result set, a sweep (heatmaps, tornado charts) or a comparison folder into <dir>/charts (Vega-Lite JSON always, PNG and SVG by default)')
    .argument('<dir>', 'result set folder (hashsim run or merge), sweep folder (hashsim sweep) or comparison folder (hashsim compare)')
    .option('--formats <list>', 'image formats besides the Vega-Lite JSON: png, svg, png,svg or none', 'png,svg')
    .option('--no-png', 'write Vega-Lite JSON and SVG only (same as --formats svg)')
    .option('--chart-workers <n>', 'render threads (default: HASHSIM_CHART_WORKERS, else all cores); the files do not depend on it')
    .option('--quiet', 'print nothing on success')
    .action(async (dir: string, opts: ChartFlags) => {
      const formats = opts.png === false ? ['svg' as const] : chartFormatsOf(opts);
      const progress = phaseProgress(opts.quiet, 'charts', 'charts');
      const workers = chartWorkersOf(opts.chartWorkers);
      const charts = await drawCharts(dir, { formats, ...(workers !== undefined ? { workers } : {}), onChart: progress.onChart });
      progress.end();
      if (!opts.quiet) {
        for (const c of charts) process.stdout.write(`${c.files.join('  ')}\n`);
        process.stdout.write(`${charts.length} charts written to ${dir}/charts\n`);
      }
    });
}
