import { Command, CommanderError } from 'commander';
import { HashsimError } from '../errors.ts';
import { readPackageVersion } from './version.ts';

/** A CLI command: adds itself to the program. Actions set process.exitCode or throw HashsimError. */
export interface CliCommand {
  register(program: Command): void;
}

/**
 * Command modules by command name, in help order, imported on demand: `hashsim run` must not pay
 * for loading charts, vega or the comparison code (start-up time is time to the first result).
 */
const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  validate: () => import('./commands/validate.ts'),
  schema: () => import('./commands/schema.ts'),
  run: () => import('./commands/run.ts'),
  sweep: () => import('./commands/sweep.ts'),
  analyze: () => import('./commands/analyze.ts'),
  calibrate: () => import('./commands/calibrate.ts'),
  merge: () => import('./commands/merge.ts'),
  export: () => import('./commands/export.ts'),
  compare: () => import('./commands/compare.ts'),
  verify: () => import('./commands/verify.ts'),
  chart: () => import('./commands/chart.ts'),
  report: () => import('./commands/report.ts'),
  explore: () => import('./commands/explore.ts'),
  backtest: () => import('./commands/backtest.ts'),
};

/**
 * The CLI program. With `argv` naming a command (argv[2]), only that command is loaded; otherwise
 * (help, --version, an unknown command) all are.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('hashsim')
    .description('agent-based simulation of Bitcoin hashrate and miner behaviour')
    .version(readPackageVersion())
    .exitOverride()
    .showHelpAfterError();
  const name = argv?.[2];
  const names = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  const modules = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const c of modules) c.register(program);
  return program;
}

/** Errors of the file system (a read-only or full disk, a missing folder, no permission): a message, not a stack. */
const SYSTEM_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EIO', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOTEMPTY', 'EMFILE', 'ENFILE', 'EXDEV', 'ELOOP', 'ENAMETOOLONG', 'EBUSY']);

function systemError(err: unknown): string | null {
  const e = err as { code?: unknown; syscall?: unknown; path?: unknown; dest?: unknown } | null;
  if (e === null || typeof e !== 'object' || typeof e.code !== 'string' || !SYSTEM_CODES.has(e.code)) return null;
  const what = typeof e.path === 'string' ? ` ${e.path}${typeof e.dest === 'string' ? ` -> ${e.dest}` : ''}` : '';
  const reason: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOENT: 'no such file or folder',
    ENOTDIR: 'not a folder',
    EISDIR: 'is a folder',
  };
  return `cannot ${typeof e.syscall === 'string' ? e.syscall : 'access'}${what}: ${reason[e.code] ?? e.code} (${e.code})`;
}

/** Runs the CLI; resolves to the exit code. User errors print a message, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = 0;
  try {
    const program = await buildProgram(argv);
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // Help and --version exit 0; every other parse error (unknown command or flag, missing or extra
    // argument, bad option value) is a usage error: 2, as docs/BATCH.md says.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof HashsimError) {
      process.stderr.write(`hashsim: ${err.message}\n`);
      return err.exitCode;
    }
    const sys = systemError(err);
    if (sys !== null) {
      process.stderr.write(`hashsim: ${sys}\n`);
      return 1;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`hashsim: internal error: ${e.stack ?? e.message}\n`);
    return 70;
  }
}
