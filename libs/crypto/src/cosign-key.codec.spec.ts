import { createPublicKey, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  COSIGN_PEM_TYPE,
  exportCosignKeyPair,
  exportCosignPrivateKey,
  importCosignPrivateKey,
  SIGSTORE_PEM_TYPE,
} from './cosign-key.codec';
import { CryptoError } from './errors';
import { secretboxSeal } from './secretbox.cipher';
import { generateSigningKeyPair, keyId, sign, verify } from './signing.keys';

// Published test keys from sigstore/cosign pkg/cosign/keys_test.go (password "hello").
// pemcosignkey: test case "COSIGN PEM RSA Type" (scrypt N = 32768), loads in cosign. Despite the
// test case's name the key inside is ECDSA P-256 (154-byte box = 16-byte tag + PKCS#8 P-256).
const COSIGN_RSA = `-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----
eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjozMjc2OCwiciI6
OCwicCI6MX0sInNhbHQiOiJ4WWdoc09JTUxUWGNOT0RsclNIOUNKc1FlOVFnZmN1
cmUrMXlLdHh1TlkwPSJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94
Iiwibm9uY2UiOiI0cS9PSlVmaXJkSUkrUjZ0ajZBMmcyQ0JqL25xdFNicCJ9LCJj
aXBoZXJ0ZXh0IjoiKzB4Q3NzcFN0WStBczdKanJpOWtsbHBWd2JhcUI4ZWJNdWto
eS9aVE1MSXRsL3B1YS9jWVJvbytLRGxMWWdmOW1kSjk4K1FnQW9oTktoYnJPMTcw
MHdBY1JTMjFDOE4zQUNJRUVZaWpOMllBNnMraGJSbkhjUnd4eGhDMDFtb2FvL0dO
Y1pmbEJheXZMV3pXblo4d2NDZ2ZpT1o1VXlRTEFJMHh0dnR6dEh3cTdDV1Vhd3V4
RlhlNDZzck9TUE9SNHN6bytabWErUGovSFE9PSJ9
-----END ENCRYPTED COSIGN PRIVATE KEY-----`;

// pemcosigneckey: "COSIGN PEM EC Type" (N = 65536); its plaintext is a SEC1 EC key, which cosign
// refuses ("use ParseECPrivateKey instead") but which decrypts fine.
const COSIGN_EC_SEC1 = `-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----
eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6
OCwicCI6MX0sInNhbHQiOiJHK3F5WTYrNzhNS0JzMXNGTGs1ajYwcS9kS3Z1czBW
VkhlSHZybC9POTF3PSJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94
Iiwibm9uY2UiOiJRc2JGdG13WDRDK2ttV3ZCcVRaMEFGOUFYdk1jRmg1SCJ9LCJj
aXBoZXJ0ZXh0IjoiREM5T28zeldiYVQzSXYwdFVnWEdycjUxYW1samwwNlQ5MTNP
VkxPbWpuMWhnK2o2WXRUbWg3SGhZSlY1N2J5eGE0Q281bE9YYmRqbTJ3aklubEd1
Um5aZCt5OExnekpSNzFSeEhKVzgrWmRlcFJmYWJMTjdHbDgrSFZEcERVQ3NxQnRh
VngyblpGbFEwWUl1anZwbFphblNGaUVvdERLVGkxZ3VhUXIwUHNzYU01NXZxbTRY
WS9rPSJ9
-----END ENCRYPTED COSIGN PRIVATE KEY-----`;

