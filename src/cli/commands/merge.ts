import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';

// PLACEHOLDER: replaced by the module that implements `hashsim merge`.
export function register(program: Command): void {
  program.command('merge').description('(not yet implemented)').allowUnknownOption().action(() => {
    throw new HashsimError('hashsim merge is not implemented yet');
  });
}
