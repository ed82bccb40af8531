import type { Command } from 'commander';
import { exportCsv } from '../../results/csv.ts';

export function register(program: Command): void {
  program
    .command('export')
    .description('export a result set\'s tables to other formats (CSV: <DIR>/csv/*.csv)')
    .argument('<dir>', 'result set folder')
    .option('--csv', 'write csv/runs.csv, series.csv, miners.csv, agents.csv, bands.csv (the default and only format)')
    .action(async (dir: string) => {
      const files = await exportCsv(dir);
      process.stdout.write(`${files.join('\n')}\n`);
    });
}
