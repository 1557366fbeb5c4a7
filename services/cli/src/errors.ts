export type CliErrorCode = 'usage' | 'config' | 'unreachable' | 'unauthenticated' | 'forbidden' | 'api-error';

/** Exit code 2 for every CLI error; 1 is reserved for "the check ran and found a problem". */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
  }
}
