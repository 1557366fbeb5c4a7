import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesOf, decodeBase64, decodeHex, encodeBase64 } from './encoding.util';
import { CryptoError } from './errors';

describe('strict base64 / hex', () => {
  it('accepts standard and URL-safe alphabets, padded or not', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = randomBytes(n);
      const std = bytes.toString('base64');
      expect(decodeBase64(std, 'x')).toEqual(bytes);
      expect(decodeBase64(std.replace(/=+$/, ''), 'x')).toEqual(bytes);
      expect(decodeBase64(bytes.toString('base64url'), 'x')).toEqual(bytes);
      expect(decodeBase64(bytes.toString('base64url') + '='.repeat((4 - (bytes.toString('base64url').length % 4)) % 4), 'x')).toEqual(bytes);
      expect(encodeBase64(bytes)).toBe(std);
    }
  });

  it('rejects garbage that Buffer.from would silently accept', () => {
    for (const bad of ['a b', 'ab\n', 'a', 'abcde', '====', 'ab=c', 'ab===', 'YQ==YQ==', 'Y+_a', 'YR==', 'YWI=a', '!!!!']) {
      expect(() => decodeBase64(bad, 'field'), bad).toThrow(CryptoError);
    }
    expect(() => decodeBase64(5 as unknown as string, 'field')).toThrow(/field must be a base64 string/);
  });

  it('decodes hex strictly and reads strings as UTF-8', () => {
    expect(decodeHex('00fF', 'h')).toEqual(Buffer.from([0, 255]));
    for (const bad of ['0', 'zz', '0x00', ' 00']) expect(() => decodeHex(bad, 'h')).toThrow(CryptoError);
    expect(bytesOf('é', 's')).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(() => bytesOf(1 as unknown as string, 's')).toThrow(/s must be/);
  });
});
