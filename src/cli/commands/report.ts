import type { Command } from 'commander';
import { writeAnyReport } from '../../charts/reports.ts';
import { phaseProgress } from './chart.ts';

/** `hashsim report <DIR>`: one self-contained, offline report.html for a result set, sweep or comparison. */
export function register(program: Command): void {
  program
    .command('report')
    .description('write <dir>/report.html for a result set, a sweep or a comparison folder: parameters, provenance, tables and interactive charts (works offline)')
    .argument('<dir>', 'result set folder (hashsim run or merge), sweep folder (hashsim sweep) or comparison folder (hashsim compare)')
    .option('--quiet', 'print nothing on success')
    .action(async (dir: string, opts: { quiet?: boolean }) => {
      const progress = phaseProgress(opts.quiet, 'report', 'charts');
      const path = await writeAnyReport(dir, { onChart: progress.onChart });
      progress.end();
      if (!opts.quiet) process.stdout.write(`${path}\n`);
    });
}
