import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';

// PLACEHOLDER: replaced by the module that implements `hashsim chart`.
export function register(program: Command): void {
  program.command('chart').description('(not yet implemented)').allowUnknownOption().action(() => {
    throw new HashsimError('hashsim chart is not implemented yet');
  });
}
