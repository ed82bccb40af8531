import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { formatVerifyReport, verifyResultSet } from '../../compare/verify.ts';

interface VerifyFlags {
  sample?: string;
  scenarioDir?: string;
  json: boolean;
  allowCode?: boolean;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('check a result set against its manifest: file hashes, and re-run runs bit for bit')
    .argument('<dir>', 'result set folder')
    .option('-k, --sample <k>', 're-run a deterministic sample of K runs (default: all runs)')
    .option('--scenario-dir <dir>', "folder of the scenario file: base of its relative data and strategy-module paths (default: .)")
    .option('--json', 'print the report as JSON')
    .option('--allow-code', "import the strategy modules the set's scenario names to re-run (code: only for sets you trust)")
    .action(async (dir: string, flags: VerifyFlags) => {
      let sample: number | undefined;
      if (flags.sample !== undefined) {
        sample = Number(flags.sample);
        if (!/^\s*\d+\s*$/.test(flags.sample) || !Number.isInteger(sample) || sample < 0) {
          throw new HashsimError(`--sample: expected a non-negative integer, got ${JSON.stringify(flags.sample)}`);
        }
      }
      const report = await verifyResultSet(dir, {
        ...(sample === undefined ? {} : { sample }),
        ...(flags.scenarioDir ? { baseDir: flags.scenarioDir } : {}),
        allowCode: flags.allowCode === true,
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
      // 0 only when every file hash and every re-run matches; 1 otherwise (2 is a usage error).
      process.exitCode = report.ok ? 0 : 1;
    });
}
