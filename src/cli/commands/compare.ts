import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';

// PLACEHOLDER: replaced by the module that implements `hashsim compare`.
export function register(program: Command): void {
  program.command('compare').description('(not yet implemented)').allowUnknownOption().action(() => {
    throw new HashsimError('hashsim compare is not implemented yet');
  });
}
