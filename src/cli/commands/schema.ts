import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';

// PLACEHOLDER: replaced by the module that implements `hashsim schema`.
export function register(program: Command): void {
  program.command('schema').description('(not yet implemented)').allowUnknownOption().action(() => {
    throw new HashsimError('hashsim schema is not implemented yet');
  });
}