// pemsigstorekey: "SISTORE PEM Type" (N = 32768), loads in cosign.
const SIGSTORE_KEY = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----
eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjozMjc2OCwiciI6
OCwicCI6MX0sInNhbHQiOiI3T3VGd2VsbWZZNXVId2NoaURSc210anNwZ2ZlZjFG
Mk5lOGFDTjVLYVpZPSJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94
Iiwibm9uY2UiOiJQNHk4OGhCb3ZTa09MbXN0bFVBaGJwdDJ0K2xTNUxQSCJ9LCJj
aXBoZXJ0ZXh0IjoiMnB1QzdyZldJOWh3bnJlQ2s4aUZDRlVwQlRrSzRJNlIvbFBF
cnBDekpXUGpJWXl4eGVIL1A2VW52cFJHdVhla1NNb3JMdGhLamdoQ1JlNy82NDVH
QWtoVm1LRC92eEF0S2EvbE1abENSQ3FlekJGUFd1dzNpeFRtZ2xhb2J1ZFVSbUVs
bmNGOGlZbzBTMVl6Y1ZOMVFwY2J2c0dNcUlYRzVlbmdteGp5dCtBcXlyZTF0Q0Y0
V01tU1BlaEljNlBqd2h1Q2xHaVpJUWRvTGc9PSJ9
-----END ENCRYPTED SIGSTORE PRIVATE KEY-----`;

function json(pem: string): Record<string, Record<string, unknown>> {
  const body = pem.split('\n').filter((l) => !l.startsWith('-----')).join('');
  return JSON.parse(Buffer.from(body, 'base64').toString()) as Record<string, Record<string, unknown>>;
}

function rewrap(pem: string, doc: unknown): string {
  const type = /BEGIN ([A-Z ]+)-----/.exec(pem)![1]!;
  const b64 = Buffer.from(JSON.stringify(doc)).toString('base64');
  return `-----BEGIN ${type}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${type}-----\n`;
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return (error as CryptoError).code;
  }
  return undefined;
}

describe('cosign encrypted private keys', () => {
  it('imports cosign test key pemcosignkey (legacy label, N=32768)', () => {
    expect(json(COSIGN_RSA).kdf).toMatchObject({ name: 'scrypt', params: { N: 32768, r: 8, p: 1 } });
    const key = importCosignPrivateKey(COSIGN_RSA, 'hello');
    expect(key.pemType).toBe(COSIGN_PEM_TYPE);
    expect(key.algorithm).toBe('ecdsa-p256');
    expect(Buffer.from(json(COSIGN_RSA).ciphertext as unknown as string, 'base64')).toHaveLength(16 + 138);
    expect(verify('payload', sign('payload', key.privateKey), key.publicKey)).toBe(true);
  });

  it('imports cosign test key "SIGSTORE PEM Type"', () => {
    const key = importCosignPrivateKey(SIGSTORE_KEY, Buffer.from('hello'));
    expect(key.pemType).toBe(SIGSTORE_PEM_TYPE);
    expect(key.keyId).toBe(keyId(createPublicKey(key.privateKey)));
    expect(verify('payload', sign('payload', key.privateKey), key.publicKey)).toBe(true);
  });

  it('decrypts cosign test key "COSIGN PEM EC Type" (N=65536, SEC1 plaintext) to an ECDSA P-256 key', () => {
    const key = importCosignPrivateKey(COSIGN_EC_SEC1, 'hello');
    expect(key.algorithm).toBe('ecdsa-p256');
  });

  it('rejects a wrong password with decryption-failed and says nothing about the password', () => {
    let caught: unknown;
    try {
      importCosignPrivateKey(SIGSTORE_KEY, 'hellO-wrong-password');
    } catch (error) {
      caught = error;
    }
    expect((caught as CryptoError).code).toBe('decryption-failed');
    expect((caught as Error).message).not.toContain('hellO');
  });

  it('rejects tampered ciphertext, nonce and salt', () => {
    const doc = json(COSIGN_RSA);
    const flip = (b64: string) => {
      const b = Buffer.from(b64, 'base64');
      b[b.length - 1]! ^= 1;
      return b.toString('base64');
    };
    expect(code(() => importCosignPrivateKey(rewrap(COSIGN_RSA, { ...doc, ciphertext: flip(doc.ciphertext as unknown as string) }), 'hello'))).toBe(
      'decryption-failed',
    );
    expect(code(() => importCosignPrivateKey(rewrap(COSIGN_RSA, { ...doc, cipher: { ...doc.cipher, nonce: flip(doc.cipher!.nonce as string) } }), 'hello'))).toBe(
      'decryption-failed',
    );
    expect(code(() => importCosignPrivateKey(rewrap(COSIGN_RSA, { ...doc, kdf: { ...doc.kdf, salt: flip(doc.kdf!.salt as string) } }), 'hello'))).toBe(
      'decryption-failed',
    );
  });

  it('refuses malformed files and unbounded scrypt parameters before doing any work', () => {
    const doc = json(COSIGN_RSA);
    const withParams = (params: unknown) => rewrap(COSIGN_RSA, { ...doc, kdf: { ...doc.kdf, params } });
    for (const params of [
      { N: 2 ** 20, r: 8, p: 1 },
      { N: 2 ** 31, r: 8, p: 1 },
      { N: 1000, r: 8, p: 1 },
      { N: 32768, r: 64, p: 1 },
      { N: 32768, r: 8, p: 100 },
      { N: '32768', r: 8, p: 1 },
    ]) {
      expect(code(() => importCosignPrivateKey(withParams(params), 'hello')), JSON.stringify(params)).toBe('malformed-cosign-key');
    }
    const bad: Array<[string, string]> = [
      ['not pem', 'hello'],
      ['other type', COSIGN_RSA.replaceAll('ENCRYPTED COSIGN PRIVATE KEY', 'PRIVATE KEY')],
      ['mismatched end', COSIGN_RSA.replace('END ENCRYPTED COSIGN', 'END ENCRYPTED SIGSTORE')],
      ['not json', rewrap(COSIGN_RSA, 'x').replace(Buffer.from('"x"').toString('base64'), Buffer.from('{x').toString('base64'))],
      ['kdf name', rewrap(COSIGN_RSA, { ...doc, kdf: { ...doc.kdf, name: 'pbkdf2' } })],
      ['cipher name', rewrap(COSIGN_RSA, { ...doc, cipher: { ...doc.cipher, name: 'aes-gcm' } })],
      ['short nonce', rewrap(COSIGN_RSA, { ...doc, cipher: { ...doc.cipher, nonce: Buffer.alloc(12).toString('base64') } })],
      ['no ciphertext', rewrap(COSIGN_RSA, { ...doc, ciphertext: undefined })],
      ['array', rewrap(COSIGN_RSA, [])],
    ];
    for (const [label, pem] of bad) expect(code(() => importCosignPrivateKey(pem, 'hello')), label).toBe('malformed-cosign-key');
  });

  it('rejects a correctly encrypted payload that is not a private key', () => {
    const doc = json(COSIGN_RSA);
    // Re-seal garbage under the same password-derived key: decrypts, then fails to parse.
    const key = scryptSync('hello', Buffer.from(doc.kdf!.salt as string, 'base64'), 32, { N: 32768, r: 8, p: 1, maxmem: 2 ** 28 });
    const nonce = Buffer.from(doc.cipher!.nonce as string, 'base64');
    const sealed = secretboxSeal(Buffer.from('not a key'), nonce, key).toString('base64');
    expect(code(() => importCosignPrivateKey(rewrap(COSIGN_RSA, { ...doc, ciphertext: sealed }), 'hello'))).toBe('malformed-cosign-key');
  });

  it.each(['ecdsa-p256', 'ed25519'] as const)('exports %s keys in cosign format and reads them back', (algorithm) => {
    const pair = generateSigningKeyPair(algorithm);
    const { privateKeyPem, publicKeyPem } = exportCosignKeyPair(pair.privateKey, 'correct horse', { scryptN: 32768 });
    expect(privateKeyPem).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n$/);
    const doc = json(privateKeyPem);
    expect(Object.keys(doc)).toEqual(['kdf', 'cipher', 'ciphertext']);
    expect(doc.kdf).toMatchObject({ name: 'scrypt', params: { N: 32768, r: 8, p: 1 } });
    expect(Buffer.from(doc.kdf!.salt as string, 'base64')).toHaveLength(32);
    expect(doc.cipher).toMatchObject({ name: 'nacl/secretbox' });
    expect(Buffer.from(doc.cipher!.nonce as string, 'base64')).toHaveLength(24);
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const back = importCosignPrivateKey(privateKeyPem, 'correct horse');
    expect(back.keyId).toBe(pair.keyId);
    expect(back.algorithm).toBe(algorithm);
    expect(code(() => importCosignPrivateKey(privateKeyPem, 'wrong'))).toBe('decryption-failed');
  });

  it('defaults to cosign\'s current parameters and allows the legacy label', () => {
    const pair = generateSigningKeyPair();
    const pem = exportCosignPrivateKey(pair.privateKey, '', { pemType: COSIGN_PEM_TYPE });
    expect(pem.startsWith('-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n')).toBe(true);
    expect(json(pem).kdf!.params).toEqual({ N: 65536, r: 8, p: 1 });
    expect(importCosignPrivateKey(pem, '').keyId).toBe(pair.keyId); // cosign allows an empty password
    expect(code(() => exportCosignPrivateKey(pair.privateKey, 'x', { scryptN: 1024 as never }))).toBe('invalid-argument');
  });
});
