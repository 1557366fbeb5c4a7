export type SbomErrorCode = 'invalid-json' | 'unknown-format' | 'unsupported-version' | 'invalid-document';

export class SbomError extends Error {
  override readonly name = 'SbomError';

  constructor(
    readonly code: SbomErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
