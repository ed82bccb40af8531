/**
 * An error caused by the user's input (a scenario, a flag, a file): the CLI prints its message
 * without a stack trace and exits non-zero. Messages name the field path and what was expected.
 */
export class HashsimError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'HashsimError';
    this.exitCode = exitCode;
  }
}
