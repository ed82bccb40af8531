import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { exportCsv } from '../../results/csv.ts';

export function register(program: Command): void {
  program
    .command('export')
    .description('export a result set\'s tables to other formats (CSV: <DIR>/csv/*.csv)')
    .argument('<dir>', 'result set folder')
    .option('--csv', 'write csv/runs.csv, series.csv, miners.csv, bands.csv')
    .action(async (dir: string, flags: { csv?: boolean }) => {
      if (!flags.csv) throw new HashsimError('export: choose a format, e.g. --csv');
      const files = await exportCsv(dir);
      process.stdout.write(`${files.join('\n')}\n`);
    });
}
