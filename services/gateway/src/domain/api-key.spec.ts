import { describe, expect, it } from 'vitest';
import { apiKeyMatches, generateApiKey, parseApiKey, API_KEY_PATTERN } from './api-key';

describe('api keys', () => {
  it('generates keys in the documented format whose hash matches only themselves', () => {
    const k = generateApiKey();
    expect(k.key).toMatch(API_KEY_PATTERN);
    expect(parseApiKey(k.key)).toEqual({ keyId: k.keyId });
    expect(apiKeyMatches(k.key, k.hash)).toBe(true);
    expect(apiKeyMatches(generateApiKey().key, k.hash)).toBe(false);
    expect(k.hash).not.toContain(k.key.slice(17));
  });
  it.each(['', 'lzk_', 'lzk_0123456789ab_short', 'Bearer x', 'lzk_0123456789AB_' + 'a'.repeat(43)])('rejects %j', (s) => {
    expect(parseApiKey(s)).toBeUndefined();
  });
});
