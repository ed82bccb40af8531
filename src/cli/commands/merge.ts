import type { Command } from 'commander';
import { mergeResultSets } from '../../results/merge.ts';
import { exportCsv } from '../../results/csv.ts';

export function register(program: Command): void {
  program
    .command('merge')
    .description('join shard result sets into one result set, byte-identical to a single-machine batch')
    .argument('<shards...>', 'shard result set folders (any order)')
    .requiredOption('--out <DIR>', 'merged result set folder')
    .option('--force', 'overwrite a result set of a different batch in --out')
    .option('--csv', 'also export the merged tables as csv/*.csv')
    .option('--quiet', 'no progress output')
    .action(async (dirs: string[], flags: { out: string; force?: boolean; csv?: boolean; quiet?: boolean }) => {
      const m = await mergeResultSets(dirs, flags.out, { force: flags.force === true, progress: flags.quiet ? 'none' : 'auto' });
      process.stdout.write(`merged ${dirs.length} shard(s) into ${flags.out} (${m.runs} runs, ${m.counts.ok} ok, ${m.counts.error} failed)\n`);
      if (flags.csv) await exportCsv(flags.out);
      if (m.failedRuns.length > 0) {
        process.stderr.write(`${m.failedRuns.length} runs had failed in the shards (runs.parquet, status = 'error')\n`);
        process.exitCode = 1;
      }
    });
}
