import type { ErrorCode } from '@lazaret/contracts';

/**
 * The one error type application code throws. Mapping to an HTTP status, a problem document or
 * a NATS reply happens once, at the edge; application code never throws transport errors.
 */
export class DomainError<C extends string = ErrorCode> extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: C,
    message: string,
    readonly options: { cause?: unknown; issues?: Array<{ path: string; message: string }>; retryable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
  }

  get issues(): Array<{ path: string; message: string }> | undefined {
    return this.options.issues;
  }

  /** Whether a consumer should retry the message (default: yes, unless the input itself is bad). */
  get retryable(): boolean {
    return this.options.retryable ?? !['validation-failed', 'not-found', 'conflict', 'forbidden'].includes(this.code);
  }
}

export function isDomainError(err: unknown): err is DomainError<string> {
  return err instanceof DomainError;
}

/** Zod issues as `{path, message}` pairs with dotted paths. */
export function zodIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Array<{ path: string; message: string }> {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}
