import type { Command } from 'commander';
import { mergeResultSets } from '../../results/merge.ts';
import { exportCsv } from '../../results/csv.ts';
import { checkOutFolder } from '../../results/safe-dir.ts';
import { LOCK_FILE, lockFolder } from '../../batch/lock.ts';
import { mkdir } from 'node:fs/promises';

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
      // New, empty or a result set (never a folder of other files without --force, never through
      // a symbolic link); one writer at a time.
      await checkOutFolder(flags.out, { force: flags.force === true, kind: 'hashsim result set', markers: ['manifest.json', LOCK_FILE] });
      await mkdir(flags.out, { recursive: true });
      const unlock = await lockFolder(flags.out);
      let m;
      try {
        m = await mergeResultSets(dirs, flags.out, { force: flags.force === true, progress: flags.quiet ? 'none' : 'auto' });
      } finally {
        await unlock();
      }
      process.stdout.write(`merged ${dirs.length} shard(s) into ${flags.out} (${m.runs} runs, ${m.counts.ok} ok, ${m.counts.error} failed)\n`);
      if (flags.csv) await exportCsv(flags.out);
      if (m.failedRuns.length > 0) {
        process.stderr.write(`${m.failedRuns.length} runs had failed in the shards (runs.parquet, status = 'error')\n`);
        process.exitCode = 1;
      }
    });
}
