import type { Command } from 'commander';
import { renderResultSetCharts } from '../../charts/index.ts';

/** `hashsim chart <DIR>`: (re)draws charts/*.vl.json, .svg, .png of a result set. */
export function register(program: Command): void {
  program
    .command('chart')
    .description('draw the charts of a result set into <dir>/charts (Vega-Lite JSON, SVG, PNG)')
    .argument('<dir>', 'result set folder (written by hashsim run or merge)')
    .option('--no-png', 'write Vega-Lite JSON and SVG only')
    .option('--quiet', 'print nothing on success')
    .action(async (dir: string, opts: { png: boolean; quiet?: boolean }) => {
      const charts = await renderResultSetCharts(dir, { png: opts.png });
      if (!opts.quiet) {
        for (const c of charts) process.stdout.write(`${c.files.join('  ')}\n`);
        process.stdout.write(`${charts.length} charts written to ${dir}/charts\n`);
      }
    });
}
