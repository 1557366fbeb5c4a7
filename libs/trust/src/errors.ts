/**
 * Every failure this library reports on purpose is a TrustError with one of these codes.
 * Verification results that are "not trusted" are values (rejections with the same codes), not
 * exceptions: only bad arguments, unreadable input and registry failures throw.
 */
export type TrustErrorCode =
  /** A caller passed something of the wrong shape (a programming error). */
  | 'invalid-argument'
  /** An image reference or digest is malformed. */
  | 'invalid-image'
  /** The registry failed or refused (the cause is the registry client's error). */
  | 'registry-error'
  /** A signature manifest, layer, payload or annotation is malformed. */
  | 'malformed-signature'
  /** A DSSE envelope or in-toto statement is malformed or truncated. */
  | 'malformed-attestation'
  /** A Sigstore bundle is malformed. */
  | 'malformed-bundle'
  /** A signature does not verify with any trusted key. */
  | 'signature-invalid'
  /** The signed digest is not the digest of the image that was resolved. */
  | 'digest-mismatch'
  /** A statement's subjects do not include the image. */
  | 'subject-mismatch'
  /** The statement's predicate type is not the one asked for. */
  | 'predicate-mismatch'
  /** A predicate does not follow its schema. */
  | 'invalid-predicate'
  /** A key id or PEM is not in the key ring. */
  | 'unknown-key'
  /** The key was revoked before the signature's trusted time (or no trusted time exists). */
  | 'key-revoked'
  /** The key had expired at the signature's trusted time (or now, without one). */
  | 'key-expired'
  /** The key was not yet valid. */
  | 'key-not-yet-valid'
  /** A timestamp token is malformed or does not verify. */
  | 'timestamp-invalid'
  /** A trust policy file is malformed (the message names the line). */
  | 'policy-invalid'
  /** An AdmissionReview is malformed. */
  | 'admission-invalid'
  /** A tag could not be resolved to a digest. */
  | 'resolution-failed';

export class TrustError extends Error {
  override readonly name = 'TrustError';

  constructor(
    readonly code: TrustErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isTrustError(value: unknown, code?: TrustErrorCode): value is TrustError {
  return value instanceof TrustError && (code === undefined || value.code === code);
}
