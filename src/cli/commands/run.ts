import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';

// PLACEHOLDER: replaced by the module that implements `hashsim run`.
export function register(program: Command): void {
  program.command('run').description('(not yet implemented)').allowUnknownOption().action(() => {
    throw new HashsimError('hashsim run is not implemented yet');
  });
}
