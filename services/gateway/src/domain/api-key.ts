import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `lzk_<key id: 12 hex>_<secret: 32 random bytes, base64url>`. The key id is
 * public (it finds the row); only SHA-256 of the whole key is stored. A 256-bit random secret
 * needs no slow hash: there is nothing to brute-force.
 */
export const API_KEY_PATTERN = /^lzk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  keyId: string;
  key: string;
  hash: string;
}

export function generateApiKey(): NewApiKey {
  const keyId = randomBytes(6).toString('hex');
  const key = `lzk_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, key, hash: hashApiKey(key) };
}

export function parseApiKey(key: string): { keyId: string } | undefined {
  const m = API_KEY_PATTERN.exec(key);
  return m ? { keyId: m[1]! } : undefined;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function apiKeyMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
