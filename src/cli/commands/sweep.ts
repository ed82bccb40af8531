import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';

// PLACEHOLDER: replaced by the module that implements `hashsim sweep`.
export function register(program: Command): void {
  program.command('sweep').description('(not yet implemented)').allowUnknownOption().action(() => {
    throw new HashsimError('hashsim sweep is not implemented yet');
  });
}
