export type CorrelationErrorCode = 'invalid-signing-window' | 'invalid-repository-glob' | 'invalid-rule';

/** Bad configuration or rule data; the message says what was wrong and where. */
export class CorrelationError extends Error {
  override readonly name = 'CorrelationError';
  constructor(
    readonly code: CorrelationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
