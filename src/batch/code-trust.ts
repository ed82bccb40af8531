// Strategy modules are code: a scenario (or sweep, or a received result set's manifest) naming one
// must not be enough to run it. The CLI runs them only with an explicit --allow-code.
import { HashsimError } from '../errors.ts';

/** The flag that allows a strategy module to run, as the CLI spells it. */
export const ALLOW_CODE_FLAG = '--allow-code';

/**
 * Throws a usage error (exit 2) when `modules` (name -> path) is not empty and code was not
 * allowed; `what` says where the modules are named (e.g. "scenario.yaml").
 */
export function requireCodeOptIn(modules: Readonly<Record<string, string>>, allow: boolean, what: string): void {
  const names = Object.keys(modules);
  if (names.length === 0 || allow) return;
  throw new HashsimError(
    `${what} names strategy module${names.length === 1 ? '' : 's'} ${names.map((n) => JSON.stringify(n)).join(', ')}: ` +
      `code that would run with your permissions. Pass ${ALLOW_CODE_FLAG} to run it, only if you trust where it came from.`,
    2,
  );
}
