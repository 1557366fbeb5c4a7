export type CatalogErrorCode = 'duplicate-cataloger' | 'invalid-cataloger' | 'invalid-archive' | 'archive-limit' | 'invalid-elf';

/** Raised for programming errors (registry misuse) and inside parsers; catalogers turn parser errors into notes. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';

  constructor(
    readonly code: CatalogErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
