/**
 * Every failure this library reports on purpose is a CryptoError with one of these codes.
 * Messages say what was wrong with the input; they never contain key material, passwords or
 * plaintext.
 */
export type CryptoErrorCode =
  /** An argument has the wrong type or is out of range (a programming error in the caller). */
  | 'invalid-argument'
  /** A value cannot be canonicalised as JSON (RFC 8785): undefined, NaN, a function, a cycle... */
  | 'not-canonicalizable'
  /** Base64 / hex / PEM text that does not decode. */
  | 'invalid-encoding'
  /** An encrypted-secret envelope is malformed or of an unsupported version/algorithm. */
  | 'invalid-envelope'
  /** Authenticated decryption failed: wrong key, wrong AAD, wrong password or tampered data. */
  | 'decryption-failed'
  /** An envelope names a key-encryption key that the provider does not hold. */
  | 'unknown-kek'
  /** Key material is malformed, of the wrong size or of an unsupported type. */
  | 'invalid-key'
  /** The key type or algorithm is not supported for this operation. */
  | 'unsupported-algorithm'
  /** A signature did not verify (checkpoints, signed notes). */
  | 'signature-invalid'
  /** A DSSE envelope is malformed or truncated. */
  | 'malformed-dsse'
  /** A signed note or checkpoint is malformed. */
  | 'malformed-note'
  /** A cosign / sigstore encrypted private key is malformed or uses unsupported parameters. */
  | 'malformed-cosign-key'
  /** An in-toto statement or a simple-signing payload is malformed. */
  | 'malformed-payload';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isCryptoError(value: unknown, code?: CryptoErrorCode): value is CryptoError {
  return value instanceof CryptoError && (code === undefined || value.code === code);
}
