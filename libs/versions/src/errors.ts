export type VersionErrorCode =
  /** The string is not a version of the ecosystem (the matcher reports "unknown ordering"). */
  | 'unparsable-version'
  /** No comparator is registered for the ecosystem name. */
  | 'unknown-ecosystem'
  /** Two comparators claim the same ecosystem name. */
  | 'duplicate-comparator'
  /** An OSV range's events are malformed (no event key, several keys, unknown key). */
  | 'invalid-range';

export class VersionError extends Error {
  override readonly name = 'VersionError';

  constructor(
    readonly code: VersionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function unparsable(ecosystem: string, version: string, reason: string): VersionError {
  return new VersionError('unparsable-version', `${ecosystem}: cannot parse version ${JSON.stringify(version)}: ${reason}`);
}
