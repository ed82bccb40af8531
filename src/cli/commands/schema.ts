import { atomicWriteSync } from '../../results/atomic.ts';
import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { scenarioJsonSchemaText } from '../../scenario/json-schema.ts';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (editors use it to complete and check them)')
    .option('--out <file>', 'write it to a file instead of stdout')
    .action((opts: { out?: string }) => {
      const text = scenarioJsonSchemaText();
      if (opts.out === undefined) {
        process.stdout.write(text);
        return;
      }
      // Temp file + rename: a reader never sees a half-written schema.
      try {
        atomicWriteSync(opts.out, text);
      } catch (err) {
        throw new HashsimError(`--out ${opts.out}: cannot write: ${(err as Error).message}`);
      }
      process.stderr.write(`wrote ${opts.out}\n`);
    });
}
