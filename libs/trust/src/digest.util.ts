import { createHash } from 'node:crypto';
import { TrustError } from './errors';

const SHA256_RE = /^sha256:[0-9a-f]{64}$/;
const ANY_DIGEST_RE = /^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;

export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function isSha256Digest(value: unknown): value is string {
  return typeof value === 'string' && SHA256_RE.test(value);
}

export function isImageDigest(value: unknown): value is string {
  return typeof value === 'string' && ANY_DIGEST_RE.test(value);
}

export function assertImageDigest(value: unknown, what = 'image digest'): asserts value is string {
  if (!isImageDigest(value)) {
    throw new TrustError('invalid-image', `${what} must look like sha256:<64 lowercase hex>, got ${JSON.stringify(String(value).slice(0, 100))}`);
  }
}

/** `sha256:abc…` → `{ sha256: 'abc…' }` (an in-toto digest set). */
export function digestSet(digest: string): Record<string, string> {
  const colon = digest.indexOf(':');
  return { [digest.slice(0, colon)]: digest.slice(colon + 1) };
}
