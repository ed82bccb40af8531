import type { Command } from 'commander';
import { writeReport } from '../../charts/index.ts';

/** `hashsim report <DIR>`: one self-contained, offline report.html for a result set. */
export function register(program: Command): void {
  program
    .command('report')
    .description('write <dir>/report.html: scenario, provenance, summary table and interactive charts (works offline)')
    .argument('<dir>', 'result set folder (written by hashsim run or merge)')
    .option('--quiet', 'print nothing on success')
    .action(async (dir: string, opts: { quiet?: boolean }) => {
      const path = await writeReport(dir);
      if (!opts.quiet) process.stdout.write(`${path}\n`);
    });
}
