export type VulnDbErrorCode =
  /** A file or download is not JSON where JSON was expected. */
  | 'invalid-json'
  /** A path or download is none of the inputs we read (OSV directory, zip, JSON, KEV JSON, EPSS CSV). */
  | 'unsupported-input'
  /** A zip archive is damaged or uses a feature we do not read (encryption, unknown compression). */
  | 'invalid-zip'
  /** An input exceeds a limit (entry size, ratio, download size). */
  | 'too-large'
  /** A KEV or EPSS file does not have the expected shape. */
  | 'invalid-enrichment'
  /** The local database file is unreadable or not ours; `lazaret db import` rebuilds it. */
  | 'db-corrupt'
  /** The local database file could not be read or written. */
  | 'db-io'
  /** The database was written by a newer schema than this code knows. */
  | 'db-version'
  /** A download failed (status, network, timeout). */
  | 'download-failed'
  /** A caller passed something unusable (e.g. an empty package list entry). */
  | 'invalid-argument';

export class VulnDbError extends Error {
  override readonly name = 'VulnDbError';

  constructor(
    readonly code: VulnDbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isVulnDbError(err: unknown): err is VulnDbError {
  return err instanceof VulnDbError;
}
