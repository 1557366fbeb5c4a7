import { CryptoError, type CryptoErrorCode } from './errors';

const STD_B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_B64 = /^[A-Za-z0-9_-]*={0,2}$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * Strict base64 decoding: standard or URL-safe alphabet (not mixed), padding optional, no
 * whitespace, and no non-zero trailing bits (so every byte string has exactly one accepted
 * spelling per alphabet). Node's Buffer.from(s, 'base64') silently skips garbage; this does not.
 */
export function decodeBase64(text: string, what: string, code: CryptoErrorCode = 'invalid-encoding'): Buffer {
  if (typeof text !== 'string') {
    throw new CryptoError(code, `${what} must be a base64 string`);
  }
  const isStd = STD_B64.test(text);
  const isUrl = !isStd && URL_B64.test(text);
  if (!isStd && !isUrl) {
    throw new CryptoError(code, `${what} is not valid base64`);
  }
  const body = text.replace(/=+$/, '');
  const padded = text.length % 4 === 0;
  if ((text.includes('=') && !padded) || body.length % 4 === 1) {
    throw new CryptoError(code, `${what} is not valid base64 (bad length or padding)`);
  }
  if (text.includes('=') && text.length - body.length !== (4 - (body.length % 4)) % 4) {
    throw new CryptoError(code, `${what} is not valid base64 (bad padding)`);
  }
  const bytes = Buffer.from(body, isStd ? 'base64' : 'base64url');
  const again = bytes.toString(isStd ? 'base64' : 'base64url').replace(/=+$/, '');
  if (again !== body) {
    throw new CryptoError(code, `${what} is not canonical base64 (non-zero trailing bits)`);
  }
  return bytes;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict hex decoding (either case, even length). */
export function decodeHex(text: string, what: string, code: CryptoErrorCode = 'invalid-encoding'): Buffer {
  if (typeof text !== 'string' || !HEX.test(text)) {
    throw new CryptoError(code, `${what} is not valid hex`);
  }
  return Buffer.from(text, 'hex');
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

export function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new CryptoError('invalid-argument', `${what} must be a Buffer or Uint8Array`);
  }
}

/** Bytes of a string (UTF-8) or the bytes themselves. */
export function bytesOf(value: string | Uint8Array, what: string): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  assertBytes(value, what);
  return toBuffer(value);
}
