import { Command, CommanderError } from 'commander';
import { HashsimError } from '../errors.ts';
import { readPackageVersion } from './version.ts';
import * as validate from './commands/validate.ts';
import * as schema from './commands/schema.ts';
import * as run from './commands/run.ts';
import * as sweep from './commands/sweep.ts';
import * as merge from './commands/merge.ts';
import * as compare from './commands/compare.ts';
import * as verify from './commands/verify.ts';
import * as chart from './commands/chart.ts';
import * as report from './commands/report.ts';
import * as exportCmd from './commands/export.ts';

/** A CLI command: adds itself to the program. Actions set process.exitCode or throw HashsimError. */
export interface CliCommand {
  register(program: Command): void;
}

const COMMANDS: readonly CliCommand[] = [validate, schema, run, sweep, merge, exportCmd, compare, verify, chart, report];

export function buildProgram(): Command {
  const program = new Command('hashsim')
    .description('Agent-based simulation of Bitcoin hashrate and miner behaviour')
    .version(readPackageVersion())
    .exitOverride()
    .showHelpAfterError();
  for (const c of COMMANDS) c.register(program);
  return program;
}

/** Runs the CLI; resolves to the exit code. User errors print a message, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  process.exitCode = 0;
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof HashsimError) {
      process.stderr.write(`hashsim: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`hashsim: internal error: ${e.stack ?? e.message}\n`);
    return 70;
  }
}
