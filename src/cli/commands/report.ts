import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';

// PLACEHOLDER: replaced by the module that implements `hashsim report`.
export function register(program: Command): void {
  program.command('report').description('(not yet implemented)').allowUnknownOption().action(() => {
    throw new HashsimError('hashsim report is not implemented yet');
  });
}
