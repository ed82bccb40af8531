import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';

// PLACEHOLDER: replaced by the module that implements `hashsim verify`.
export function register(program: Command): void {
  program.command('verify').description('(not yet implemented)').allowUnknownOption().action(() => {
    throw new HashsimError('hashsim verify is not implemented yet');
  });
}
