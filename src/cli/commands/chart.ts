import type { Command } from 'commander';
import { renderResultSetCharts } from '../../charts/index.ts';
import { createPhaseReporter, type PhaseTicker } from '../../batch/progress.ts';
import { isSweepDir, renderSweepCharts } from '../../charts/sweepset.ts';

/** `hashsim chart <DIR>`: (re)draws charts/*.vl.json, .svg, .png of a result set. */
export function register(program: Command): void {
  program
    .command('chart')
    .description('draw the charts of a result set, or the heatmaps and tornado charts of a sweep, into <dir>/charts (Vega-Lite JSON, SVG, PNG)')
    .argument('<dir>', 'result set folder (written by hashsim run or merge) or sweep folder (written by hashsim sweep)')
    .option('--no-png', 'write Vega-Lite JSON and SVG only')
    .option('--quiet', 'print nothing on success')
    .action(async (dir: string, opts: { png: boolean; quiet?: boolean }) => {
      let ticker: PhaseTicker | undefined;
      const charts = isSweepDir(dir) ? await renderSweepCharts(dir, { png: opts.png }) : await renderResultSetCharts(dir, { png: opts.png, onChart: (done, total) => (ticker ??= createPhaseReporter(opts.quiet ? 'none' : 'auto').start('charts', total, 'charts')).tick(done) });
      ticker?.end();
      if (!opts.quiet) {
        for (const c of charts) process.stdout.write(`${c.files.join('  ')}\n`);
        process.stdout.write(`${charts.length} charts written to ${dir}/charts\n`);
      }
    });
}
