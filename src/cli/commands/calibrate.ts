import type { Command } from 'commander';
import { join } from 'node:path';
import { checkOutFolder } from '../../results/safe-dir.ts';
import { parsePositiveInt } from './run.ts';

const fmt = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : String(x));

export function register(program: Command): void {
  program
    .command('calibrate')
    .description(
      'estimate the network supply parameters of a calibration file from real retarget history (the exact epoch-span ' +
        'likelihood, adaptive Metropolis chains on the worker pool): writes a calibration set (posterior.parquet, draws.json, ' +
        'diagnostics.json, fit.parquet, charts, calibration.html, manifest.json), see docs/CALIBRATION.md',
    )
    .argument('<calibration-file>', 'calibration file (YAML or JSON)')
    .option('--workers <n>', 'worker threads (default: all cores, at most one per chain)', (v: string) => parsePositiveInt(v, '--workers'))
    .option('--out <dir>', 'output folder (default: calibrations/<name>)')
    .option('--resume', 'continue an interrupted calibration in the same folder')
    .option('--force', 'replace what --out holds')
    .option('--quiet', 'no progress output')
    .option('--no-charts', 'do not render charts and calibration.html')
    .action(async (file: string, opts: { workers?: number; out?: string; resume?: boolean; force?: boolean; quiet?: boolean; charts: boolean }) => {
      const { loadCalibrationFile } = await import('../../calibrate/load.ts');
      const { runCalibration } = await import('../../calibrate/run.ts');
      const loaded = loadCalibrationFile(file);
      // Never a symbolic link or a folder holding one (runCalibration then refuses a folder that is
      // neither empty nor a calibration set without --force).
      await checkOutFolder(opts.out ?? join('calibrations', loaded.spec.name), { force: true, kind: 'calibration set', markers: ['manifest.json', '.spool'] });
      const res = await runCalibration(loaded, {
        out: opts.out,
        workers: opts.workers,
        resume: opts.resume === true,
        force: opts.force === true,
        progress: opts.quiet === true ? 'none' : 'auto',
        charts: opts.charts,
        log: opts.quiet === true ? () => {} : undefined,
      });
      if (opts.quiet !== true) {
        const d = res.diagnostics;
        const lines = [
          res.status === 'up-to-date' ? `${res.dir}: up to date` : `calibration set ${res.dir}`,
          'parameter                                   mean        p05 .. p95              sd ratio   ESS    R-hat',
          ...d.parameters.map((p) => `${p.path.padEnd(42)} ${fmt(p.post_mean).padStart(10)}  ${`${fmt(p.p05)} .. ${fmt(p.p95)}`.padEnd(22)} ${fmt(p.sd_ratio).padStart(8)} ${fmt(p.ess).padStart(6)} ${fmt(p.rhat).padStart(7)}`),
          `fit: ${d.fit.epochs} epochs, coverage 50% ${fmt(d.fit.coverage_50)}, 90% ${fmt(d.fit.coverage_90)}, mean |error| ${fmt(d.fit.mae_median)}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }
    });
}
