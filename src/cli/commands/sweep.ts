import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { runSweep } from '../../sweep/index.ts';

function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^[0-9]+$/.test(v) || !Number.isInteger(n) || n < 1) {
      throw new HashsimError(`${flag}: expected a positive integer, got "${v}"`);
    }
    return n;
  };
}

export function register(program: Command): void {
  program
    .command('sweep')
    .description(
      'run a parameter sweep (grid, Latin hypercube, Sobol/Saltelli or Morris design; R replications per point, common random numbers) and its sensitivity analysis: ' +
        'one result set per point in <out>/points/<k>/ plus <out>/sweep.parquet, sweep.csv and sweep.json',
    )
    .argument('<sweep-file>', 'sweep file (YAML or JSON), see docs/SWEEPS.md')
    .option('--workers <n>', 'worker threads in all (default: all cores)', positiveInt('--workers'))
    .option('--out <dir>', "output folder (default: the sweep file's out, else results/sweeps/<name>)")
    .option('--resume', 'complete an interrupted sweep in the same folder')
    .option('--force', 'overwrite an output folder that holds a different sweep')
    .option('--quiet', 'no progress output')
    .option('--no-charts', 'do not render the sweep heatmaps and tornado charts')
    .option('--allow-code', "run the strategy modules the base scenario names (code: only for files you trust)")
    .action(async (file: string, opts: { workers?: number; out?: string; resume?: boolean; force?: boolean; quiet?: boolean; charts: boolean; allowCode?: boolean }) => {
      const res = await runSweep(file, {
        out: opts.out,
        workers: opts.workers,
        resume: opts.resume === true,
        force: opts.force === true,
        quiet: opts.quiet === true,
        allowCode: opts.allowCode === true,
      });
      if (opts.charts) {
        // Loaded lazily: vega and resvg are heavy and only needed here.
        const { renderSweepCharts } = await import('../../charts/sweepset.ts');
        const charts = await renderSweepCharts(res.out);
        if (opts.quiet !== true) process.stderr.write(`charts: ${charts.length} in ${res.out}/charts\n`);
        const { writeAnyReport } = await import('../../charts/reports.ts');
        const report = await writeAnyReport(res.out);
        if (opts.quiet !== true) process.stderr.write(`report: ${report}\n`);
      }
      if (res.runsFailed > 0) {
        const bad = res.points.filter((p) => p.runsFailed > 0).map((p) => `point ${p.point}: ${p.runsFailed}`);
        process.stderr.write(`hashsim sweep: ${res.runsFailed} runs failed (${bad.join('; ')}); see each point's runs.parquet\n`);
        process.exitCode = 1;
      }
    });
}
