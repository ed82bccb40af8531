import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';

// PLACEHOLDER: replaced by the module that implements `hashsim validate`.
export function register(program: Command): void {
  program.command('validate').description('(not yet implemented)').allowUnknownOption().action(() => {
    throw new HashsimError('hashsim validate is not implemented yet');
  });
}
